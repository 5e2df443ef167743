/**
 * The `this` of `produce` and `actor` bodies: the body's coroutine scope joined with its channel
 * (in Kotlin the coroutine itself is both; here a small object delegates to each).
 */

import type { BufferedChannel } from "../channels/buffered-channel.js";
import type { Channel } from "../channels/channel.js";
import type { ChannelResult } from "../channels/channel-result.js";
import type {
	ChannelIterator,
	ReceiveChannel,
} from "../channels/channel-types.js";
import type { CancellationException } from "../errors/exceptions.js";
import { IllegalStateException } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type Suspend,
	type SuspendingCoroutine,
	type Suspension,
} from "../intrinsics/instruction.js";
import type { Job } from "../job/job.js";
import { JobKey } from "../job/job-key.js";
import type {
	ActorBlock,
	ActorScope,
	Block,
	CoroutineScope,
	ProducerBlock,
	ProducerScope,
} from "./coroutine-scope.js";
import { ScopeDelegate } from "./scope-delegate.js";

/** `produce`'s `this`: the producer's scope and the sending side of its channel. */
class ProducerScopeImpl<E> extends ScopeDelegate implements ProducerScope<E> {
	constructor(
		scope: CoroutineScope,
		readonly channel: BufferedChannel<E>,
	) {
		super(scope);
	}
	/** Cancels the producer and its channel (Kotlin: the coroutine is the channel). */
	cancel(cause?: CancellationException | string): void {
		this.channel.cancel(cause);
	}
	get isClosedForSend(): boolean {
		return this.channel.isClosedForSend;
	}
	send(element: E): Suspend<void> {
		return this.channel.send(element);
	}
	trySend(element: E): ChannelResult<void> {
		return this.channel.trySend(element);
	}
	close(cause?: Error | null): boolean {
		return this.channel.close(cause);
	}
	invokeOnClose(handler: (cause: Error | null) => void): void {
		this.channel.invokeOnClose(handler);
	}
	awaitClose(block: () => void = noop): Suspend<void> {
		if (typeof block !== "function") {
			throw new TypeError(
				`awaitClose(block): block must be a function, got ${typeof block}`,
			);
		}
		return awaitCloseOf(
			new AwaitCloseInstruction(
				this.channel as BufferedChannel<unknown>,
				this.scope.coroutineContext.get(JobKey),
			),
			block,
		);
	}
	override toString(): string {
		return `ProducerScope[${String(this.scope)}]`;
	}
}

function noop(): void {}

function* awaitCloseOf(
	wait: AwaitCloseInstruction,
	block: () => void,
): Generator<Instruction, void, unknown> {
	try {
		yield* wait;
	} finally {
		if (wait.checked) block();
	}
}

/** Waits for the channel to close; the wait shows as `awaitClose of Channel@..`. */
class AwaitCloseInstruction extends Instruction<void> implements Suspension {
	checked = false;
	constructor(
		private readonly channel: BufferedChannel<unknown>,
		private readonly producer: Job | undefined,
	) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		if (co.context.get(JobKey) !== this.producer) {
			throw new IllegalStateException(
				"awaitClose() can only be invoked from the producer context",
			);
		}
		this.checked = true;
		if (this.channel.isClosedForSend) return undefined;
		if (co.isCancelled) throw co.getCancellationException();
		co.waiting = this;
		this.channel.invokeOnClose(() => co.resume(this, false, undefined, true));
		return SUSPENDED;
	}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return `awaitClose of ${String(this.channel)}`;
	}
}

/** `actor`'s `this`: the actor's scope and the receiving side of its mailbox. */
class ActorScopeImpl<E> extends ScopeDelegate implements ActorScope<E> {
	constructor(
		scope: CoroutineScope,
		readonly channel: BufferedChannel<E> & Channel<E>,
	) {
		super(scope);
	}
	cancel(cause?: CancellationException | string): void {
		this.channel.cancel(cause);
	}
	get isClosedForReceive(): boolean {
		return this.channel.isClosedForReceive;
	}
	get isEmpty(): boolean {
		return this.channel.isEmpty;
	}
	receive(): Suspend<E> {
		return this.channel.receive();
	}
	tryReceive(): ChannelResult<E> {
		return this.channel.tryReceive();
	}
	receiveCatching(): Suspend<ChannelResult<E>> {
		return this.channel.receiveCatching();
	}
	iterator(): ChannelIterator<E> {
		return this.channel.iterator();
	}
	consume<R>(
		block: (this: ReceiveChannel<E>, ch: ReceiveChannel<E>) => R | Suspend<R>,
	): Suspend<R> {
		return this.channel.consume(block as never) as Suspend<R>;
	}
	consumeEach(action: (element: E) => unknown): Suspend<void> {
		return this.channel.consumeEach(action);
	}
	toList(): Suspend<E[]> {
		return this.channel.toList();
	}
	override toString(): string {
		return `ActorScope[${String(this.scope)}]`;
	}
}

/** @internal The coroutine body of `produce`: runs `block` with a ProducerScope as `this`. */
export function producerBody<E>(
	channel: BufferedChannel<E>,
	block: ProducerBlock<E>,
): Block<void> {
	return function (this: CoroutineScope) {
		const ps = new ProducerScopeImpl<E>(this, channel);
		return block.call(ps, ps);
	};
}

/** @internal The coroutine body of `actor`: runs `block` with an ActorScope as `this`. */
export function actorBody<E>(
	channel: BufferedChannel<E> & Channel<E>,
	block: ActorBlock<E>,
): Block<void> {
	return function (this: CoroutineScope) {
		const as = new ActorScopeImpl<E>(this, channel);
		return block.call(as, as);
	};
}
