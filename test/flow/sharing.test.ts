import {
	CoroutineExceptionHandler,
	CoroutineScope,
	CoroutineStart,
	delay,
	EmptyCoroutineContext,
	flow,
	Job,
	NoSuchElementException,
	SharingStarted,
	type Suspend,
	yieldNow,
} from "kocoro";
import { runTest, StandardTestDispatcher } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

/** Lets every coroutine ready at this virtual instant run (no time passes). */
function* settle() {
	for (let i = 0; i < 20; i++) yield* yieldNow();
}

/** A root scope on the test's clock whose uncaught failures are recorded in `failures`. */
function recordingScope(failures: Error[]) {
	return CoroutineScope(
		Job()
			.plus(StandardTestDispatcher())
			.plus(
				CoroutineExceptionHandler((_ctx, e) => {
					failures.push(e);
				}),
			),
	);
}

/** A cold flow that logs its start and end and emits 1, 2, 3, ... every 100 ms. */
function ticking(log: string[]) {
	return flow<number>(function* () {
		log.push("start");
		try {
			for (let i = 1; ; i++) {
				yield* this.emit(i);
				yield* delay(100);
			}
		} finally {
			log.push("finally");
		}
	});
}

describe("stateIn with WhileSubscribed (check 22)", () => {
	it("WhileSubscribed(0): the upstream starts with the first subscriber; its finally runs when the last leaves", () =>
		runTest(function* () {
			const log: string[] = [];
			const state = ticking(log).stateIn(
				this.backgroundScope,
				SharingStarted.WhileSubscribed(0),
				0,
			);
			yield* delay(1_000);
			assert(log).toEqual([]);
			assert(state.value).toBe(0);
			const a = this.launch(function* () {
				yield* state.collect(() => {});
			});
			const b = this.launch(function* () {
				yield* state.collect(() => {});
			});
			yield* delay(250);
			assert(log).toEqual(["start"]); // one upstream for both
			assert(state.value).toBe(3);
			a.cancel();
			yield* delay(100);
			assert(log).toEqual(["start"]);
			b.cancel();
			yield* settle();
			assert(log).toEqual(["start", "finally"]);
			assert(this.testScheduler.currentTime).toBe(1_350);
			assert(state.value).toBe(4); // the replay cache is kept (replayExpiration = Infinity)
		}));

	it("WhileSubscribed(5000): a subscriber coming back within 5000 ms keeps the upstream; after that it stops", () =>
		runTest(function* () {
			const log: string[] = [];
			const state = ticking(log).stateIn(
				this.backgroundScope,
				SharingStarted.WhileSubscribed(5_000),
				0,
			);
			const first = this.launch(function* () {
				yield* state.first((v) => v === 2);
			});
			yield* first.join();
			assert(this.testScheduler.currentTime).toBe(100);
			yield* delay(4_900);
			assert(log).toEqual(["start"]);
			const again = this.launch(function* () {
				yield* state.first((v) => v >= 60);
			});
			yield* again.join();
			assert(log).toEqual(["start"]);
			const leftAt = this.testScheduler.currentTime;
			yield* delay(4_999);
			assert(log).toEqual(["start"]);
			yield* delay(1);
			yield* settle();
			assert(log).toEqual(["start", "finally"]);
			assert(this.testScheduler.currentTime - leftAt).toBe(5_000);
		}));

	it("replayExpirationMillis resets the value to the initial value after the stop", () =>
		runTest(function* () {
			const log: string[] = [];
			const state = ticking(log).stateIn(
				this.backgroundScope,
				SharingStarted.WhileSubscribed(1_000, 2_000),
				0,
			);
			yield* state.first((v) => v === 3);
			assert(state.value).toBe(3);
			yield* delay(999);
			yield* settle();
			assert(log).toEqual(["start"]);
			yield* delay(1);
			yield* settle();
			assert(log).toEqual(["start", "finally"]);
			const atStop = state.value; // the upstream ran until the stop: 3 + 10 ticks
			assert(atStop).toBe(13);
			yield* delay(1_999);
			yield* settle();
			assert(state.value).toBe(atStop);
			yield* delay(1);
			yield* settle();
			assert(state.value).toBe(0);
		}));

	it("shareIn with WhileSubscribed(0, 0) empties the replay cache when the upstream stops", () =>
		runTest(function* () {
			const log: string[] = [];
			const shared = ticking(log).shareIn(
				this.backgroundScope,
				SharingStarted.WhileSubscribed(0, 0),
				2,
			);
			assert(yield* shared.take(3).toList()).toEqual([1, 2, 3]);
			yield* settle();
			assert(log).toEqual(["start", "finally"]);
			assert(shared.replayCache).toEqual([]);
		}));
});

describe("shareIn / stateIn start strategies", () => {
	it("Eagerly starts at the scope's next dispatch, not inside shareIn", () =>
		runTest(function* () {
			const log: string[] = [];
			const shared = ticking(log).shareIn(
				this.backgroundScope,
				SharingStarted.Eagerly,
				1,
			);
			assert(log).toEqual([]);
			const got: number[] = [];
			const job = this.launch(function* () {
				yield* shared.take(2).collect((v) => {
					got.push(v);
				});
			});
			yield* job.join();
			assert(log).toEqual(["start"]);
			assert(got).toEqual([1, 2]); // the subscriber made right after shareIn saw the first value
		}));

	it("Lazily starts with the first subscriber, even one that leaves at once, and never stops", () =>
		runTest(function* () {
			const log: string[] = [];
			const state = ticking(log).stateIn(
				this.backgroundScope,
				SharingStarted.Lazily,
				0,
			);
			yield* delay(1_000);
			assert(log).toEqual([]);
			assert(yield* state.first()).toBe(0); // subscribes and leaves at once
			yield* delay(1);
			assert(log).toEqual(["start"]);
			yield* delay(10_000);
			assert(log).toEqual(["start"]);
			assert(state.value).toBe(101);
		}));

	it("stateIn(scope) suspends for the first value", () =>
		runTest(function* () {
			const log: string[] = [];
			const slow = flow<number>(function* () {
				yield* delay(300);
				yield* this.emit(7);
				yield* delay(100);
				yield* this.emit(8);
			});
			const state = yield* slow.stateIn(this.backgroundScope);
			assert(this.testScheduler.currentTime).toBe(300);
			assert(state.value).toBe(7);
			yield* delay(100);
			assert(state.value).toBe(8);
			assert(log).toEqual([]);
		}));

	it("stateIn(scope) rethrows an upstream failure and fails the scope", () =>
		runTest(function* () {
			const boom = new Error("boom");
			const failures: Error[] = [];
			const scope = recordingScope(failures);
			const failing = flow<number>(function* () {
				yield* delay(10);
				throw boom;
			});
			let caught: unknown = null;
			try {
				yield* failing.stateIn(scope);
			} catch (e) {
				caught = e;
			}
			assert(caught).toBe(boom);
			yield* settle();
			assert(scope.isActive).toBe(false);
			assert(failures).toEqual([boom]);
		}));

	it("stateIn(scope) of an empty flow throws NoSuchElementException", () =>
		runTest(function* () {
			const empty = flow<number>(function* () {});
			let caught: unknown = null;
			try {
				yield* empty.stateIn(this.backgroundScope);
			} catch (e) {
				caught = e;
			}
			assert(caught).toBeInstanceOf(NoSuchElementException);
			assert(String(caught)).toBe("NoSuchElementException: Flow is empty");
		}));

	it("an upstream failure fails the sharing scope; subscribers are not affected by it", () =>
		runTest(function* () {
			const boom = new Error("boom");
			const failures: Error[] = [];
			const scope = recordingScope(failures);
			const parent = scope.coroutineContext.get(Job.Key) as Job;
			const shared = flow<number>(function* () {
				yield* this.emit(1);
				yield* delay(10);
				throw boom;
			}).shareIn(scope, SharingStarted.Eagerly, 1);
			yield* delay(20);
			assert(parent.isCancelled).toBe(true);
			let cause: Error | null = null;
			parent.invokeOnCompletion((c) => {
				cause = c;
			});
			assert(cause).toBe(boom);
			assert(failures).toEqual([boom]);
			assert(shared.replayCache).toEqual([1]);
			t.expect(1);
			t.finish(2);
		}));

	it("bad arguments: a negative replay, a non-strategy, negative timeouts", () => {
		const f = flow<number>(function* () {});
		const scope = CoroutineScope(Job());
		assert(() => f.shareIn(scope, SharingStarted.Eagerly, -1)).toThrow(
			new RangeError("replay cannot be negative, but was -1"),
		);
		assert(() =>
			f.shareIn(scope, "eagerly" as unknown as typeof SharingStarted.Eagerly),
		).toThrow(TypeError);
		assert(() => SharingStarted.WhileSubscribed(-1)).toThrow(
			new RangeError("stopTimeout(-1 ms) cannot be negative"),
		);
		assert(() => SharingStarted.WhileSubscribed(0, -5)).toThrow(
			new RangeError("replayExpiration(-5 ms) cannot be negative"),
		);
		assert(String(SharingStarted.WhileSubscribed(5_000, 10))).toBe(
			"SharingStarted.WhileSubscribed(stopTimeout=5000ms, replayExpiration=10ms)",
		);
		assert(String(SharingStarted.Eagerly)).toBe("SharingStarted.Eagerly");
		scope.cancel();
	});
});

describe("shareIn fuses a preceding buffer/conflate (kotlinx's configureSharing)", () => {
	/** Emits 1..5 at once, logging the virtual time of each emit's return. */
	function burst(log: string[], clock: { readonly currentTime: number }) {
		return flow<number>(function* () {
			for (let i = 1; i <= 5; i++) {
				yield* this.emit(i);
				log.push(`emitted ${i} at ${clock.currentTime}`);
			}
		});
	}
	/** A subscriber that takes 100 ms per value; returns what it saw. */
	function* slowSubscriber(
		scope: CoroutineScope,
		shared: { collect(f: (v: number) => Suspend<void>): Suspend<never> },
	) {
		const seen: number[] = [];
		const job = scope.launch(
			EmptyCoroutineContext,
			CoroutineStart.UNDISPATCHED,
			function* () {
				yield* shared.collect(function* (v) {
					seen.push(v);
					yield* delay(100);
				});
			},
		);
		return { seen, job };
	}

	it("by default the upstream runs ahead of a slow subscriber (a buffer of 64)", () =>
		runTest(function* () {
			const log: string[] = [];
			const shared = burst(log, this.testScheduler).shareIn(
				this.backgroundScope,
				SharingStarted.Lazily,
			);
			const { seen, job } = yield* slowSubscriber(this, shared);
			yield* delay(1_000);
			assert(log.at(-1)).toBe("emitted 5 at 0");
			assert(seen).toEqual([1, 2, 3, 4, 5]);
			job.cancel();
		}));

	it("buffer(0).shareIn: every emit waits until the subscriber took the value", () =>
		runTest(function* () {
			const log: string[] = [];
			const shared = burst(log, this.testScheduler)
				.buffer(0)
				.shareIn(this.backgroundScope, SharingStarted.Lazily);
			const { seen, job } = yield* slowSubscriber(this, shared);
			yield* delay(1_000);
			// Each value is handed over when the subscriber comes back for it.
			assert(log).toEqual([
				"emitted 1 at 0",
				"emitted 2 at 100",
				"emitted 3 at 200",
				"emitted 4 at 300",
				"emitted 5 at 400",
			]);
			assert(seen).toEqual([1, 2, 3, 4, 5]);
			job.cancel();
		}));

	it("conflate().shareIn: a buffer of one dropping the oldest: the subscriber sees the latest", () =>
		runTest(function* () {
			const log: string[] = [];
			const shared = burst(log, this.testScheduler)
				.conflate()
				.shareIn(this.backgroundScope, SharingStarted.Lazily);
			const { seen, job } = yield* slowSubscriber(this, shared);
			yield* delay(1_000);
			assert(log.at(-1)).toBe("emitted 5 at 0");
			// The five emits ran before the subscriber's first resumption: only 5 is left.
			assert(seen).toEqual([5]);
			job.cancel();
		}));
});
