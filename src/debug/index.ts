// kocoro/debug: a dump of the live job tree (API.md §10).
export { DebugProbes } from "./debug-probes.js";
