import {
	CoroutineStart,
	delay,
	EmptyCoroutineContext,
	IllegalStateException,
	MutableStateFlow,
	StateFlow,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("MutableStateFlow (check 20)", () => {
	it("a collector busy on 0 while 1, 1, 2 are set then sees 2; a new one starts with the current value; compareAndSet", () =>
		runTest(function* () {
			const state = MutableStateFlow(0);
			const seen: number[] = [];
			const slow = this.launch(function* () {
				yield* state.collect(function* (v) {
					seen.push(v);
					yield* delay(100);
				});
			});
			yield* yieldNow(); // the collector takes 0 and is busy for 100 ms
			t.expect(1);
			state.value = 1;
			state.value = 1;
			state.value = 2;
			yield* delay(500);
			assert(seen).toEqual([0, 2]);
			const late: number[] = [];
			const fresh = this.launch(function* () {
				yield* state.collect((v) => {
					late.push(v);
				});
			});
			yield* yieldNow();
			assert(late).toEqual([2]);
			t.expect(2);
			assert(state.compareAndSet(2, 3)).toBe(true);
			assert(state.compareAndSet(2, 4)).toBe(false);
			assert(state.value).toBe(3);
			yield* delay(200);
			assert(seen).toEqual([0, 2, 3]);
			assert(late).toEqual([2, 3]);
			slow.cancel();
			fresh.cancel();
			t.finish(3);
		}));
});

describe("MutableStateFlow semantics", () => {
	it("equality is Object.is: equal objects are distinct values, NaN equals NaN, 0 and -0 differ", () =>
		runTest(function* () {
			const objects = MutableStateFlow({ n: 1 });
			let count = 0;
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.UNDISPATCHED,
				function* () {
					yield* objects.collect(() => {
						count++;
					});
				},
			);
			objects.value = { n: 1 };
			yield* yieldNow();
			assert(count).toBe(2);
			job.cancel();

			const numbers = MutableStateFlow(Number.NaN);
			assert(numbers.compareAndSet(Number.NaN, 0)).toBe(true);
			assert(numbers.compareAndSet(-0, 1)).toBe(false);
			assert(numbers.value).toBe(0);
		}));

	it("compareAndSet to the same value returns true and notifies nobody", () =>
		runTest(function* () {
			const state = MutableStateFlow("a");
			const seen: string[] = [];
			const job = this.launch(function* () {
				yield* state.collect((v) => {
					seen.push(v);
				});
			});
			yield* yieldNow();
			assert(state.compareAndSet("a", "a")).toBe(true);
			yield* yieldNow();
			assert(seen).toEqual(["a"]);
			job.cancel();
		}));

	it("update, updateAndGet, getAndUpdate", () =>
		runTest(function* () {
			const state = MutableStateFlow(1);
			state.update((n) => n + 1);
			assert(state.value).toBe(2);
			assert(state.updateAndGet((n) => n * 10)).toBe(20);
			assert(state.getAndUpdate((n) => n + 1)).toBe(20);
			assert(state.value).toBe(21);
		}));

	it("emit and tryEmit set the value; replayCache holds it; resetReplayCache throws", () =>
		runTest(function* () {
			const state = MutableStateFlow(1);
			yield* state.emit(2);
			assert(state.tryEmit(3)).toBe(true);
			assert(state.replayCache).toEqual([3]);
			assert(() => state.resetReplayCache()).toThrow(IllegalStateException);
		}));

	it("asStateFlow is a read-only view of the same state", () =>
		runTest(function* () {
			const state = MutableStateFlow(1);
			const view = state.asStateFlow();
			assert(view).toBeInstanceOf(StateFlow);
			assert("tryEmit" in view).toBe(false);
			state.value = 5;
			assert(view.value).toBe(5);
			assert(yield* view.first()).toBe(5);
		}));

	it("a collector cancelled while suspended in collect leaves no subscriber behind", () =>
		runTest(function* () {
			const state = MutableStateFlow(0);
			const jobs = [];
			for (let i = 0; i < 3; i++) {
				jobs.push(
					this.launch(function* () {
						yield* state.collect(() => {});
					}),
				);
			}
			yield* yieldNow();
			assert(state.subscriptionCount.value).toBe(3);
			for (const j of jobs) j.cancel();
			yield* yieldNow();
			assert(state.subscriptionCount.value).toBe(0);
		}));

	it("a value set by an unconfined collector during a set is seen by the others", () =>
		runTest(function* () {
			const state = MutableStateFlow(0);
			const seen: string[] = [];
			const a = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.UNDISPATCHED,
				function* () {
					yield* state.collect((v) => {
						seen.push(`a${v}`);
						if (v === 1) state.value = 2;
					});
				},
			);
			const b = this.launch(function* () {
				yield* state.collect((v) => {
					seen.push(`b${v}`);
				});
			});
			yield* yieldNow();
			state.value = 1;
			yield* yieldNow();
			yield* yieldNow();
			assert(state.value).toBe(2);
			assert(seen.filter((s) => s.startsWith("b")).at(-1)).toBe("b2");
			assert(seen.filter((s) => s.startsWith("a")).at(-1)).toBe("a2");
			a.cancel();
			b.cancel();
		}));
});
