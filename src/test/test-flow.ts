/**
 * `testFlow`: Cash App's Turbine for kocoro flows. The flow is collected in a child coroutine,
 * started in place (unconfined, on the test's virtual clock) before the block runs, that records
 * every item, the completion and the failure as events; the block takes them one by one and any
 * surprise fails with a message naming what came instead.
 */

import { CoroutineStart } from "../coroutine/coroutine-start.js";
import { currentCoroutineContext } from "../coroutine/current.js";
import { CoroutineDispatcher } from "../dispatchers/coroutine-dispatcher.js";
import { Dispatchers } from "../dispatchers/dispatchers.js";
import {
	isCancellation,
	TimeoutCancellationException,
	toError,
} from "../errors/exceptions.js";
import {
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "../flow/collector.js";
import type { Flow } from "../flow/flow.js";
import type { Suspend } from "../intrinsics/instruction.js";
import {
	type CancellableContinuation,
	suspendCancellableCoroutineOn,
} from "../intrinsics/suspend-cancellable-coroutine.js";
import { checkSuspendFn } from "../intrinsics/suspend-fn.js";
import type { Job } from "../job/job.js";
import { coroutineScope } from "../scope/scoping-functions.js";
import { withTimeout } from "../scope/with-timeout.js";
import { checkTime } from "../time/check-time.js";
import {
	testSchedulerOf,
	UnconfinedTestDispatcher,
} from "./test-dispatchers.js";

/**
 * One thing a flow under test did: emitted an item, completed, or failed.
 *
 * @example
 * yield* testFlow(flowOf(1, 2), function* (t) {
 *   expect(yield* t.awaitItem()).toBe(1);
 *   const rest: FlowEvent<number>[] = yield* t.cancelAndConsumeRemainingEvents();
 *   expect(rest.map((e) => e.kind)).toEqual(["item", "complete"]);
 * });
 */
export type FlowEvent<T> =
	| { readonly kind: "item"; readonly value: T }
	| { readonly kind: "complete" }
	| { readonly kind: "error"; readonly error: Error };

/**
 * What the block of {@link testFlow} gets: the events of the flow under test, one by one.
 *
 * @example
 * function* oneThenDone(t: FlowTurbine<number>): Suspend<void> {
 *   expect(yield* t.awaitItem()).toBe(1);
 *   yield* t.awaitComplete();
 * }
 * yield* testFlow(flowOf(1), oneThenDone);
 */
export interface FlowTurbine<T> {
	/** The next event, which must be an item: its value. Waits up to the timeout for it. */
	awaitItem(): Suspend<T>;
	/** The next event must be the flow's normal completion. */
	awaitComplete(): Suspend<void>;
	/** The next event must be the flow's failure: returns the error. */
	awaitError(): Suspend<Error>;
	/** The next `n` events must be items: they are skipped. */
	skipItems(n: number): Suspend<void>;
	/** Fails if an event is already there, unconsumed (checks at this instant; does not wait). */
	expectNoEvents(): void;
	/** Takes every item already received and returns the last; fails if there is none. */
	expectMostRecentItem(): T;
	/** Stops collecting; events left unconsumed are ignored. */
	cancelAndIgnoreRemainingEvents(): Suspend<void>;
	/** Stops collecting and returns the events left unconsumed. */
	cancelAndConsumeRemainingEvents(): Suspend<FlowEvent<T>[]>;
}

/**
 * The options of {@link testFlow}.
 *
 * @example
 * const patient: TestFlowOptions = { timeout: 10_000 };
 * const late = flow<string>(function* (c) {
 *   yield* delay(5_000);
 *   yield* c.emit("late");
 * });
 * yield* testFlow(late, function* (t) {
 *   expect(yield* t.awaitItem()).toBe("late");
 *   yield* t.awaitComplete();
 * }, patient);
 */
export interface TestFlowOptions {
	/** Virtual milliseconds one wait for an event may last (default 3,000). */
	timeout?: number;
}

/**
 * A {@link testFlow} expectation that did not hold.
 *
 * @example
 * yield* testFlow(flowOf(1), function* (t) {
 *   try {
 *     yield* t.awaitComplete();
 *   } catch (e) {
 *     console.log(e instanceof TurbineAssertionError); // true: an item came first
 *   }
 *   yield* t.cancelAndIgnoreRemainingEvents();
 * });
 */
export class TurbineAssertionError extends Error {}
Object.defineProperty(TurbineAssertionError.prototype, "name", {
	value: "TurbineAssertionError",
	writable: true,
	configurable: true,
	enumerable: false,
});

/**
 * The default wait for one event, in virtual milliseconds (Turbine's 3 s).
 *
 * @example
 * const options: TestFlowOptions = { timeout: 2 * DEFAULT_TEST_FLOW_TIMEOUT };
 */
export const DEFAULT_TEST_FLOW_TIMEOUT = 3_000;

class Item<T> {
	readonly kind = "item";
	constructor(readonly value: T) {}
	toString(): string {
		return `Item(${formatValue(this.value)})`;
	}
}
class Complete {
	readonly kind = "complete";
	toString(): string {
		return "Complete";
	}
}
class Failure {
	readonly kind = "error";
	constructor(readonly error: Error) {}
	toString(): string {
		return `Error(${String(this.error)})`;
	}
}
type Event<T> = Item<T> | Complete | Failure;

function formatValue(v: unknown): string {
	if (typeof v === "string") return JSON.stringify(v);
	if (v !== null && typeof v === "object" && !(v instanceof Error)) {
		try {
			const json = JSON.stringify(v);
			if (json !== undefined) return json;
		} catch {
			// a cycle or a BigInt inside: fall back to String
		}
	}
	return String(v);
}

class Turbine<T> implements FlowTurbine<T>, FlowCollector<T> {
	private readonly events: Event<T>[] = [];
	private head = 0;
	private waiter: CancellableContinuation<void> | null = null;
	job: Job | null = null;
	/** Set once the block asked to stop: remaining events are its business. */
	ignoreRemaining = false;

	constructor(private readonly timeout: number) {}

	// ---- the collecting side --------------------------------------------------------------

	emit(value: T): Suspend<void> {
		this.push(new Item(value));
		return DONE;
	}
	emitAll(source: FlowSource<T>): Suspend<void> {
		return source[collectTo](this);
	}
	push(event: Event<T>): void {
		this.events.push(event);
		const w = this.waiter;
		if (w !== null) {
			this.waiter = null;
			w.resume();
		}
	}

	// ---- the block's side -----------------------------------------------------------------

	private *awaitEvent(): Generator<never, Event<T>, unknown> {
		if (this.head === this.events.length) {
			try {
				yield* withTimeout(this.timeout, () =>
					suspendCancellableCoroutineOn<void>(
						"testFlow: waiting for an event",
						(cont) => {
							this.waiter = cont;
							cont.invokeOnCancellation(() => {
								if (this.waiter === cont) this.waiter = null;
							});
						},
					),
				) as Generator<never, void, unknown>;
			} catch (e) {
				if (e instanceof TimeoutCancellationException) {
					throw new TurbineAssertionError(
						`No value produced in ${this.timeout} ms`,
					);
				}
				throw e;
			}
		}
		return this.take();
	}

	private take(): Event<T> {
		const e = this.events[this.head] as Event<T>;
		this.events[this.head++] = undefined as unknown as Event<T>;
		return e;
	}

	private unexpected(event: Event<T>, what: string): never {
		throw new TurbineAssertionError(
			`Expected ${what} but found ${String(event)}`,
			event instanceof Failure ? { cause: event.error } : undefined,
		);
	}

	*awaitItem(): Generator<never, T, unknown> {
		const e = yield* this.awaitEvent();
		if (e instanceof Item) return e.value;
		return this.unexpected(e, "item");
	}

	*awaitComplete(): Generator<never, void, unknown> {
		const e = yield* this.awaitEvent();
		if (!(e instanceof Complete)) this.unexpected(e, "complete");
	}

	*awaitError(): Generator<never, Error, unknown> {
		const e = yield* this.awaitEvent();
		if (e instanceof Failure) return e.error;
		return this.unexpected(e, "error");
	}

	*skipItems(n: number): Generator<never, void, unknown> {
		if (!Number.isInteger(n) || n < 0) {
			throw new RangeError(
				`skipItems(n): n must be a non-negative integer, got ${String(n)}`,
			);
		}
		for (let i = 0; i < n; i++) {
			const e = yield* this.awaitEvent();
			if (!(e instanceof Item)) {
				throw new TurbineAssertionError(
					`Expected ${n} items but got ${i} items and ${String(e)}`,
					e instanceof Failure ? { cause: e.error } : undefined,
				);
			}
		}
	}

	expectNoEvents(): void {
		if (this.head < this.events.length) {
			this.unexpected(this.events[this.head] as Event<T>, "no events");
		}
	}

	expectMostRecentItem(): T {
		let found = false;
		let last: T | undefined;
		while (this.head < this.events.length) {
			const e = this.events[this.head] as Event<T>;
			if (!(e instanceof Item)) {
				if (found) break;
				this.unexpected(e, "item");
			}
			this.take();
			found = true;
			last = e.value;
		}
		if (!found) throw new TurbineAssertionError("No item was found");
		return last as T;
	}

	*cancelAndIgnoreRemainingEvents(): Generator<never, void, unknown> {
		this.ignoreRemaining = true;
		yield* this.stop();
	}

	*cancelAndConsumeRemainingEvents(): Generator<
		never,
		FlowEvent<T>[],
		unknown
	> {
		yield* this.stop();
		const rest = this.events.slice(this.head);
		this.head = this.events.length;
		return rest;
	}

	*stop(): Generator<never, void, unknown> {
		const job = this.job;
		if (job !== null)
			yield* job.cancelAndJoin() as Generator<never, void, unknown>;
	}

	/** After the block: the events nobody took fail the test. */
	checkAllConsumed(): void {
		if (this.ignoreRemaining || this.head === this.events.length) return;
		const rest = this.events.slice(this.head);
		const failure = rest.find((e) => e instanceof Failure) as
			| Failure
			| undefined;
		throw new TurbineAssertionError(
			`Unconsumed events found:${rest.map((e) => `\n - ${String(e)}`).join("")}`,
			failure !== undefined ? { cause: failure.error } : undefined,
		);
	}
}

/**
 * Tests a flow event by event, as Cash App's Turbine does for Kotlin (`flow.test { ... }`).
 *
 * The flow is collected in a child coroutine that starts before `block` runs and records each
 * item, the completion and the failure; in the block, `awaitItem()`, `awaitComplete()`,
 * `awaitError()`, `skipItems(n)`, `expectNoEvents()` and `expectMostRecentItem()` take them in
 * order. A {@link TurbineAssertionError} naming what came instead fails the test when the next
 * event is not the one asked for, when no event arrives within `timeout` virtual milliseconds of
 * one wait (default 3,000), and when events are left unconsumed at the end of the block (end it
 * with `cancelAndIgnoreRemainingEvents()` for a flow that goes on, such as a `StateFlow`).
 * Inside `runTest`, the collection follows the test's virtual clock.
 *
 * @example
 * yield* testFlow(flowOf(1, 2), function* (t) {
 *   expect(yield* t.awaitItem()).toBe(1);
 *   expect(yield* t.awaitItem()).toBe(2);
 *   yield* t.awaitComplete();
 * });
 */
export function testFlow<T>(
	flow: Flow<T>,
	block: (this: FlowTurbine<T>, t: FlowTurbine<T>) => Suspend<void>,
	options: TestFlowOptions = {},
): Suspend<void> {
	if (flow === null || typeof flow !== "object" || !(collectTo in flow)) {
		throw new TypeError(
			`testFlow(flow, block): flow must be a Flow, got ${String(flow)}`,
		);
	}
	if (typeof block !== "function") {
		throw new TypeError(
			"testFlow(flow, block): block must be a generator function (`function* (t) { ... }`)",
		);
	}
	checkSuspendFn(block, "testFlow(flow, block)");
	const timeout = checkTime(
		options.timeout === undefined ? DEFAULT_TEST_FLOW_TIMEOUT : options.timeout,
		"testFlow(options.timeout)",
	);
	return coroutineScope(function* (scope) {
		const turbine = new Turbine<T>(timeout);
		const dispatcher = currentCoroutineContext().get(CoroutineDispatcher.Key);
		const scheduler =
			dispatcher === undefined ? null : testSchedulerOf(dispatcher);
		const unconfined =
			scheduler === null
				? Dispatchers.Unconfined
				: UnconfinedTestDispatcher(scheduler);
		turbine.job = scope.launch(
			unconfined,
			CoroutineStart.UNDISPATCHED,
			function* () {
				try {
					yield* flow[collectTo](turbine);
				} catch (e) {
					if (turbine.job?.isCancelled === true && isCancellation(e)) throw e;
					turbine.push(new Failure(toError(e)));
					return;
				}
				turbine.push(new Complete());
			},
		);
		try {
			yield* block.call(turbine, turbine);
		} finally {
			yield* turbine.stop();
		}
		turbine.checkAllConsumed();
	});
}
