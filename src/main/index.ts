// The command-line entry point of the `kocoro` entry (API.md §2).
export { main } from "./main.js";
