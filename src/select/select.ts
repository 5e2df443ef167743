import {
	type BufferedChannel,
	channelCoreOf,
} from "../channels/buffered-channel.js";
import type { ChannelResult } from "../channels/channel-result.js";
import type { ReceiveChannel, SendChannel } from "../channels/channel-types.js";
import { IllegalStateException } from "../errors/exceptions.js";
import type { Instruction, Suspend } from "../intrinsics/instruction.js";
import {
	checkSuspendFn,
	completeSuspendFn,
	type SuspendFn,
} from "../intrinsics/suspend-fn.js";
import type { Deferred, Job } from "../job/job.js";
import { JobSupport } from "../job/job-support.js";
import { checkTime } from "../time/check-time.js";
import {
	JobClause,
	ReceiveClause,
	type SelectClause,
	SendClause,
	TimeoutClause,
} from "./select-clauses.js";
import { SelectInstruction } from "./select-instruction.js";

/**
 * The clauses of a `select` (Kotlin's `SelectBuilder`): Kotlin's `ch.onReceive { v -> ... }` is
 * `b.onReceive(ch, (v) => ...)`. Each body is a plain function or a generator function; the chosen
 * one runs in the selecting coroutine and its result (or failure) is the select's.
 *
 * @example
 * const replies = Channel<string>(1);
 * const clauses = (b: SelectBuilder<string>) => {
 *   b.onReceive(replies, (r) => r);
 *   b.onTimeout(500, () => "no reply");
 * };
 * const answer = yield* select(clauses); // "no reply" after 500 ms
 */
export interface SelectBuilder<R> {
	/** Receives from `ch`; a closed channel fails the select with the `receive` exception. */
	onReceive<E>(ch: ReceiveChannel<E>, block: (value: E) => Suspend<R>): void;
	onReceive<E>(ch: ReceiveChannel<E>, block: SuspendFn<[E], R>): void;
	onReceive<E>(ch: ReceiveChannel<E>, block: (value: E) => R): void;
	/** Receives from `ch`, a closed channel included (a closed result). */
	onReceiveCatching<E>(
		ch: ReceiveChannel<E>,
		block: (result: ChannelResult<E>) => Suspend<R>,
	): void;
	onReceiveCatching<E>(
		ch: ReceiveChannel<E>,
		block: SuspendFn<[ChannelResult<E>], R>,
	): void;
	onReceiveCatching<E>(
		ch: ReceiveChannel<E>,
		block: (result: ChannelResult<E>) => R,
	): void;
	/** Sends `element` to `ch`; the body gets the channel. A closed channel fails the select. */
	onSend<E>(
		ch: SendChannel<E>,
		element: E,
		block: (ch: SendChannel<E>) => Suspend<R>,
	): void;
	onSend<E>(
		ch: SendChannel<E>,
		element: E,
		block: SuspendFn<[SendChannel<E>], R>,
	): void;
	onSend<E>(
		ch: SendChannel<E>,
		element: E,
		block: (ch: SendChannel<E>) => R,
	): void;
	/** Waits for `d`; its failure fails the select. */
	onAwait<T>(d: Deferred<T>, block: (value: T) => Suspend<R>): void;
	onAwait<T>(d: Deferred<T>, block: SuspendFn<[T], R>): void;
	onAwait<T>(d: Deferred<T>, block: (value: T) => R): void;
	/** Waits for `job` to complete (however it ends). */
	onJoin(job: Job, block: () => Suspend<R>): void;
	onJoin(job: Job, block: SuspendFn<[], R>): void;
	onJoin(job: Job, block: () => R): void;
	/** Wins after `timeMillis` on the coroutine's clock (`<= 0`: at once; Infinity: never). */
	onTimeout(timeMillis: number, block: () => Suspend<R>): void;
	onTimeout(timeMillis: number, block: SuspendFn<[], R>): void;
	onTimeout(timeMillis: number, block: () => R): void;
}

class SelectBuilderImpl<R> implements SelectBuilder<R> {
	readonly clauses: SelectClause[] = [];
	sealed = false;

	private add(clause: SelectClause, where: string): void {
		if (this.sealed) {
			throw new IllegalStateException(
				`select: ${where} was called after the builder returned; add every clause inside the builder function`,
			);
		}
		const object = clause.object;
		if (object !== null) {
			for (const c of this.clauses) {
				if (c.object === object) {
					throw new IllegalStateException(
						`Cannot use select clauses on the same object: ${String(object)}`,
					);
				}
			}
		}
		this.clauses.push(clause);
	}

	onReceive<E>(ch: ReceiveChannel<E>, block: SuspendFn<[E], R>): void {
		const where = "onReceive(channel, block)";
		const core = channelOf(ch, where);
		checkSuspendFn(block, `select: ${where}`);
		this.add(new ReceiveClause(core, false, block as never), where);
	}
	onReceiveCatching<E>(
		ch: ReceiveChannel<E>,
		block: SuspendFn<[ChannelResult<E>], R>,
	): void {
		const where = "onReceiveCatching(channel, block)";
		const core = channelOf(ch, where);
		checkSuspendFn(block, `select: ${where}`);
		this.add(new ReceiveClause(core, true, block as never), where);
	}
	onSend<E>(
		ch: SendChannel<E>,
		element: E,
		block: SuspendFn<[SendChannel<E>], R>,
	): void {
		const where = "onSend(channel, element, block)";
		const core = channelOf(ch, where);
		checkSuspendFn(block, `select: ${where}`);
		this.add(new SendClause(core, ch, element, block as never), where);
	}
	onAwait<T>(d: Deferred<T>, block: SuspendFn<[T], R>): void {
		const where = "onAwait(deferred, block)";
		checkSuspendFn(block, `select: ${where}`);
		this.add(new JobClause(jobOf(d, where), true, block as never), where);
	}
	onJoin(job: Job, block: SuspendFn<[], R>): void {
		const where = "onJoin(job, block)";
		checkSuspendFn(block, `select: ${where}`);
		this.add(new JobClause(jobOf(job, where), false, block as never), where);
	}
	onTimeout(timeMillis: number, block: SuspendFn<[], R>): void {
		const where = "onTimeout(timeMillis, block)";
		const t = checkTime(timeMillis, `select: ${where}`);
		checkSuspendFn(block, `select: ${where}`);
		this.add(new TimeoutClause(t, block as never), where);
	}
}

function channelOf(ch: unknown, where: string): BufferedChannel<unknown> {
	const core = channelCoreOf(ch);
	if (core === null) {
		throw new TypeError(
			`select: ${where}: expected a kocoro channel (made by Channel(), produce or actor), got ${ch === null ? "null" : typeof ch}`,
		);
	}
	return core;
}

function jobOf(job: unknown, where: string): JobSupport {
	if (!(job instanceof JobSupport)) {
		throw new TypeError(
			`select: ${where}: expected a kocoro Job or Deferred, got ${job === null ? "null" : typeof job}`,
		);
	}
	return job;
}

function checkBuilder(builder: unknown, where: string): void {
	if (typeof builder !== "function") {
		throw new TypeError(
			`${where}: builder must be a function that adds clauses, e.g. (b) => { b.onReceive(ch, (v) => v) }; got ${builder === null ? "null" : typeof builder}`,
		);
	}
}

function* runSelect<R>(
	builder: (b: SelectBuilder<R>) => void,
	unbiased: boolean,
): Generator<Instruction, R, unknown> {
	const b = new SelectBuilderImpl<R>();
	const returned = builder(b) as unknown;
	b.sealed = true;
	if (
		returned !== undefined &&
		returned !== null &&
		typeof returned === "object"
	) {
		throw new TypeError(
			"select: the builder must be a plain function that adds clauses, not a generator or async function",
		);
	}
	if (b.clauses.length === 0) {
		throw new IllegalStateException(
			"select: the builder added no clause; a select without clauses would wait forever",
		);
	}
	const instruction = new SelectInstruction(b.clauses, unbiased);
	const arg = yield* instruction;
	const clause = instruction.won as SelectClause;
	const body = clause.block as (arg: unknown) => R | Suspend<R>;
	return yield* completeSuspendFn(body(arg), "select clause");
}

/**
 * Waits for the first of several clauses (Kotlin's `select`): receives, sends, awaits, joins, or
 * a timeout, and returns what the chosen clause's body returns.
 *
 * Biased: clauses are tried in the order they were added; the first that can complete at once
 * wins (later ones take and send nothing). Otherwise it suspends on all of them; the first ready
 * wins and every other one is withdrawn before the body runs. Cancelling the waiting coroutine
 * leaves every channel as if the select never happened (an element already handed to an
 * `onReceive` goes to the channel's `onUndeliveredElement`).
 *
 * DO NOT add two clauses on the same channel or job: `IllegalStateException`.
 *
 * @example
 * const fast = Channel<number>();
 * const slow = Channel<number>();
 * const msg = yield* select<string>((b) => {
 *   b.onReceive(fast, (v) => `fast ${v}`);
 *   b.onReceive(slow, (v) => `slow ${v}`);
 *   b.onTimeout(1000, () => "timed out");
 * });
 */
export function select<R>(builder: (b: SelectBuilder<R>) => void): Suspend<R> {
	checkBuilder(builder, "select(builder)");
	return runSelect(builder, false);
}

/**
 * `select` without the bias: the clauses are shuffled first, so no ready clause is preferred.
 * Under `runTest({ seed })` the shuffle comes from the seed (a seeded test replays its picks);
 * elsewhere from `Math.random`.
 *
 * @example
 * const left = Channel<number>(1);
 * const right = Channel<number>(1);
 * left.trySend(1);
 * right.trySend(2);
 * const v = yield* selectUnbiased<number>((b) => {
 *   b.onReceive(left, (x) => x);
 *   b.onReceive(right, (x) => x);
 * }); // 1 or 2
 */
export function selectUnbiased<R>(
	builder: (b: SelectBuilder<R>) => void,
): Suspend<R> {
	checkBuilder(builder, "selectUnbiased(builder)");
	return runSelect(builder, true);
}

/**
 * Repeats a `select` while the chosen body returns true (Kotlin's `whileSelect`).
 *
 * @example
 * const events = Channel<string>(Channel.UNLIMITED);
 * const stop = Channel<void>(1);
 * yield* whileSelect((b) => {
 *   b.onReceive(events, (e) => { console.log(e); return true; });
 *   b.onReceive(stop, () => false);
 * });
 */
export function whileSelect(
	builder: (b: SelectBuilder<boolean>) => void,
): Suspend<void> {
	checkBuilder(builder, "whileSelect(builder)");
	return runWhileSelect(builder);
}

function* runWhileSelect(
	builder: (b: SelectBuilder<boolean>) => void,
): Generator<Instruction, void, unknown> {
	while (yield* runSelect(builder, false)) {
		// again
	}
}
