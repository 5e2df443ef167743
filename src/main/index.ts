// The command-line entry point of the `kocoro` entry (docs/semantics.md K6).
export { main } from "./main.js";
