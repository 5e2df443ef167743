/**
 * The suspended sides of a channel operation. A coroutine's `send`/`receive`/`hasNext` is an
 * instruction that is also its own waiter node and its own wait (Suspension): suspending
 * allocates nothing beyond the instruction the call already made, and a `send`/`receive` that
 * completes at once never creates a waiter.
 *
 * Receivers resumed with an element are resumed non-cancellably on purpose: the element check of
 * prompt cancellation happens here, in `next(value)`, where the element can still be handed to
 * `onUndeliveredElement` (Kotlin's `resume(value) { onCancellation }`).
 */
import type { CancellationException } from "../errors/exceptions.js";
import { IllegalStateException } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED as SUSPENDED_MARK,
	type Suspend,
	type SuspendingCoroutine,
	type Suspension,
} from "../intrinsics/instruction.js";
import {
	ClosedReceiveChannelException,
	DEFAULT_CLOSE_MESSAGE,
} from "./channel-exceptions.js";
import { ChannelResult } from "./channel-result.js";
import type { ChannelIterator } from "./channel-types.js";
import type { Linked, WaiterQueue } from "./waiter-queue.js";

/** What `receiveOrSuspend` and `poll` return for a channel closed for receive. */
export const CLOSED: unique symbol = Symbol("kocoro.channelClosed");
/** What `poll` returns when there is nothing to receive on an open channel. */
export const EMPTY: unique symbol = Symbol("kocoro.channelEmpty");

/** A waiting receiver: a coroutine's receive/receiveCatching/hasNext, or a select clause. */
export interface ReceiverNode extends Linked {
	/** `element` is handed over; the node has already left the queue. */
	deliver(element: unknown): void;
	/** The channel is closed for receive (`cause`: its close cause, or null); off the queue. */
	closed(cause: Error | null): void;
}

/** A waiting sender: a coroutine's send, or a select's onSend clause. */
export interface SenderNode extends Linked {
	readonly element: unknown;
	/** Its element was taken; the node has already left the queue. */
	taken(): void;
	/** The channel was cancelled: fail with `exception` (the element is already accounted for). */
	failed(exception: Error): void;
}

/** What the waiters need from their channel. */
export interface ChannelCore {
	/** Sends now (returns undefined), or queues `node` (returns SUSPENDED), or throws. */
	sendOrSuspend(co: SuspendingCoroutine, node: SendInstruction): unknown;
	/**
	 * Receives now (returns the element, or {@link CLOSED} when the channel is closed for
	 * receive), or queues `node` (returns SUSPENDED).
	 */
	receiveOrSuspend(co: SuspendingCoroutine, node: ReceiveInstruction): unknown;
	/** The close cause (null: closed without one, or open). */
	readonly closeCause: Error | null;
	readonly senders: WaiterQueue<SenderNode>;
	readonly receivers: WaiterQueue<ReceiverNode>;
	/** An element that a cancelled waiter drops: to `onUndeliveredElement`, errors to `co`'s handler. */
	dropFromWaiter(element: unknown, co: SuspendingCoroutine): void;
}

/** `send(element)`: the instruction, then (when suspended) the waiting sender. */
export class SendInstruction
	extends Instruction<void>
	implements SenderNode, Suspension
{
	before: Linked | null = null;
	after: Linked | null = null;
	queue: WaiterQueue<Linked> | null = null;
	/** The suspended coroutine, set by the channel when it queues this sender. */
	co: SuspendingCoroutine | null = null;

	constructor(
		private readonly channel: ChannelCore,
		readonly element: unknown,
	) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		return this.channel.sendOrSuspend(co, this);
	}
	taken(): void {
		const co = this.co as SuspendingCoroutine;
		this.co = null;
		co.resume(this, false, undefined, true);
	}
	failed(exception: Error): void {
		const co = this.co as SuspendingCoroutine;
		this.co = null;
		co.resume(this, true, exception, false);
	}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.channel.senders.remove(this);
		this.co = null;
		this.channel.dropFromWaiter(this.element, co);
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return `send to ${String(this.channel)}`;
	}
}

/** `receive()`. */
export const RECEIVE = 0;
/** `receiveCatching()`. */
export const RECEIVE_CATCHING = 1;
/** `hasNext()` of an iterator. */
export const HAS_NEXT = 2;

/** Resumed with an element that `next(value)` still has to check against cancellation. */
const DELIVERED = 1;

/** `receive()`, `receiveCatching()` or `hasNext()`: the instruction, then the waiting receiver. */
export class ReceiveInstruction
	extends Instruction<unknown>
	implements ReceiverNode, Suspension
{
	before: Linked | null = null;
	after: Linked | null = null;
	queue: WaiterQueue<Linked> | null = null;
	/** The suspended coroutine, set by the channel when it queues this receiver. */
	co: SuspendingCoroutine | null = null;
	private state = 0;

	constructor(
		private readonly channel: ChannelCore,
		private readonly mode: number,
		private readonly iterator: ChannelIteratorImpl<unknown> | null,
	) {
		super();
	}

	execute(co: SuspendingCoroutine): unknown {
		const v = this.channel.receiveOrSuspend(co, this);
		if (v === SUSPENDED_MARK) return v;
		if (v === CLOSED) return this.closedValue(this.channel.closeCause);
		return this.elementValue(v);
	}

	/** What the operation returns for a received element. */
	private elementValue(element: unknown): unknown {
		if (this.mode === RECEIVE) return element;
		if (this.mode === RECEIVE_CATCHING) return ChannelResult.success(element);
		(this.iterator as ChannelIteratorImpl<unknown>).hold(element);
		return true;
	}

	/** What the operation returns (or throws) on a channel closed for receive. */
	private closedValue(cause: Error | null): unknown {
		if (this.mode === RECEIVE_CATCHING) return ChannelResult.closed(cause);
		if (this.mode === HAS_NEXT && cause === null) {
			(this.iterator as ChannelIteratorImpl<unknown>).holdClosed();
			return false;
		}
		throw receiveException(cause);
	}

	deliver(element: unknown): void {
		const co = this.co as SuspendingCoroutine;
		this.state = DELIVERED;
		co.resume(this, false, element, false);
	}

	closed(cause: Error | null): void {
		const co = this.co as SuspendingCoroutine;
		this.co = null;
		let value: unknown;
		try {
			value = this.closedValue(cause);
		} catch (e) {
			co.resume(this, true, e, false);
			return;
		}
		co.resume(this, false, value, true);
	}

	/**
	 * The resumption reaches the instruction here (`yield*` hands the value down). A receiver
	 * handed an element and cancelled before it ran does not take it: the element goes to
	 * `onUndeliveredElement` and the receive throws the CancellationException.
	 */
	override next(value?: unknown): IteratorResult<Instruction, unknown> {
		if (this.state === DELIVERED) {
			this.state = 0;
			const co = this.co as SuspendingCoroutine;
			this.co = null;
			if (co.isCancelled) {
				this.channel.dropFromWaiter(value, co);
				throw co.getCancellationException();
			}
			return super.next(this.elementValue(value));
		}
		return super.next(value);
	}

	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.channel.receivers.remove(this);
		this.co = null;
		co.resume(this, true, cause, false);
	}

	describe(): string {
		return `receive from ${String(this.channel)}`;
	}
}

/** The exception `receive` throws on a channel closed for receive. */
export function receiveException(cause: Error | null): Error {
	return cause ?? new ClosedReceiveChannelException(DEFAULT_CLOSE_MESSAGE);
}

const NONE = 0;
const HAS_ELEMENT = 1;
const HAS_CLOSED = 2;

/** The iterator of a channel: `hasNext()` receives and keeps the element for `next()`. */
export class ChannelIteratorImpl<E> implements ChannelIterator<E> {
	private state = NONE;
	private element: E | undefined = undefined;

	constructor(private readonly channel: ChannelCore) {}

	hasNext(): Suspend<boolean> {
		if (this.state === HAS_ELEMENT) return alreadyTrue();
		return new ReceiveInstruction(
			this.channel,
			HAS_NEXT,
			this as ChannelIteratorImpl<unknown>,
		) as Instruction<boolean>;
	}
	next(): E {
		const state = this.state;
		if (state === HAS_ELEMENT) {
			const e = this.element as E;
			this.element = undefined;
			this.state = NONE;
			return e;
		}
		if (state === HAS_CLOSED) {
			this.state = NONE;
			throw receiveException(this.channel.closeCause);
		}
		throw new IllegalStateException("`hasNext()` has not been invoked");
	}
	/** @internal */
	hold(element: unknown): void {
		this.element = element as E;
		this.state = HAS_ELEMENT;
	}
	/** @internal */
	holdClosed(): void {
		this.state = HAS_CLOSED;
	}
}

function* alreadyTrue(): Generator<Instruction, boolean, unknown> {
	return true;
}
