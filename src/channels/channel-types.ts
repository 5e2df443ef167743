import type { CancellationException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import type { SuspendFn, SuspendFnOn } from "../intrinsics/suspend-fn.js";
import type { ChannelResult } from "./channel-result.js";

/**
 * The sending side of a channel (Kotlin's `SendChannel`).
 *
 * @example
 * function* producer(out: SendChannel<number>): Suspend<void> {
 *   for (let i = 0; i < 3; i++) yield* out.send(i);
 *   out.close();
 * }
 */
export interface SendChannel<E> {
	/** True once `close` or `cancel` was called: `send` fails from then on. */
	readonly isClosedForSend: boolean;
	/**
	 * Sends `element`, suspending while the buffer is full (or, for a rendezvous channel, until a
	 * receiver takes it). To a waiting receiver it returns at once. On a closed channel it throws
	 * `ClosedSendChannelException` (or the close cause) and gives the element to
	 * `onUndeliveredElement`. Cancellable while suspended; a cancelled send also gives its element
	 * to `onUndeliveredElement`.
	 */
	send(element: E): Suspend<void>;
	/**
	 * Sends `element` when it can be done without suspending: a success, a failure (the buffer is
	 * full), or closed. Never calls `onUndeliveredElement` for the element it was given.
	 */
	trySend(element: E): ChannelResult<void>;
	/**
	 * Closes the channel for sending: suspended senders still deliver, the buffer is still
	 * received, then receivers get `ClosedReceiveChannelException` (or `cause`). True when this
	 * call closed it, false when it was already closed.
	 */
	close(cause?: Error | null): boolean;
	/**
	 * Registers the one handler called, synchronously, when the channel is closed or cancelled
	 * (at once when it already is), with the close cause. A second registration throws
	 * `IllegalStateException`.
	 */
	invokeOnClose(handler: (cause: Error | null) => void): void;
}

/**
 * The receiving side of a channel (Kotlin's `ReceiveChannel`).
 *
 * Kotlin's `for (x in ch)` is a three-part `for` over the channel's iterator:
 * ```ts
 * for (const it = ch.iterator(); yield* it.hasNext(); ) { const x = it.next(); console.log(x); }
 * ```
 *
 * @example
 * function* total(ch: ReceiveChannel<number>): Suspend<number> {
 *   let sum = 0;
 *   for (const it = ch.iterator(); yield* it.hasNext(); ) sum += it.next();
 *   return sum;
 * }
 */
export interface ReceiveChannel<E> {
	/** True once the channel is closed and every element in it was received. */
	readonly isClosedForReceive: boolean;
	/** True when a `receive` would suspend now (false once closed for receive). */
	readonly isEmpty: boolean;
	/**
	 * Receives the next element, suspending while there is none. From a waiting sender it returns
	 * at once. Once the channel is closed and drained it throws `ClosedReceiveChannelException`
	 * (or the close cause). Cancellable while suspended: an element handed to a receiver that is
	 * cancelled before it runs goes to `onUndeliveredElement`.
	 */
	receive(): Suspend<E>;
	/** Receives an element when one is there: a success, a failure (empty) or closed. */
	tryReceive(): ChannelResult<E>;
	/** As `receive`, but a closed channel gives a closed result instead of throwing. */
	receiveCatching(): Suspend<ChannelResult<E>>;
	/** An iterator for the `for` loop above: `hasNext()` receives, `next()` returns the element. */
	iterator(): ChannelIterator<E>;
	/**
	 * Cancels the channel: closes it with `cause` (default `CancellationException("Channel was
	 * cancelled")`), gives every buffered element and every waiting sender's element to
	 * `onUndeliveredElement` (oldest first), and fails every waiter.
	 */
	cancel(cause?: CancellationException | string): void;
	/**
	 * Runs `block` with this channel as `this` and argument, then cancels the channel (with the
	 * block's failure as the cause, when it failed).
	 */
	consume<R>(
		block: (this: ReceiveChannel<E>, ch: ReceiveChannel<E>) => Suspend<R>,
	): Suspend<R>;
	consume<R>(block: SuspendFnOn<ReceiveChannel<E>, [], R>): Suspend<R>;
	consume<R>(
		block: (this: ReceiveChannel<E>, ch: ReceiveChannel<E>) => R,
	): Suspend<R>;
	/** Calls `action` with every element until the channel is closed, then cancels it (`consume`). */
	consumeEach(action: (element: E) => Suspend<void>): Suspend<void>;
	consumeEach(action: SuspendFn<[E], void>): Suspend<void>;
	/** Receives every element until the channel is closed, then cancels it (`consume`). */
	toList(): Suspend<E[]>;
}

/**
 * The iterator of a receive channel (Kotlin's `ChannelIterator`): `hasNext()` receives and keeps
 * the element (false once the channel is closed and drained, the close cause rethrown when there
 * is one); `next()` returns it.
 *
 * @example
 * const ch = Channel<number>(Channel.UNLIMITED);
 * for (const x of [1, -1, 2]) ch.trySend(x);
 * for (const it = ch.iterator(); yield* it.hasNext(); ) {
 *   const x = it.next();
 *   if (x < 0) break; // the channel stays open
 * }
 */
export interface ChannelIterator<E> {
	hasNext(): Suspend<boolean>;
	/**
	 * The element `hasNext()` received; throws `IllegalStateException` when `hasNext()` was not
	 * called first.
	 */
	next(): E;
}
