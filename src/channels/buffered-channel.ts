/**
 * The channel: kotlinx's `BufferedChannel` and `ConflatedBufferedChannel` on one thread.
 *
 * kotlinx builds its channel from lock-free segments of cells so that many threads can race on
 * it; kocoro has one thread, so the same semantics hold with a ring buffer and two intrusive FIFO
 * queues of waiters.
 *
 * State:
 * - `buffer`: the elements sent and not yet received, oldest first; at most `capacity`.
 * - `senders`: suspended senders (each holds its element), FIFO; `receivers`: suspended
 *   receivers, FIFO. Waiters are select clauses or the coroutine operations themselves.
 * - `phase`: OPEN, CLOSED (`close`: no more sends; what is in the buffer and in `senders` is
 *   still received) or CANCELLED (`cancel`: closed, buffer and senders emptied for good).
 * - `closeCause`: set once, by the first `close`/`cancel` (null: closed without a cause).
 *
 * Invariants (checked by the tests in test/channels):
 * - `receivers` is non-empty only while the buffer and `senders` are empty: an element never
 *   waits while a receiver waits (a send hands it straight over, FIFO).
 * - `senders` is non-empty only while the buffer is full (`buffer.size === capacity`) and the
 *   overflow strategy is SUSPEND: a receive takes the buffer's head and moves the first waiting
 *   sender's element to the tail (rendezvous: takes the sender's element directly).
 * - Once not OPEN, nothing is added to the buffer or `senders`, and `receivers` is empty.
 * - Every element accepted by a send is received exactly once or given to
 *   `onUndeliveredElement` exactly once (a cancelled send, an element handed to a receiver that
 *   was cancelled before it ran, an overflow drop, the buffer and senders on `cancel`).
 */
import { handleCoroutineException } from "../context/coroutine-exception-handler.js";
import {
	addSuppressed,
	type CancellationException,
	IllegalStateException,
	newCancellation,
} from "../errors/exceptions.js";
import {
	SUSPENDED,
	type Suspend,
	type SuspendingCoroutine,
} from "../intrinsics/instruction.js";
import { BufferOverflow } from "./buffer-overflow.js";
import {
	ClosedSendChannelException,
	DEFAULT_CLOSE_MESSAGE,
	UndeliveredElementException,
} from "./channel-exceptions.js";
import { ChannelResult } from "./channel-result.js";
import type {
	ChannelIterator,
	ReceiveChannel,
	SendChannel,
} from "./channel-types.js";
import {
	type ChannelCore,
	ChannelIteratorImpl,
	CLOSED,
	EMPTY,
	RECEIVE,
	RECEIVE_CATCHING,
	ReceiveInstruction,
	type ReceiverNode,
	type SenderNode,
	SendInstruction,
} from "./channel-waiters.js";
import { consumeChannel, consumeEachOf, toListOf } from "./consume.js";
import { WaiterQueue } from "./waiter-queue.js";

const OPEN = 0;
const CLOSED_PHASE = 1;
const CANCELLED = 2;

let nextChannelId = 1;

export class BufferedChannel<E>
	implements SendChannel<E>, ReceiveChannel<E>, ChannelCore
{
	readonly senders = new WaiterQueue<SenderNode>();
	readonly receivers = new WaiterQueue<ReceiverNode>();
	closeCause: Error | null = null;
	private phase = OPEN;
	/** Ring buffer: `size` elements from `head`; length a power of two (or 0 before first use). */
	private buf: (E | undefined)[] = [];
	private head = 0;
	private size = 0;
	private closeHandler: ((cause: Error | null) => void) | null = null;
	private closeHandlerCalled = false;
	private id = 0;

	/**
	 * @param capacity elements the buffer holds: an integer >= 0, or Infinity (unlimited)
	 * @param overflow what a send to a full buffer does
	 */
	constructor(
		readonly capacity: number,
		private readonly overflow: BufferOverflow,
		private readonly onUndeliveredElement: ((element: E) => void) | null,
	) {}

	// ---- state ----------------------------------------------------------------------------

	get isClosedForSend(): boolean {
		return this.phase !== OPEN;
	}
	get isClosedForReceive(): boolean {
		return this.phase !== OPEN && this.size === 0 && this.senders.isEmpty;
	}
	get isEmpty(): boolean {
		return this.size === 0 && this.senders.isEmpty && !this.isClosedForReceive;
	}

	// ---- sending ---------------------------------------------------------------------------

	send(element: E): Suspend<void> {
		return new SendInstruction(this, element);
	}

	sendOrSuspend(co: SuspendingCoroutine, node: SendInstruction): unknown {
		const element = node.element as E;
		if (this.phase !== OPEN) {
			const failure = this.sendException();
			const undelivered = this.callUndelivered(element);
			if (undelivered !== null) {
				addSuppressed(undelivered, failure);
				throw undelivered;
			}
			throw failure;
		}
		if (this.offer(element, true)) return undefined;
		if (co.isCancelled) {
			this.dropFromWaiter(element, co);
			throw co.getCancellationException();
		}
		node.co = co;
		this.senders.add(node);
		co.waiting = node;
		return SUSPENDED;
	}

	trySend(element: E): ChannelResult<void> {
		if (this.phase !== OPEN) return ChannelResult.closed(this.sendException());
		return this.offer(element, false)
			? ChannelResult.success(undefined)
			: ChannelResult.failure();
	}

	/**
	 * Adds `element` without suspending when the channel allows it: to the first waiting
	 * receiver, to the buffer, or by the overflow strategy. False: a sender must wait. `isSend`:
	 * a DROP_LATEST drop gives the element to `onUndeliveredElement` (`trySend` drops silently).
	 */
	offer(element: E, isSend: boolean): boolean {
		const r = this.receivers.shift();
		if (r !== null) {
			r.deliver(element);
			return true;
		}
		if (this.size < this.capacity) {
			this.push(element);
			return true;
		}
		if (this.overflow === BufferOverflow.SUSPEND) return false;
		if (this.overflow === BufferOverflow.DROP_OLDEST) {
			const dropped = this.shiftBuffer();
			this.push(element);
			const e = this.callUndelivered(dropped);
			if (e !== null) throw e;
			return true;
		}
		if (isSend) {
			const e = this.callUndelivered(element);
			if (e !== null) throw e;
		}
		return true;
	}

	// ---- receiving -------------------------------------------------------------------------

	receive(): Suspend<E> {
		return new ReceiveInstruction(this, RECEIVE, null) as Suspend<E>;
	}
	receiveCatching(): Suspend<ChannelResult<E>> {
		return new ReceiveInstruction(this, RECEIVE_CATCHING, null) as Suspend<
			ChannelResult<E>
		>;
	}
	iterator(): ChannelIterator<E> {
		return new ChannelIteratorImpl<E>(this);
	}

	receiveOrSuspend(co: SuspendingCoroutine, node: ReceiveInstruction): unknown {
		const v = this.poll();
		if (v !== CLOSED && v !== EMPTY) return v;
		if (v === CLOSED) return CLOSED;
		if (co.isCancelled) throw co.getCancellationException();
		node.co = co;
		this.receivers.add(node);
		co.waiting = node;
		return SUSPENDED;
	}

	tryReceive(): ChannelResult<E> {
		const v = this.poll();
		if (v === EMPTY) return ChannelResult.failure();
		if (v === CLOSED) return ChannelResult.closed(this.closeCause);
		return ChannelResult.success(v as E);
	}

	/** Takes the next element without suspending: the element, EMPTY, or CLOSED. */
	poll(): unknown {
		if (this.size > 0) {
			const e = this.shiftBuffer();
			const s = this.senders.shift();
			if (s !== null) {
				this.push(s.element as E);
				s.taken();
			}
			return e;
		}
		const s = this.senders.shift();
		if (s !== null) {
			s.taken();
			return s.element;
		}
		return this.phase === OPEN ? EMPTY : CLOSED;
	}

	// ---- closing ---------------------------------------------------------------------------

	close(cause?: Error | null): boolean {
		if (cause !== undefined && cause !== null && !(cause instanceof Error)) {
			throw new TypeError(
				`close(cause): cause must be an Error or null, got ${typeof cause}`,
			);
		}
		return this.closeOrCancel(cause ?? null, CLOSED_PHASE);
	}

	cancel(cause?: CancellationException | string): void {
		this.cancelWith(cancellationOf(cause));
	}

	/** @internal `cancel` with any cause (a producer's failure cancels its channel with it). */
	cancelWith(cause: Error): void {
		this.closeOrCancel(cause, CANCELLED);
		// Kotlin's removeUnprocessedElements: the buffer oldest first, then the waiting senders.
		let failure: UndeliveredElementException | null = null;
		while (this.size > 0) {
			const e = this.callUndelivered(this.shiftBuffer());
			if (failure === null) failure = e;
		}
		for (let s = this.senders.shift(); s !== null; s = this.senders.shift()) {
			const e = this.callUndelivered(s.element as E);
			if (failure === null) failure = e;
			s.failed(this.sendException());
		}
		if (failure !== null) throw failure;
	}

	private closeOrCancel(cause: Error | null, phase: number): boolean {
		const wasOpen = this.phase === OPEN;
		if (wasOpen) this.closeCause = cause;
		if (phase > this.phase) this.phase = phase;
		if (!wasOpen) return false;
		// Receivers wait only on an empty channel: they all see it closed now.
		for (let r = this.receivers.shift(); r !== null; r = this.receivers.shift())
			r.closed(this.closeCause);
		const handler = this.closeHandler;
		if (handler !== null) {
			this.closeHandlerCalled = true;
			handler(this.closeCause);
		}
		return true;
	}

	invokeOnClose(handler: (cause: Error | null) => void): void {
		if (typeof handler !== "function") {
			throw new TypeError(
				`invokeOnClose(handler): handler must be a function, got ${typeof handler}`,
			);
		}
		if (this.closeHandler !== null) {
			throw new IllegalStateException(
				this.closeHandlerCalled
					? "Another handler was already registered and successfully invoked"
					: `Another handler is already registered: ${String(this.closeHandler)}`,
			);
		}
		this.closeHandler = handler;
		if (this.phase !== OPEN) {
			this.closeHandlerCalled = true;
			handler(this.closeCause);
		}
	}

	// ---- consuming -------------------------------------------------------------------------

	consume<R>(block: (this: this, ch: this) => R | Suspend<R>): Suspend<R> {
		return consumeChannel(this, block as never) as Suspend<R>;
	}
	consumeEach(action: (element: E) => unknown): Suspend<void> {
		return consumeEachOf(this, action as never);
	}
	toList(): Suspend<E[]> {
		return toListOf(this);
	}

	// ---- undelivered elements --------------------------------------------------------------

	/** Calls `onUndeliveredElement`; returns its throw, wrapped, instead of throwing it. */
	callUndelivered(element: E): UndeliveredElementException | null {
		const f = this.onUndeliveredElement;
		if (f === null) return null;
		try {
			f(element);
			return null;
		} catch (e) {
			return new UndeliveredElementException(element, e);
		}
	}

	dropFromWaiter(element: unknown, co: SuspendingCoroutine): void {
		const e = this.callUndelivered(element as E);
		if (e !== null) handleCoroutineException(co.context, e);
	}

	sendException(): Error {
		return (
			this.closeCause ?? new ClosedSendChannelException(DEFAULT_CLOSE_MESSAGE)
		);
	}

	// ---- ring buffer -----------------------------------------------------------------------

	private push(element: E): void {
		let buf = this.buf;
		if (this.size === buf.length) buf = this.grow();
		buf[(this.head + this.size) & (buf.length - 1)] = element;
		this.size++;
	}

	private shiftBuffer(): E {
		const buf = this.buf;
		const e = buf[this.head] as E;
		buf[this.head] = undefined;
		this.head = (this.head + 1) & (buf.length - 1);
		this.size--;
		return e;
	}

	private grow(): (E | undefined)[] {
		const old = this.buf;
		const n = old.length === 0 ? initialLength(this.capacity) : old.length * 2;
		const buf = new Array<E | undefined>(n);
		for (let i = 0; i < this.size; i++)
			buf[i] = old[(this.head + i) & (old.length - 1)];
		this.buf = buf;
		this.head = 0;
		return buf;
	}

	toString(): string {
		if (this.id === 0) this.id = nextChannelId++;
		return `Channel@${this.id.toString(16)}`;
	}
}

/** The smallest power of two >= min(capacity, 16), at least 1. */
function initialLength(capacity: number): number {
	let n = 1;
	while (n < capacity && n < 16) n *= 2;
	return n;
}

/** `cancel(cause?)`'s cause: the default `CancellationException("Channel was cancelled")`. */
function cancellationOf(
	cause: CancellationException | string | undefined,
): CancellationException {
	if (cause === undefined) return newCancellation("Channel was cancelled");
	if (typeof cause === "string") return newCancellation(cause);
	if (cause instanceof Error) return cause;
	throw new TypeError(
		"cancel(cause): cause must be a CancellationException or a message string",
	);
}

/**
 * @internal The kocoro channel behind `ch`: the channel itself, or the one of a `produce`/`actor`
 * scope; null for anything else.
 */
export function channelCoreOf(ch: unknown): BufferedChannel<unknown> | null {
	if (ch instanceof BufferedChannel) return ch;
	if (ch !== null && typeof ch === "object") {
		const inner = (ch as { channel?: unknown }).channel;
		if (inner instanceof BufferedChannel) return inner;
	}
	return null;
}
