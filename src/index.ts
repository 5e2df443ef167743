// kocoro: kotlinx.coroutines for TypeScript. The rules it implements: docs/semantics.md.

// channels
export { BufferOverflow } from "./channels/buffer-overflow.js";
export { Channel, type ChannelOptions } from "./channels/channel.js";
export {
	ClosedReceiveChannelException,
	ClosedSendChannelException,
} from "./channels/channel-exceptions.js";
export { ChannelResult } from "./channels/channel-result.js";
export type {
	ChannelIterator,
	ReceiveChannel,
	SendChannel,
} from "./channels/channel-types.js";
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
	IllegalArgumentException,
	IllegalStateException,
	JobCancellationException,
	NoSuchElementException,
	TimeoutCancellationException,
} from "./errors/exceptions.js";
// flow (src/flow)
export type { FlowSource } from "./flow/collector.js";
// hot flows (src/flow/hot)
export {
	AbstractFlow,
	asFlow,
	callbackFlow,
	channelFlow,
	combine,
	consumeAsFlow,
	DEFAULT_CONCURRENCY,
	emptyFlow,
	Flow,
	FlowCollector,
	flow,
	flowOf,
	type IndexedValue,
	merge,
	receiveAsFlow,
	SharedFlow,
	StateFlow,
} from "./flow/flow.js";
export { SharingCommand } from "./flow/hot/sharing-command.js";
export {
	MutableSharedFlow,
	type MutableSharedFlowOptions,
	MutableStateFlow,
} from "./flow/mutable-shared-flow.js";
export { SharingStarted } from "./flow/sharing-started.js";
// interop and entry points (src/interop, src/main)
export { asDeferred, awaitPromise, withAbortSignal } from "./interop/index.js";
// suspension points
export { awaitCancellation, delay } from "./intrinsics/delay.js";
export type { Instruction, Suspend } from "./intrinsics/instruction.js";
export {
	type CancellableContinuation,
	suspendCancellableCoroutine,
} from "./intrinsics/suspend-cancellable-coroutine.js";
export type { SuspendFn, SuspendFnOn } from "./intrinsics/suspend-fn.js";
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
export type {
	ActorBlock,
	ActorScope,
	Block,
	ProducerBlock,
	ProducerScope,
} from "./scope/coroutine-scope.js";
export { runCoroutine } from "./scope/run-coroutine.js";
export {
	coroutineScope,
	supervisorScope,
	withContext,
} from "./scope/scoping-functions.js";
export { TickerMode, ticker } from "./scope/ticker.js";
export { withTimeout, withTimeoutOrNull } from "./scope/with-timeout.js";
// select
export {
	type SelectBuilder,
	select,
	selectUnbiased,
	whileSelect,
} from "./select/select.js";
// synchronization (src/sync)
export { Mutex } from "./sync/mutex.js";
export { Semaphore } from "./sync/semaphore.js";
