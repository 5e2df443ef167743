// kocoro: kotlinx.coroutines for TypeScript. The public API (API.md §1–§7, §9).

// context
export {
	type AsyncLocalStorageLike,
	asContextElement,
} from "./context/as-context-element.js";
export {
	AbstractCoroutineContextElement,
	type CoroutineContext,
	type CoroutineContextElement,
	CoroutineContextKey,
	EmptyCoroutineContext,
} from "./context/coroutine-context.js";
export {
	CoroutineExceptionHandler,
	setDefaultCoroutineExceptionHandler,
} from "./context/coroutine-exception-handler.js";
export { CoroutineName } from "./context/coroutine-name.js";
// coroutines
export { CoroutineStart } from "./coroutine/coroutine-start.js";
export {
	currentCoroutineContext,
	ensureActive,
	isActive,
} from "./coroutine/current.js";
// dispatchers
export { CoroutineDispatcher } from "./dispatchers/coroutine-dispatcher.js";
export { Dispatchers } from "./dispatchers/dispatchers.js";
// errors
export {
	CancellationException,
	CompletionHandlerException,
	IllegalStateException,
	JobCancellationException,
	TimeoutCancellationException,
} from "./errors/exceptions.js";
// interop and entry points (src/interop, src/main)
export { asDeferred, awaitPromise, withAbortSignal } from "./interop/index.js";
// suspension points
export { awaitCancellation, delay } from "./intrinsics/delay.js";
export type { Instruction, Suspend } from "./intrinsics/instruction.js";
export {
	type CancellableContinuation,
	suspendCancellableCoroutine,
} from "./intrinsics/suspend-cancellable-coroutine.js";
export { yieldNow, yieldNow as yield } from "./intrinsics/yield-now.js";
// jobs
export { CompletableDeferred } from "./job/completable-deferred.js";
export type { DisposableHandle } from "./job/disposable-handle.js";
export {
	type CompletableJob,
	type Deferred,
	Job,
	SupervisorJob,
} from "./job/job.js";
export { NonCancellable } from "./job/non-cancellable.js";
export { main } from "./main/index.js";
// scopes and builders
export { type AwaitedAll, awaitAll, joinAll } from "./scope/await-all.js";
export {
	CoroutineScope,
	GlobalScope,
	MainScope,
} from "./scope/context-scope.js";
export type { Block } from "./scope/coroutine-scope.js";
export { runCoroutine } from "./scope/run-coroutine.js";
export {
	coroutineScope,
	supervisorScope,
	withContext,
} from "./scope/scoping-functions.js";
export { withTimeout, withTimeoutOrNull } from "./scope/with-timeout.js";
