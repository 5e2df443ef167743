import type { Channel } from "../channels/channel.js";
import type { ReceiveChannel, SendChannel } from "../channels/channel-types.js";
import type { CoroutineContext } from "../context/coroutine-context.js";
import type { CancellationException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import type { Deferred, Job } from "../job/job.js";
import type { CoroutineStart } from "./coroutine-start.js";

/**
 * The body of a coroutine: a generator function. Its scope is both `this` and the first argument,
 * so children can be launched with `this.launch(...)` or `scope.launch(...)`.
 *
 * @example
 * const both: Block<number> = function* (scope) {
 *   const a = scope.async(function* () { return yield* loadA(); });
 *   return (yield* a.await()) + (yield* loadB());
 * };
 * const total = yield* coroutineScope(both);
 */
export type Block<T> = (
	this: CoroutineScope,
	scope: CoroutineScope,
) => Suspend<T>;

/**
 * Where coroutines are launched: a context whose job becomes the parent of every coroutine
 * launched in it.
 *
 * @example
 * const scope = CoroutineScope(Dispatchers.Default);
 * scope.launch(function* () { yield* delay(100); console.log("done"); });
 * scope.cancel(); // cancels everything launched in it
 */
export interface CoroutineScope {
	readonly coroutineContext: CoroutineContext;
	/** The scope's job is active (true when the scope has no job). */
	readonly isActive: boolean;
	ensureActive(): void;
	/** Cancels the scope's job and so every coroutine in it. */
	cancel(cause?: CancellationException | string): void;
	/** Starts a coroutine that returns nothing; its failure cancels the scope (not under a supervisor). */
	launch(block: Block<void>): Job;
	launch(context: CoroutineContext, block: Block<void>): Job;
	launch(
		context: CoroutineContext,
		start: CoroutineStart,
		block: Block<void>,
	): Job;
	/** Starts a coroutine with a result; `await()` gives the value or rethrows the failure. */
	async<T>(block: Block<T>): Deferred<T>;
	async<T>(context: CoroutineContext, block: Block<T>): Deferred<T>;
	async<T>(
		context: CoroutineContext,
		start: CoroutineStart,
		block: Block<T>,
	): Deferred<T>;
	/** Kotlin/JS `CoroutineScope.promise`: `async(block).asPromise()`. */
	promise<T>(block: Block<T>): Promise<T>;
	promise<T>(context: CoroutineContext, block: Block<T>): Promise<T>;
	/**
	 * Kotlin's `produce`: starts a child coroutine that sends to a new channel (a rendezvous one
	 * unless `capacity` says otherwise) and returns the channel's receiving side. The channel is
	 * closed when the body ends, with its failure or cancellation as the cause (the consumer
	 * receives the buffer, then the cause); cancelling the channel cancels the coroutine.
	 *
	 * @example
	 * const numbers = scope.produce<number>(function* () {
	 *   for (let i = 1; i <= 3; i++) yield* this.send(i);
	 * });
	 * yield* numbers.consumeEach((n) => console.log(n));
	 */
	produce<E>(block: ProducerBlock<E>): ReceiveChannel<E>;
	produce<E>(
		context: CoroutineContext,
		block: ProducerBlock<E>,
	): ReceiveChannel<E>;
	produce<E>(
		context: CoroutineContext,
		capacity: number,
		block: ProducerBlock<E>,
	): ReceiveChannel<E>;
	/**
	 * Kotlin's `actor`: starts a child coroutine that receives from a new channel (`this.channel`)
	 * and returns the channel's sending side; the channel is cancelled when the body ends.
	 *
	 * @deprecated obsolete in kotlinx (JVM-only there); kept for ports.
	 */
	actor<E>(block: ActorBlock<E>): SendChannel<E>;
	actor<E>(context: CoroutineContext, block: ActorBlock<E>): SendChannel<E>;
	actor<E>(
		context: CoroutineContext,
		capacity: number,
		block: ActorBlock<E>,
	): SendChannel<E>;
}

/**
 * The body of `produce`: a generator function with its {@link ProducerScope} as `this` and argument.
 *
 * @example
 * const countdown: ProducerBlock<number> = function* () {
 *   for (let i = 3; i > 0; i--) yield* this.send(i);
 * };
 * const numbers = scope.produce(countdown);
 */
export type ProducerBlock<E> = (
	this: ProducerScope<E>,
	scope: ProducerScope<E>,
) => Suspend<void>;

/**
 * The body of `actor`: a generator function with its {@link ActorScope} as `this` and argument.
 *
 * @example
 * const printer: ActorBlock<string> = function* () {
 *   for (const it = this.iterator(); yield* it.hasNext(); ) console.log(it.next());
 * };
 * const mailbox = scope.actor(printer);
 */
export type ActorBlock<E> = (
	this: ActorScope<E>,
	scope: ActorScope<E>,
) => Suspend<void>;

/**
 * The scope of a `produce` body (Kotlin's `ProducerScope`): a coroutine scope that is also the
 * sending side of the produced channel.
 *
 * @example
 * function* squares(this: ProducerScope<number>): Suspend<void> {
 *   for (let i = 1; i <= 3; i++) yield* this.send(i * i);
 * }
 * const ch = scope.produce(squares);
 */
export interface ProducerScope<E> extends CoroutineScope, SendChannel<E> {
	/** The channel this producer sends to. */
	readonly channel: SendChannel<E>;
	/**
	 * Suspends until the channel is closed or cancelled (by the consumer), then runs `block`
	 * (also when the wait is cancelled): where a callback-based producer unregisters its
	 * listener. Only from the producer's own coroutine, else `IllegalStateException`.
	 *
	 * @example
	 * const source = new EventTarget();
	 * const events = scope.produce<Event>(function* () {
	 *   const on = (e: Event) => this.trySend(e);
	 *   source.addEventListener("message", on);
	 *   yield* this.awaitClose(() => source.removeEventListener("message", on));
	 * });
	 */
	awaitClose(block?: () => void): Suspend<void>;
}

/**
 * The scope of an `actor` body (Kotlin's `ActorScope`): a coroutine scope that is also the
 * receiving side of the actor's channel.
 *
 * @example
 * function* total(this: ActorScope<number>): Suspend<void> {
 *   let sum = 0;
 *   for (const it = this.iterator(); yield* it.hasNext(); ) sum += it.next();
 *   console.log(sum);
 * }
 * const adder = scope.actor(total);
 * adder.trySend(2);
 * adder.close();
 */
export interface ActorScope<E> extends CoroutineScope, ReceiveChannel<E> {
	/** The actor's mailbox. */
	readonly channel: Channel<E>;
}
