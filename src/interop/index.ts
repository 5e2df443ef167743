// The Promise and AbortSignal interop of the `kocoro` entry (docs/semantics.md K8).
export { asDeferred } from "./as-deferred.js";
export { awaitPromise } from "./await-promise.js";
export { withAbortSignal } from "./with-abort-signal.js";
