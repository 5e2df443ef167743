// The Promise and AbortSignal interop of the `kocoro` entry (API.md §9).
export { asDeferred } from "./as-deferred.js";
export { awaitPromise } from "./await-promise.js";
export { withAbortSignal } from "./with-abort-signal.js";
