import {
	asFlow,
	CancellationException,
	Dispatchers,
	delay,
	flow,
	flowOf,
	IllegalStateException,
	withContext,
} from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";
import { useTestBase } from "../support/test-base.js";
import { failureOf } from "./flow-support.js";

const t = useTestBase();

describe("cold flows (§15 check 13)", () => {
	it("flow {} checks cancellation at emit: 'Emitting 4' is printed, 4 is not collected", async () => {
		const log: string[] = [];
		assert(
			await failureOf(function* () {
				yield* flow<number>(function* () {
					for (let i = 1; i <= 5; i++) {
						log.push(`Emitting ${i}`);
						yield* this.emit(i);
					}
				}).collect((v) => {
					if (v === 3) this.cancel();
					log.push(`${v}`);
				});
			}),
		).toBeInstanceOf(CancellationException);
		assert(log).toEqual([
			"Emitting 1",
			"1",
			"Emitting 2",
			"2",
			"Emitting 3",
			"3",
			"Emitting 4",
		]);
	});
	it("asFlow does not check cancellation: all five collected, then it ends cancelled", async () => {
		const log: number[] = [];
		assert(
			await failureOf(function* () {
				yield* asFlow([1, 2, 3, 4, 5]).collect((v) => {
					if (v === 3) this.cancel();
					log.push(v);
				});
			}),
		).toBeInstanceOf(CancellationException);
		assert(log).toEqual([1, 2, 3, 4, 5]);
	});
	it(".cancellable() stops after 3", async () => {
		const log: number[] = [];
		assert(
			await failureOf(function* () {
				yield* flowOf(1, 2, 3, 4, 5)
					.cancellable()
					.collect((v) => {
						if (v === 3) this.cancel();
						log.push(v);
					});
			}),
		).toBeInstanceOf(CancellationException);
		assert(log).toEqual([1, 2, 3]);
	});
});

describe("take and onCompletion (§15 check 14)", () => {
	it("take(2) runs the upstream finally, never the code after the 2nd emit", async () => {
		await runTest(function* () {
			t.expect(1);
			const r = yield* flow<number>(function* () {
				try {
					yield* this.emit(1);
					t.expect(2);
					yield* this.emit(2);
					t.expectUnreached();
				} finally {
					t.expect(3);
				}
			})
				.take(2)
				.toList();
			assert(r).toEqual([1, 2]);
			t.finish(4);
		});
	});
	it("onCompletion above take gets a CancellationException, below it null", async () => {
		const causes: (string | null)[] = [];
		await runTest(function* () {
			yield* flowOf(1, 2, 3)
				.onCompletion((e) => {
					causes.push(e === null ? null : `${e.name}: ${e.message}`);
				})
				.take(2)
				.onCompletion((e) => {
					causes.push(e === null ? null : String(e));
				})
				.collect();
		});
		assert(causes).toEqual([
			"AbortFlowException: Flow was aborted, no more elements needed",
			null,
		]);
	});
});

describe("flow invariants (§15 check 15)", () => {
	it("catch lets a downstream throw through", async () => {
		const boom = new Error("boom");
		let caught = false;
		assert(
			await failureOf(function* () {
				yield* flowOf(1, 2)
					.catch(() => {
						caught = true;
					})
					.collect(() => {
						throw boom;
					});
			}),
		).toBe(boom);
		assert(caught).toBe(false);
	});
	it("emit inside withContext(Dispatchers.Default) violates the flow invariant", async () => {
		assert(
			await failureOf(function* () {
				yield* flow<number>(function* () {
					const c = this;
					yield* withContext(Dispatchers.Default, function* () {
						yield* c.emit(1);
					});
				}).collect();
			}),
		).toHaveProperty(
			"message",
			assert.stringMatching(
				/^Flow invariant is violated:\n\t\tFlow was collected in/,
			),
		);
	});
	it("emitting after catching a downstream throw violates exception transparency", async () => {
		const err = await failureOf(function* () {
			yield* flow<number>(function* () {
				try {
					yield* this.emit(1);
				} catch {
					yield* this.emit(2);
				}
			}).collect(() => {
				throw new Error("downstream");
			});
		});
		assert(err).toBeInstanceOf(IllegalStateException);
		assert(err.message).toContain(
			"Flow exception transparency is violated:\n    Previous 'emit' call has thrown exception Error: downstream, but then emission attempt of value '2' has been detected.",
		);
	});
	it("suspending collectors resume the emitter", async () => {
		await runTest(function* () {
			const got: number[] = [];
			yield* flowOf(1, 2, 3)
				.map(function* (x) {
					yield* delay(10);
					return x * 2;
				})
				.collect(function* (v) {
					yield* delay(5);
					got.push(v);
				});
			assert(got).toEqual([2, 4, 6]);
			assert(this.testScheduler.currentTime).toBe(45);
		});
	});
});
