/**
 * The clauses of a select. Each knows its object (a channel, a job, or none for a timeout), can
 * try to complete at once, and otherwise registers one waiter on its object, which completes the
 * select when it fires; `unregister` removes it again, so a losing clause leaves no trace.
 */
import type { BufferedChannel } from "../channels/buffered-channel.js";
import { ChannelResult } from "../channels/channel-result.js";
import {
	CLOSED,
	EMPTY,
	type ReceiverNode,
	receiveException,
	type SenderNode,
} from "../channels/channel-waiters.js";
import type { Linked, WaiterQueue } from "../channels/waiter-queue.js";
import type { SuspendingCoroutine } from "../intrinsics/instruction.js";
import type { DisposableHandle } from "../job/disposable-handle.js";
import { DisposableNode } from "../job/handler-list.js";
import type { JobSupport } from "../job/job-support.js";
import { delayProviderOf } from "../time/delay-provider.js";

/** What `tryNow` returns when the clause cannot complete without waiting. */
export const NOT_READY: unique symbol = Symbol("kocoro.selectNotReady");

/** A registered clause completes its select with a channel element (given back if cancelled). */
export const ELEMENT = 0;
/** ... with a value for the body. */
export const VALUE = 1;
/** ... with a failure that `select` throws. */
export const FAILURE = 2;

/** The select as its clauses see it. */
export interface SelectSite {
	complete(clause: SelectClause, how: number, value: unknown): void;
}

export abstract class SelectClause {
	constructor(readonly block: (arg: never) => unknown) {}
	/** The object of the clause: two clauses on one object are an error. Null: none. */
	abstract get object(): object | null;
	/** Completes now: returns the value for the body, or NOT_READY; throws the clause's failure. */
	abstract tryNow(): unknown;
	/** Registers one waiter on the object. */
	abstract register(site: SelectSite, co: SuspendingCoroutine): void;
	/** Removes the waiter (a no-op when it already fired). */
	abstract unregister(): void;
	/** The body's argument for what a registered waiter completed with (`how` ELEMENT or VALUE). */
	bodyArg(value: unknown, _how: number): unknown {
		return value;
	}
	/** Gives back an element handed to a select cancelled before its body ran. */
	drop(_element: unknown, _co: SuspendingCoroutine): void {}
}

/** `onReceive(ch, block)` and `onReceiveCatching(ch, block)`. */
export class ReceiveClause extends SelectClause implements ReceiverNode {
	before: Linked | null = null;
	after: Linked | null = null;
	queue: WaiterQueue<Linked> | null = null;
	private site: SelectSite | null = null;

	constructor(
		private readonly channel: BufferedChannel<unknown>,
		private readonly catching: boolean,
		block: (arg: never) => unknown,
	) {
		super(block);
	}
	get object(): object {
		return this.channel;
	}
	tryNow(): unknown {
		const v = this.channel.poll();
		if (v === EMPTY) return NOT_READY;
		if (v === CLOSED) {
			const cause = this.channel.closeCause;
			if (this.catching) return ChannelResult.closed(cause);
			throw receiveException(cause);
		}
		return this.catching ? ChannelResult.success(v) : v;
	}
	register(site: SelectSite): void {
		this.site = site;
		this.channel.receivers.add(this);
	}
	unregister(): void {
		this.channel.receivers.remove(this);
	}
	deliver(element: unknown): void {
		(this.site as SelectSite).complete(this, ELEMENT, element);
	}
	closed(cause: Error | null): void {
		const site = this.site as SelectSite;
		if (this.catching) site.complete(this, VALUE, ChannelResult.closed(cause));
		else site.complete(this, FAILURE, receiveException(cause));
	}
	override bodyArg(value: unknown, how: number): unknown {
		return this.catching && how === ELEMENT
			? ChannelResult.success(value)
			: value;
	}
	override drop(element: unknown, co: SuspendingCoroutine): void {
		this.channel.dropFromWaiter(element, co);
	}
}

/** `onSend(ch, element, block)`: the body gets the channel. */
export class SendClause extends SelectClause implements SenderNode {
	before: Linked | null = null;
	after: Linked | null = null;
	queue: WaiterQueue<Linked> | null = null;
	private site: SelectSite | null = null;

	constructor(
		private readonly channel: BufferedChannel<unknown>,
		private readonly sendChannel: object,
		readonly element: unknown,
		block: (arg: never) => unknown,
	) {
		super(block);
	}
	get object(): object {
		return this.channel;
	}
	tryNow(): unknown {
		const ch = this.channel;
		if (ch.isClosedForSend) {
			// As `send` on a closed channel: the element is undelivered, the failure thrown.
			const failure = ch.sendException();
			const undelivered = ch.callUndelivered(this.element);
			throw undelivered ?? failure;
		}
		return ch.offer(this.element, true) ? this.sendChannel : NOT_READY;
	}
	register(site: SelectSite): void {
		this.site = site;
		this.channel.senders.add(this);
	}
	unregister(): void {
		this.channel.senders.remove(this);
	}
	taken(): void {
		(this.site as SelectSite).complete(this, VALUE, this.sendChannel);
	}
	failed(exception: Error): void {
		(this.site as SelectSite).complete(this, FAILURE, exception);
	}
}

/** The waiter a job clause adds to its job's handler list. */
class JobClauseNode extends DisposableNode {
	constructor(
		private readonly clause: JobClause,
		private readonly site: SelectSite,
	) {
		super();
	}
	get firesOnCancelling(): boolean {
		return false;
	}
	invoke(cause: Error | null): void {
		this.clause.fired(this.site, cause);
	}
}

/** `onJoin(job, block)` and `onAwait(deferred, block)`: complete when the job does. */
export class JobClause extends SelectClause {
	private node: JobClauseNode | null = null;

	constructor(
		private readonly job: JobSupport,
		private readonly awaiting: boolean,
		block: (arg: never) => unknown,
	) {
		super(block);
	}
	get object(): object {
		return this.job;
	}
	tryNow(): unknown {
		const job = this.job;
		job.start(); // a lazy job is started by a select on it, as by join/await
		if (!job.isCompleted) return NOT_READY;
		return this.outcome(job.completionFailure());
	}
	private outcome(cause: Error | null): unknown {
		if (!this.awaiting) return undefined;
		const failure = this.job.completionFailure() ?? cause;
		if (failure !== null) throw failure;
		return this.job.completedValue();
	}
	register(site: SelectSite): void {
		const node = new JobClauseNode(this, site);
		this.node = node;
		this.job.addNode(node);
	}
	unregister(): void {
		this.node?.dispose();
		this.node = null;
	}
	fired(site: SelectSite, cause: Error | null): void {
		this.node = null;
		let value: unknown;
		try {
			value = this.outcome(cause);
		} catch (e) {
			site.complete(this, FAILURE, e);
			return;
		}
		site.complete(this, VALUE, value);
	}
}

/** `onTimeout(timeMillis, block)`: completes after `timeMillis` on the coroutine's clock. */
export class TimeoutClause extends SelectClause {
	private handle: DisposableHandle | null = null;
	private site: SelectSite | null = null;

	constructor(
		private readonly timeMillis: number,
		block: (arg: never) => unknown,
	) {
		super(block);
	}
	get object(): null {
		return null;
	}
	tryNow(): unknown {
		return this.timeMillis <= 0 ? undefined : NOT_READY;
	}
	register(site: SelectSite, co: SuspendingCoroutine): void {
		if (this.timeMillis === Number.POSITIVE_INFINITY) return;
		this.site = site;
		this.handle = delayProviderOf(co.dispatcher).scheduleTimer(
			this.timeMillis,
			this,
			co.dispatchContext,
		);
	}
	unregister(): void {
		this.handle?.dispose();
		this.handle = null;
	}
	/** The timer is due. */
	run(): void {
		this.handle = null;
		(this.site as SelectSite).complete(this, VALUE, undefined);
	}
}
