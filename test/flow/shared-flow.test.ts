import {
	BufferOverflow,
	CoroutineStart,
	delay,
	EmptyCoroutineContext,
	FlowCollector,
	IllegalStateException,
	MutableSharedFlow,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";

import { collectTo } from "../../src/flow/collector.js";
import { SharedFlowImpl } from "../../src/flow/hot/shared-flow-impl.js";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("MutableSharedFlow (check 21)", () => {
	it("emits without subscribers never suspend; a late subscriber gets the last 2 of 1, 2, 3", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>(2);
			t.expect(1);
			yield* shared.emit(1);
			yield* shared.emit(2);
			yield* shared.emit(3);
			t.expect(2);
			assert(shared.replayCache).toEqual([2, 3]);
			const got: number[] = [];
			const job = this.launch(function* () {
				yield* shared.collect((v) => {
					got.push(v);
				});
			});
			yield* delay(10);
			assert(got).toEqual([2, 3]);
			job.cancel();
			t.finish(3);
		}));

	it("MutableSharedFlow() with one subscriber: tryEmit is false, emit waits until the value is taken", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>();
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.UNDISPATCHED,
				function* () {
					t.expect(1);
					yield* shared.collect(function* (v) {
						t.expect(v === 1 ? 4 : 7);
						yield* delay(100);
						t.expect(v === 1 ? 6 : 9);
					});
				},
			);
			t.expect(2);
			assert(shared.tryEmit(0)).toBe(false);
			t.expect(3);
			yield* shared.emit(1); // suspends until the collector takes 1 (not until it processed it)
			t.expect(5);
			assert(this.testScheduler.currentTime).toBe(0);
			yield* shared.emit(2); // the collector is busy with 1 until 100
			t.expect(8);
			assert(this.testScheduler.currentTime).toBe(100);
			yield* delay(150);
			job.cancel();
			t.finish(10);
		}));
});

describe("MutableSharedFlow semantics", () => {
	it("without subscribers keeps only the last replay values and tryEmit always succeeds", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>(1, 5);
			for (let i = 0; i < 10; i++) assert(shared.tryEmit(i)).toBe(true);
			assert(shared.replayCache).toEqual([9]);
			const none = MutableSharedFlow<number>();
			assert(none.tryEmit(1)).toBe(true);
			assert(none.replayCache).toEqual([]);
		}));

	it("a slow subscriber with a full buffer suspends emit (SUSPEND)", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>(0, 2);
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.UNDISPATCHED,
				function* () {
					yield* shared.collect(function* () {
						yield* delay(100);
					});
				},
			);
			const times: number[] = [];
			for (let i = 1; i <= 5; i++) {
				yield* shared.emit(i);
				times.push(this.testScheduler.currentTime);
			}
			// 1 is taken at once, 2 and 3 fill the buffer, 4 waits for 2 to be taken (at 100), 5 for 3 (at 200).
			assert(times).toEqual([0, 0, 0, 100, 200]);
			assert(shared.tryEmit(6)).toBe(false);
			job.cancel();
		}));

	it("DROP_OLDEST drops the oldest buffered value for a slow subscriber", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>(
				0,
				2,
				BufferOverflow.DROP_OLDEST,
			);
			const got: number[] = [];
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.UNDISPATCHED,
				function* () {
					yield* shared.collect(function* (v) {
						got.push(v);
						yield* delay(100);
					});
				},
			);
			assert(shared.tryEmit(1)).toBe(true);
			yield* yieldNow(); // the collector takes 1 and is busy for 100 ms
			for (let i = 2; i <= 5; i++) assert(shared.tryEmit(i)).toBe(true);
			yield* delay(1_000);
			assert(got).toEqual([1, 4, 5]);
			job.cancel();
		}));

	it("DROP_LATEST drops the new value for a slow subscriber", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>({
				extraBufferCapacity: 2,
				onBufferOverflow: BufferOverflow.DROP_LATEST,
			});
			const got: number[] = [];
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.UNDISPATCHED,
				function* () {
					yield* shared.collect(function* (v) {
						got.push(v);
						yield* delay(100);
					});
				},
			);
			yield* shared.emit(1);
			yield* yieldNow(); // the collector takes 1 and is busy for 100 ms
			for (let i = 2; i <= 5; i++) yield* shared.emit(i);
			assert(this.testScheduler.currentTime).toBe(0);
			yield* delay(1_000);
			assert(got).toEqual([1, 2, 3]);
			job.cancel();
		}));

	it("resetReplayCache empties the cache for new subscribers only", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>(2, 2);
			const old: number[] = [];
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.UNDISPATCHED,
				function* () {
					yield* shared.collect(function* (v) {
						yield* delay(10);
						old.push(v);
					});
				},
			);
			shared.tryEmit(1);
			shared.tryEmit(2);
			shared.tryEmit(3);
			shared.resetReplayCache();
			assert(shared.replayCache).toEqual([]);
			const late: number[] = [];
			const lateJob = this.launch(function* () {
				yield* shared.collect((v) => {
					late.push(v);
				});
			});
			yield* delay(100);
			shared.tryEmit(4);
			yield* delay(100);
			assert(old).toEqual([1, 2, 3, 4]);
			assert(late).toEqual([4]);
			job.cancel();
			lateJob.cancel();
		}));

	it("a shared flow never completes: collect ends only by cancellation", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>(1);
			shared.tryEmit(1);
			const job = this.launch(function* () {
				try {
					yield* shared.collect(() => {});
					t.expectUnreached();
				} finally {
					t.expect(2);
				}
			});
			yield* delay(10_000);
			t.expect(1);
			assert(job.isActive).toBe(true);
			yield* job.cancelAndJoin();
			t.finish(3);
		}));

	it("take(2) turns a shared flow into a completing one", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>(3);
			shared.tryEmit(1);
			shared.tryEmit(2);
			shared.tryEmit(3);
			assert(yield* shared.take(2).toList()).toEqual([1, 2]);
			assert(shared.subscriptionCount.value).toBe(0);
		}));

	it("subscriptionCount does not conflate: two subscribers leaving show 2, 1, 0", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<number>();
			const counts: number[] = [];
			const watcher = this.launch(function* () {
				yield* shared.subscriptionCount.collect((n) => {
					counts.push(n);
				});
			});
			yield* yieldNow();
			const a = this.launch(function* () {
				yield* shared.collect(() => {});
			});
			const b = this.launch(function* () {
				yield* shared.collect(() => {});
			});
			yield* delay(10);
			a.cancel();
			b.cancel();
			yield* delay(10);
			assert(counts).toEqual([0, 1, 2, 1, 0]);
			assert(shared.subscriptionCount.value).toBe(0);
			watcher.cancel();
		}));

	it("onSubscription runs after the subscription and may emit; its emissions reach the collector", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<string>();
			const got: string[] = [];
			const job = this.launch(function* () {
				yield* shared
					.onSubscription(function* () {
						assert(shared.subscriptionCount.value).toBe(1);
						yield* this.emit("hello");
						shared.tryEmit("from-action"); // lost without a buffer? no: subscribed
					})
					.collect((v) => {
						got.push(v);
					});
			});
			yield* delay(10);
			assert(got[0]).toBe("hello");
			job.cancel();
		}));

	it("bad arguments throw kotlinx's texts", () => {
		assert(() => MutableSharedFlow(-1)).toThrow(
			new RangeError("replay cannot be negative, but was -1"),
		);
		assert(() => MutableSharedFlow(0, -2)).toThrow(
			new RangeError("extraBufferCapacity cannot be negative, but was -2"),
		);
		assert(() => MutableSharedFlow(0, 0, BufferOverflow.DROP_OLDEST)).toThrow(
			new RangeError(
				"replay or extraBufferCapacity must be positive with non-default onBufferOverflow strategy DROP_OLDEST",
			),
		);
		assert(IllegalStateException).toBeDefined();
	});
});

describe("slots", () => {
	it("the registry keeps no slot and no array once every collector left", () =>
		runTest(function* () {
			const core = new SharedFlowImpl<number>(0, 4, BufferOverflow.SUSPEND);
			const jobs = [];
			for (let i = 0; i < 100; i++) {
				jobs.push(
					this.launch(function* () {
						yield* core[collectTo](FlowCollector<number>(() => {}));
					}),
				);
			}
			yield* yieldNow();
			assert(core.collectorCount).toBe(100);
			for (const j of jobs.slice(0, 60)) j.cancel();
			yield* yieldNow();
			// Holes are squeezed out once they are more than half the array: at the 51st departure
			// (100 -> 49 entries); the next 9 leave holes.
			assert((core as unknown as { slots: unknown[] }).slots.length).toBe(49);
			for (const j of jobs) j.cancel();
			yield* yieldNow();
			assert(core.collectorCount).toBe(0);
			assert((core as unknown as { slots: unknown[] }).slots.length).toBe(0);
		}));
});
