import {
	awaitCancellation,
	awaitPromise,
	CoroutineName,
	CoroutineScope,
	delay,
	GlobalScope,
	supervisorScope,
	suspendCancellableCoroutine,
	TimeoutCancellationException,
	withTimeout,
	withTimeoutOrNull,
} from "kocoro";
import { DebugProbes } from "kocoro/debug";
import {
	RunTestError,
	runTest,
	StandardTestDispatcher,
	UncompletedCoroutinesError,
} from "kocoro/test";
import { afterEach, describe, expect, it, vi } from "vitest";

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

	it("does the same for a user's own suspendCancellableCoroutine resumed by a settled promise (the wait's flag decides, not its description)", async () => {
		await runTest(function* () {
			const scheduler = this.testScheduler;
			const log: string[] = [];
			this.launch(function* () {
				yield* delay(1_000);
				log.push(`timer at ${scheduler.currentTime}`);
			});
			const v = yield* suspendCancellableCoroutine<number>((cont) => {
				void Promise.resolve(8).then((x) => cont.resume(x));
			});
			log.push(`callback ${v} at ${scheduler.currentTime}`);
			yield* delay(2_000);
			expect(log).toEqual(["callback 8 at 0", "timer at 1000"]);
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
			/: the test body did not complete within 50 ms of real time\.\nLive coroutines \(2 live coroutines\)\n- DeferredCoroutine\{Completing\}@[0-9a-f]+: waiting for its children\n {2}- "stuck":StandaloneCoroutine\{Active\}@[0-9a-f]+: suspended on awaitPromise \(a promise\)$/,
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

describe("driving the clock from the body", () => {
	it("runCurrent, advanceTimeBy and advanceUntilIdle, with exact times", async () => {
		await runTest(function* () {
			const s = this.testScheduler;
			const log: string[] = [];
			this.launch(function* () {
				log.push(`start@${s.currentTime}`);
				yield* delay(100);
				log.push(`a@${s.currentTime}`);
				yield* delay(100);
				log.push(`b@${s.currentTime}`);
			});
			expect(log).toEqual([]); // queued, not started
			s.runCurrent();
			expect(log).toEqual(["start@0"]);
			s.advanceTimeBy(100); // due exactly at 100: not yet
			expect(s.currentTime).toBe(100);
			expect(log).toEqual(["start@0"]);
			s.runCurrent();
			expect(log).toEqual(["start@0", "a@100"]);
			s.advanceUntilIdle();
			expect(log).toEqual(["start@0", "a@100", "b@200"]);
			expect(s.currentTime).toBe(200);
		});
	});

	it("withTimeoutOrNull follows the virtual clock; a block that finishes first keeps its value", async () => {
		await runTest(function* () {
			const s = this.testScheduler;
			const late = yield* withTimeoutOrNull(500, function* () {
				yield* delay(1_000);
				return "late";
			});
			expect(late).toBeNull();
			expect(s.currentTime).toBe(500);
			const early = yield* withTimeout(500, function* () {
				yield* delay(300);
				return "early";
			});
			expect(early).toBe("early");
			expect(s.currentTime).toBe(800);
			yield* delay(60_000); // the cancelled timeout left no timer behind
			expect(s.currentTime).toBe(60_800);
		});
	});
});

describe("sleeping before advancing the clock cannot deadlock", () => {
	it("the body waits on a promise that only a virtual-time coroutine resolves, then advances", async () => {
		await runTest(function* () {
			const s = this.testScheduler;
			let resolve!: (v: string) => void;
			const ready = new Promise<string>((r) => {
				resolve = r;
			});
			this.launch(function* () {
				yield* delay(1_000);
				resolve(`ready at ${s.currentTime}`);
			});
			// Effect's TestClock trap: the test waits before it moves the clock. Here nobody has to.
			expect(yield* awaitPromise(ready)).toBe("ready at 1000");
			expect(s.currentTime).toBe(1_000);
			s.advanceTimeBy(500);
			expect(s.currentTime).toBe(1_500);
		});
	});

	it("the body sleeps in real time (real setTimeouts) while a virtual timer is pending, then advances", async () => {
		let realTimers = 0;
		await runTest(function* () {
			const s = this.testScheduler;
			const log: string[] = [];
			this.launch(function* () {
				yield* delay(1_000);
				log.push(`timer at ${s.currentTime}`);
			});
			// A real sleep that ends only once the virtual timer fired: the clock did not wait for it.
			yield* awaitPromise(
				new Promise<void>((resolve) => {
					const poll = () => {
						realTimers++;
						if (log.length > 0) resolve();
						else setTimeout(poll, 1);
					};
					setTimeout(poll, 1);
				}),
			);
			log.push(`slept; clock at ${s.currentTime}`);
			s.advanceTimeBy(500);
			log.push(`advanced; clock at ${s.currentTime}`);
			// The clock did not wait for the real sleep: the timer fired while the body slept.
			expect(log).toEqual([
				"timer at 1000",
				"slept; clock at 1000",
				"advanced; clock at 1500",
			]);
		});
		expect(realTimers).toBeGreaterThanOrEqual(1);
	});

	it("the body sleeps in virtual time inside runCurrent's reach: a child that advances the clock is not needed", async () => {
		await runTest(function* () {
			const s = this.testScheduler;
			const ticks: number[] = [];
			this.launch(function* () {
				for (let i = 0; i < 3; i++) {
					yield* delay(10);
					ticks.push(s.currentTime);
				}
			});
			yield* delay(25); // sleeps before anyone advances: the clock jumps timer to timer
			expect(ticks).toEqual([10, 20]);
			s.advanceTimeBy(10);
			expect(ticks).toEqual([10, 20, 30]);
			expect(s.currentTime).toBe(35);
		});
	});
});

describe("the real-time limit", () => {
	it("is 60 s by default", async () => {
		const realNow = performance.now.bind(performance);
		let calls = 0;
		// After the deadline is set, real time appears to jump by 60 s + 1 ms.
		const spy = vi
			.spyOn(performance, "now")
			.mockImplementation(() => realNow() + (calls++ === 0 ? 0 : 60_001));
		try {
			const e = await rejection(
				runTest(function* () {
					this.launch(CoroutineName("forever"), function* () {
						yield* awaitPromise(new Promise<never>(() => {}));
					});
				}),
			);
			expect(e).toBeInstanceOf(UncompletedCoroutinesError);
			expect(e.message).toMatch(
				/^runTest failed at virtual time 0 ms \(no seed[^)]*\): the test body did not complete within 60000 ms of real time\.\nLive coroutines \(2 live coroutines\)\n/,
			);
			expect(e.message).toMatch(
				/"forever":StandaloneCoroutine\{Active\}@[0-9a-f]+: suspended on awaitPromise \(a promise\)$/,
			);
		} finally {
			spy.mockRestore();
		}
	});

	it("is configurable, and counts real time only: virtual delays never reach it", async () => {
		await runTest(
			function* () {
				yield* delay(3_600_000); // an hour of virtual time within a 1 s real limit
				expect(this.testScheduler.currentTime).toBe(3_600_000);
			},
			{ timeout: 1_000 },
		);
	});
});

describe("creation sites in failure messages", () => {
	afterEach(() => {
		while (DebugProbes.isInstalled) DebugProbes.uninstall();
	});

	it("appear under the failing coroutine and in the dump of leftovers when DebugProbes are installed", async () => {
		DebugProbes.install();
		const failed = await rejection(
			runTest(function* () {
				this.launch(CoroutineName("worker"), function* () {
					yield* delay(10);
					throw new Error("boom");
				});
			}),
		);
		expect(failed.message).toMatch(
			/\n {4}thrown in "worker":StandaloneCoroutine@[0-9a-f]+\n {6}created at .*run-test\.test\.ts:\d+:\d+/,
		);
		const leaked = await rejection(
			runTest(function* () {
				CoroutineScope(StandardTestDispatcher()).launch(
					CoroutineName("leak"),
					function* () {
						yield* awaitCancellation();
					},
				);
				yield* delay(1);
			}),
		);
		expect(leaked.message).toMatch(
			/"leak":StandaloneCoroutine\{Active\}@[0-9a-f]+: suspended on awaitCancellation\(\)\n {6}created at .*run-test\.test\.ts:\d+:\d+/,
		);
	});

	it("are absent when DebugProbes are not installed", async () => {
		const failed = await rejection(
			runTest(function* () {
				this.launch(CoroutineName("worker"), function* () {
					throw new Error("boom");
				});
			}),
		);
		expect(failed.message).not.toContain("created at");
	});
});

describe("a failing seeded test can be replayed from its message", () => {
	/** Two writers race on a shared counter; the test is correct only in FIFO order. */
	const racy = (seed: number | undefined) =>
		runTest(
			function* () {
				const order: string[] = [];
				for (const name of ["first", "second", "third"]) {
					this.launch(CoroutineName(name), function* () {
						yield* delay(1);
						order.push(name);
					});
				}
				yield* delay(2);
				if (order.join() !== "first,second,third")
					throw new Error(`out of order: ${order.join()}`);
			},
			seed === undefined ? {} : { seed },
		);

	it("prints the seed; the same seed fails the same way", async () => {
		await racy(undefined); // FIFO: passes
		let failure: RunTestError | null = null;
		for (let seed = 0; failure === null; seed++) {
			expect(seed).toBeLessThan(50); // some seed reorders three writers
			try {
				await racy(seed);
			} catch (e) {
				failure = e as RunTestError;
			}
		}
		const printed =
			/\(seed (\d+); replay with runTest\(block, \{ seed: \1 \}\)\)/.exec(
				failure.message,
			);
		expect(printed).not.toBeNull();
		expect(Number(printed![1])).toBe(failure.seed);
		const replay = await rejection(racy(Number(printed![1])));
		// The same failure, word for word (job ids are global counters, so they are left out).
		const withoutIds = (m: string) => m.replace(/@[0-9a-f]+/g, "@#");
		expect(withoutIds(replay.message)).toBe(withoutIds(failure.message));
		expect(replay.message).toMatch(/\n {2}Error: out of order: /);
	});
});
