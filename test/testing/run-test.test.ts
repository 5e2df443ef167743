import {
	awaitCancellation,
	awaitPromise,
	CoroutineName,
	CoroutineScope,
	delay,
	GlobalScope,
	supervisorScope,
	TimeoutCancellationException,
	withTimeout,
} from "kocoro";
import {
	RunTestError,
	runTest,
	StandardTestDispatcher,
	UncompletedCoroutinesError,
} from "kocoro/test";
import { describe, expect, it } from "vitest";

/** The error runTest rejected with (fails if it resolved). */
async function rejection(p: Promise<void>): Promise<RunTestError> {
	try {
		await p;
	} catch (e) {
		if (e instanceof RunTestError) return e;
		throw e;
	}
	throw new Error("runTest resolved, a rejection was expected");
}

describe("virtual time", () => {
	it("delay(60_000) takes no real time and moves currentTime", async () => {
		const started = performance.now();
		await runTest(function* () {
			yield* delay(60_000);
			expect(this.testScheduler.currentTime).toBe(60_000);
		});
		expect(performance.now() - started).toBeLessThan(5_000);
	});

	it("withTimeout follows the virtual clock", async () => {
		await runTest(function* () {
			const error = yield* (function* () {
				try {
					yield* withTimeout(1_300, function* () {
						yield* delay(10_000);
					});
				} catch (e) {
					return e;
				}
				return null;
			})();
			expect(error).toBeInstanceOf(TimeoutCancellationException);
			expect(String(error)).toBe(
				"TimeoutCancellationException: Timed out waiting for 1300 ms",
			);
			expect(this.testScheduler.currentTime).toBe(1_300);
		});
	});

	it("cannot deadlock by sleeping before advancing the clock: nothing ready means the clock jumps", async () => {
		await runTest(function* () {
			const log: number[] = [];
			this.launch(function* () {
				yield* delay(1_000);
				log.push(1_000);
			});
			// The body sleeps first; no one has to advance the clock for it.
			yield* delay(5_000);
			log.push(this.testScheduler.currentTime);
			expect(log).toEqual([1_000, 5_000]);
		});
	});

	it("waits on a real promise by letting the event loop turn", async () => {
		await runTest(function* () {
			const value = yield* awaitPromise(
				new Promise<string>((resolve) => setTimeout(() => resolve("late"), 20)),
			);
			expect(value).toBe("late");
			expect(this.testScheduler.currentTime).toBe(0);
		});
	});

	it("delivers an already-settled promise before jumping the clock to a pending timer", async () => {
		await runTest(function* () {
			const scheduler = this.testScheduler;
			const log: string[] = [];
			this.launch(function* () {
				yield* delay(1_000);
				log.push(`timer at ${scheduler.currentTime}`);
			});
			const v = yield* awaitPromise(Promise.resolve(7));
			log.push(`promise ${v} at ${scheduler.currentTime}`);
			yield* delay(2_000);
			expect(log).toEqual(["promise 7 at 0", "timer at 1000"]);
		});
	});
});

describe("failures", () => {
	it("a failing child fails the test with a message naming the coroutine and the seed", async () => {
		const e = await rejection(
			runTest(
				function* () {
					this.launch(CoroutineName("worker"), function* () {
						yield* delay(10);
						throw new Error("boom");
					});
					yield* delay(100);
				},
				{ seed: 1234 },
			),
		);
		expect(e.message).toMatch(
			/^runTest failed at virtual time 10 ms \(seed 1234; replay with runTest\(block, \{ seed: 1234 \}\)\):\n {2}Error: boom\n {4}thrown in "worker":StandaloneCoroutine@[0-9a-f]+$/,
		);
		expect(e.seed).toBe(1234);
		expect(e.virtualTime).toBe(10);
		expect((e.cause as Error).message).toBe("boom");
		expect(e.errors).toHaveLength(1);
	});

	it("the body's own failure is named as the test body", async () => {
		const e = await rejection(
			runTest(function* () {
				yield* delay(5);
				throw new Error("assertion");
			}),
		);
		expect(e.message).toMatch(
			/^runTest failed at virtual time 5 ms \(no seed: tasks due at the same instant ran in FIFO order\):\n {2}Error: assertion\n {4}thrown in the test body \(DeferredCoroutine@[0-9a-f]+\)$/,
		);
	});

	it("a failure that reaches the exception handler (under a supervisor) fails the test", async () => {
		const e = await rejection(
			runTest(function* () {
				yield* supervisorScope(function* () {
					this.launch(CoroutineName("child"), function* () {
						throw new Error("lost");
					});
				});
			}),
		);
		expect(e.message).toMatch(
			/\n {2}Error: lost\n {4}uncaught in "child":StandaloneCoroutine@[0-9a-f]+$/,
		);
	});

	it("a failure in backgroundScope fails the test without cancelling the body", async () => {
		let bodyFinished = false;
		const e = await rejection(
			runTest(function* () {
				this.backgroundScope.launch(CoroutineName("bg"), function* () {
					yield* delay(1);
					throw new Error("background");
				});
				yield* delay(10);
				bodyFinished = true;
			}),
		);
		expect(bodyFinished).toBe(true);
		expect(e.message).toMatch(
			/\n {2}Error: background\n {4}uncaught in backgroundScope coroutine "bg":StandaloneCoroutine@[0-9a-f]+$/,
		);
	});

	it("a cancelled body fails the test", async () => {
		const e = await rejection(
			runTest(function* () {
				this.cancel();
				yield* delay(1);
			}),
		);
		expect(e.message).toBe(
			"runTest failed at virtual time 0 ms (no seed: tasks due at the same instant ran in FIFO order):\n  the test body was cancelled: JobCancellationException: DeferredCoroutine was cancelled",
		);
	});

	it("rejects bad options", async () => {
		await expect(runTest(function* () {}, { timeout: 0 })).rejects.toThrow(
			"runTest(block, { timeout }): expected a number of milliseconds > 0, got 0",
		);
		await expect(runTest(function* () {}, { seed: 0.5 })).rejects.toThrow(
			RangeError,
		);
	});
});

describe("coroutines left running", () => {
	it("background coroutines are cancelled at the end and their cleanup runs", async () => {
		const log: string[] = [];
		await runTest(function* () {
			this.backgroundScope.launch(function* () {
				try {
					for (;;) yield* delay(100);
				} finally {
					log.push(`cleaned up at ${this.isActive}`);
				}
			});
			yield* delay(1_000);
		});
		expect(log).toEqual(["cleaned up at false"]);
	});

	it("a coroutine of the test's dispatcher left running fails the test, with a dump", async () => {
		const e = await rejection(
			runTest(function* () {
				const foreign = CoroutineScope(StandardTestDispatcher());
				foreign.launch(CoroutineName("leak"), function* () {
					yield* delay(500);
					yield* awaitCancellation();
				});
				yield* delay(1_000);
			}),
		);
		expect(e).toBeInstanceOf(UncompletedCoroutinesError);
		expect(e.message).toMatch(
			/^runTest failed at virtual time 1000 ms \(no seed[^)]*\): coroutines are still running after the test body ended; cancel them, join them, or launch them in backgroundScope\.\nCoroutines still running \(1 live coroutine\)\n- JobImpl\{Active\}@[0-9a-f]+: waiting for its children\n {2}- "leak":StandaloneCoroutine\{Active\}@[0-9a-f]+: suspended on awaitCancellation\(\)$/,
		);
	});

	it("fails at the real-time limit with a dump of what is still waiting", async () => {
		const e = await rejection(
			runTest(
				function* () {
					this.launch(CoroutineName("stuck"), function* () {
						yield* awaitPromise(new Promise<never>(() => {}));
					});
				},
				{ timeout: 50 },
			),
		);
		expect(e).toBeInstanceOf(UncompletedCoroutinesError);
		expect(e.message).toMatch(
			/: the test body did not complete within 50 ms of real time\.\nLive coroutines \(2 live coroutines\)\n- DeferredCoroutine\{Completing\}@[0-9a-f]+: waiting for its children\n {2}- "stuck":StandaloneCoroutine\{Active\}@[0-9a-f]+: suspended on suspendCancellableCoroutine$/,
		);
	});

	it("coroutines on other dispatchers are not the test's business", async () => {
		const outside = GlobalScope.launch(function* () {
			yield* awaitCancellation();
		});
		await runTest(function* () {
			yield* delay(1);
		});
		expect(outside.isActive).toBe(true);
		outside.cancel();
	});
});

describe("seeds", () => {
	it("the same seed replays the same interleaving", async () => {
		const orderFor = async (seed: number) => {
			const log: number[] = [];
			await runTest(
				function* () {
					for (let i = 0; i < 8; i++)
						this.launch(function* () {
							yield* delay(5);
							log.push(i);
						});
				},
				{ seed },
			);
			return log;
		};
		const first = await orderFor(99);
		expect(await orderFor(99)).toEqual(first);
		expect([...first].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
		const orders = new Set<string>();
		for (let seed = 0; seed < 10; seed++)
			orders.add((await orderFor(seed)).join());
		expect(orders.size).toBeGreaterThan(5);
	});
});
