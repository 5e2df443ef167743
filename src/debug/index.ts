// kocoro/debug: a dump of the live job tree (docs/semantics.md K10, docs/testing.md).
export { DebugProbes } from "./debug-probes.js";
