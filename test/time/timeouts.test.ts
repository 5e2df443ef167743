import {
	awaitCancellation,
	CancellationException,
	CoroutineExceptionHandler,
	CoroutineName,
	CoroutineScope,
	currentCoroutineContext,
	delay,
	GlobalScope,
	Job,
	SupervisorJob,
	TimeoutCancellationException,
	withTimeout,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { StandardTestDispatcher, TestCoroutineScheduler } from "kocoro/test";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("withTimeout (T1)", () => {
	it('cancels the block with TimeoutCancellationException("Timed out waiting for <t> ms"), rethrown to the caller', async () => {
		await t.runBlock(function* () {
			try {
				yield* withTimeout(10, function* () {
					try {
						t.expect(1);
						yield* delay(1_000);
						t.expectUnreached();
					} catch (e) {
						t.expect(2);
						expect(e).toBeInstanceOf(TimeoutCancellationException);
						throw e;
					}
				});
				t.expectUnreached();
			} catch (e) {
				t.expect(3);
				expect(e).toBeInstanceOf(TimeoutCancellationException);
				expect(e).toBeInstanceOf(CancellationException);
				expect((e as Error).name).toBe("TimeoutCancellationException");
				expect(String(e)).toBe(
					"TimeoutCancellationException: Timed out waiting for 10 ms",
				);
			}
			// Only the timeout's scope was cancelled: the caller goes on.
			expect(currentCoroutineContext().get(Job.Key)?.isActive).toBe(true);
			yield* yieldNow();
			t.finish(4);
		});
	});

	it('names the coroutine when the context has a CoroutineName: Coroutine "<name>" timed out waiting for <t> ms', async () => {
		await t.runBlock(
			function* () {
				try {
					yield* withTimeout(5, function* () {
						yield* awaitCancellation();
					});
				} catch (e) {
					expect(String(e)).toBe(
						'TimeoutCancellationException: Coroutine "fetcher" timed out waiting for 5 ms',
					);
					t.expect(1);
				}
			},
			{ context: CoroutineName("fetcher") },
		);
		t.finish(2);
	});

	it("returns the block's value when it finishes in time", async () => {
		await t.runBlock(function* () {
			const v = yield* withTimeout(1_000, function* () {
				yield* delay(1);
				return "in time";
			});
			expect(v).toBe("in time");
		});
	});

	it("an uncaught TimeoutCancellationException leaves the caller cancelled, not failed: no parent is notified, no handler runs (guide cancel-06)", async () => {
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const self = currentCoroutineContext().get(Job.Key)!;
			const job = this.launch(
				CoroutineExceptionHandler((_, e) => handled.push(e)),
				function* () {
					yield* withTimeout(5, function* () {
						yield* awaitCancellation();
					});
				},
			);
			const root = GlobalScope.launch(
				CoroutineExceptionHandler((_, e) => handled.push(e)),
				function* () {
					yield* withTimeout(5, function* () {
						yield* awaitCancellation();
					});
				},
			);
			yield* job.join();
			yield* root.join();
			expect(job.isCancelled).toBe(true);
			expect(job.getCancellationException()).toBeInstanceOf(
				TimeoutCancellationException,
			);
			expect(root.isCancelled).toBe(true);
			expect(self.isActive).toBe(true);
		});
		expect(handled).toHaveLength(0);
	});

	it("the block's children are cancelled by the timeout and awaited before it is rethrown", async () => {
		await t.runBlock(function* () {
			try {
				yield* withTimeout(10, function* () {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} finally {
							t.expect(1);
						}
					});
					yield* awaitCancellation();
				});
			} catch (e) {
				t.expect(2);
				expect(e).toBeInstanceOf(TimeoutCancellationException);
			}
			t.finish(3);
		});
	});

	it("Infinity never times out", async () => {
		await t.runBlock(function* () {
			const v = yield* withTimeout(Number.POSITIVE_INFINITY, function* () {
				yield* delay(20);
				return "done";
			});
			expect(v).toBe("done");
			const w = yield* withTimeoutOrNull(
				Number.POSITIVE_INFINITY,
				function* () {
					return 1;
				},
			);
			expect(w).toBe(1);
		});
	});

	it("an outer cancellation is not a timeout: it passes through withTimeoutOrNull as a plain CancellationException", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				try {
					yield* withTimeoutOrNull(1_000, function* () {
						yield* awaitCancellation();
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(CancellationException);
					expect(e).not.toBeInstanceOf(TimeoutCancellationException);
					throw e;
				}
			});
			yield* yieldNow();
			t.expect(1);
			job.cancel();
			yield* job.join();
			t.finish(3);
		});
	});
});

describe("t <= 0 (T2)", () => {
	it('withTimeout throws TimeoutCancellationException("Timed out immediately") without running the block', async () => {
		await t.runBlock(function* () {
			for (const time of [0, -5, Number.NEGATIVE_INFINITY]) {
				try {
					yield* withTimeout(time, function* () {
						t.expectUnreached();
					});
					t.expectUnreached();
				} catch (e) {
					expect(e).toBeInstanceOf(TimeoutCancellationException);
					expect(String(e)).toBe(
						"TimeoutCancellationException: Timed out immediately",
					);
				}
			}
		});
	});

	it("withTimeoutOrNull returns null without running the block", async () => {
		await t.runBlock(function* () {
			const v = yield* withTimeoutOrNull(0, function* () {
				return t.expectUnreached();
			});
			expect(v).toBe(null);
			const w = yield* withTimeoutOrNull(-1, function* () {
				return t.expectUnreached();
			});
			expect(w).toBe(null);
		});
	});
});

describe("withTimeoutOrNull (T3)", () => {
	it("returns null when its own time is up (guide cancel-07)", async () => {
		await t.runBlock(function* () {
			const v = yield* withTimeoutOrNull(5, function* () {
				yield* delay(1_000);
				return "late";
			});
			expect(v).toBe(null);
		});
	});

	it("lets the TimeoutCancellationException of a nested withTimeout pass through", async () => {
		await t.runBlock(function* () {
			try {
				yield* withTimeoutOrNull(1_000, function* () {
					yield* withTimeout(5, function* () {
						yield* delay(500);
					});
				});
				t.expectUnreached();
			} catch (e) {
				t.expect(1);
				expect(String(e)).toBe(
					"TimeoutCancellationException: Timed out waiting for 5 ms",
				);
			}
			t.finish(2);
		});
	});

	it("an inner withTimeoutOrNull's timeout is null for the inner one only", async () => {
		await t.runBlock(function* () {
			const outer = yield* withTimeoutOrNull(1_000, function* () {
				const inner = yield* withTimeoutOrNull(5, function* () {
					yield* delay(500);
					return "inner";
				});
				return `inner gave ${inner}`;
			});
			expect(outer).toBe("inner gave null");
		});
	});
});

describe("whose timeout it is (T1, T3)", () => {
	it("an outer timeout passes through an inner withTimeoutOrNull: the outer one returns null", async () => {
		await t.runBlock(function* () {
			const outer = yield* withTimeoutOrNull(10, function* () {
				try {
					yield* withTimeoutOrNull(1_000, function* () {
						yield* delay(500);
						return "inner";
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(1);
					expect(String(e)).toBe(
						"TimeoutCancellationException: Timed out waiting for 10 ms",
					);
					throw e;
				}
				return "outer";
			});
			expect(outer).toBe(null);
			t.finish(2);
		});
	});

	it("a block that swallows its TimeoutCancellationException still times out: its value is dropped", async () => {
		await t.runBlock(function* () {
			try {
				yield* withTimeout(10, function* () {
					try {
						yield* delay(100);
					} catch (e) {
						t.expect(1);
						expect(e).toBeInstanceOf(TimeoutCancellationException);
					}
					return "swallowed";
				});
				t.expectUnreached();
			} catch (e) {
				t.expect(2);
				expect(String(e)).toBe(
					"TimeoutCancellationException: Timed out waiting for 10 ms",
				);
			}
			const v = yield* withTimeoutOrNull(10, function* () {
				try {
					yield* delay(100);
				} catch {
					t.expect(3);
				}
				return "swallowed";
			});
			expect(v).toBe(null);
			t.finish(4);
		});
	});

	it("a TimeoutCancellationException the block made itself is not withTimeoutOrNull's own: it passes through", async () => {
		await t.runBlock(function* () {
			const own = new TimeoutCancellationException("made by the block");
			try {
				yield* withTimeoutOrNull(1_000, function* () {
					throw own;
				});
				t.expectUnreached();
			} catch (e) {
				t.expect(1);
				expect(e).toBe(own);
			}
			t.finish(2);
		});
	});

	it("in a cancelled caller, the block's first suspension throws the caller's CancellationException, not a timeout", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				for (const run of [
					() =>
						withTimeout(100, function* () {
							yield* delay(10);
						}),
					() =>
						withTimeoutOrNull(100, function* () {
							yield* delay(10);
						}),
				]) {
					try {
						yield* run();
						t.expectUnreached();
					} catch (e) {
						expect(e).toBeInstanceOf(CancellationException);
						expect(e).not.toBeInstanceOf(TimeoutCancellationException);
						expect(String(e)).toBe(
							"JobCancellationException: StandaloneCoroutine was cancelled",
						);
					}
				}
				t.expect(1);
			});
			yield* job.join();
			t.finish(2);
		});
	});
});

describe("the timeout is asynchronous (T4)", () => {
	it("it can fire after the block produced its value, while a child still runs: the value is lost", async () => {
		await t.runBlock(function* () {
			let acquired = 0;
			try {
				yield* withTimeout(10, function* () {
					this.launch(function* () {
						yield* delay(500);
					});
					acquired++;
					return "resource";
				});
				t.expectUnreached();
			} catch (e) {
				t.expect(1);
				expect(e).toBeInstanceOf(TimeoutCancellationException);
			}
			expect(acquired).toBe(1); // produced, but never delivered
			t.finish(2);
		});
	});

	it("a block that completes without suspending returns its value even if its time is already up", async () => {
		await t.runBlock(function* () {
			const v = yield* withTimeout(1, function* () {
				const until = performance.now() + 15;
				while (performance.now() < until) {
					// busy: the timer is due, but cannot fire while this runs
				}
				return "kept";
			});
			expect(v).toBe("kept");
		});
	});
});

describe("delay and timeouts share one clock", () => {
	it("a delay shorter than the timeout completes; a longer one is cut", async () => {
		await t.runBlock(function* () {
			const fast = yield* withTimeoutOrNull(100, function* () {
				yield* delay(1);
				return "fast";
			});
			const slow = yield* withTimeoutOrNull(1, function* () {
				yield* delay(100);
				return "slow";
			});
			expect([fast, slow]).toEqual(["fast", null]);
		});
	});

	it("timers are scoped: cancelling a scope during a delay removes the wait", async () => {
		await t.runBlock(function* () {
			const scope = CoroutineScope(Job());
			const job = scope.launch(function* () {
				yield* delay(60_000);
			});
			yield* yieldNow();
			scope.cancel();
			yield* job.join();
			expect(job.isCancelled).toBe(true);
		});
	});
});

/** A scope on a fresh virtual-time scheduler, driven by hand: a pending timer shows in its clock. */
function manual() {
	const scheduler = new TestCoroutineScheduler();
	const scope = CoroutineScope(
		StandardTestDispatcher(scheduler).plus(SupervisorJob()),
	);
	return { scheduler, scope };
}

describe("the timer is gone when the block ends (T1)", () => {
	it("after a value, a failure, a non-suspending block and withTimeoutOrNull, no timer is left to advance the clock to", () => {
		const { scheduler, scope } = manual();
		const log: string[] = [];
		scope.launch(function* () {
			const v = yield* withTimeout(10_000, function* () {
				yield* delay(10);
				return "value";
			});
			log.push(`${v}@${scheduler.currentTime}`);
			try {
				yield* withTimeout(20_000, function* () {
					yield* delay(5);
					throw new Error("boom");
				});
			} catch (e) {
				log.push(`${(e as Error).message}@${scheduler.currentTime}`);
			}
			const w = yield* withTimeout(30_000, function* () {
				return "sync";
			});
			log.push(`${w}@${scheduler.currentTime}`);
			const x = yield* withTimeoutOrNull(40_000, function* () {
				yield* delay(1);
				return "orNull";
			});
			log.push(`${x}@${scheduler.currentTime}`);
		});
		scheduler.advanceUntilIdle();
		expect(log).toEqual(["value@10", "boom@15", "sync@15", "orNull@16"]);
		// A timer left armed would have moved the clock to 10_000, 20_000, 30_000 or 40_000.
		expect(scheduler.currentTime).toBe(16);
	});

	it("a timed-out block's own delay is gone too: the clock stops at the timeout", () => {
		const { scheduler, scope } = manual();
		const log: string[] = [];
		scope.launch(function* () {
			const v = yield* withTimeoutOrNull(100, function* () {
				yield* delay(50_000);
				return "late";
			});
			log.push(`${v}@${scheduler.currentTime}`);
		});
		scheduler.advanceUntilIdle();
		expect(log).toEqual(["null@100"]);
		expect(scheduler.currentTime).toBe(100);
	});

	it("cancelling a scope during a delay removes its timer", () => {
		const { scheduler, scope } = manual();
		const job = scope.launch(function* () {
			yield* delay(60_000);
		});
		scheduler.runCurrent();
		job.cancel();
		scheduler.advanceUntilIdle();
		expect(job.isCancelled).toBe(true);
		expect(job.isCompleted).toBe(true);
		expect(scheduler.currentTime).toBe(0);
	});
});
