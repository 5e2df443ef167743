import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CoroutineExceptionHandler,
	CoroutineScope,
	CoroutineStart,
	currentCoroutineContext,
	Dispatchers,
	delay,
	EmptyCoroutineContext,
	ensureActive,
	GlobalScope,
	isActive,
	Job,
	JobCancellationException,
	NonCancellable,
	SupervisorJob,
	type Suspend,
	suspendCancellableCoroutine,
	withContext,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { flagsOf, STATE_FLAGS, useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("cancel() takes only a CancellationException (C1)", () => {
	it('the default cause is JobCancellationException("StandaloneCoroutine was cancelled") carrying the job', async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				try {
					t.expect(2);
					yield* awaitCancellation();
				} catch (e) {
					t.expect(4);
					expect(e).toBeInstanceOf(JobCancellationException);
					expect(e).toBeInstanceOf(CancellationException);
					expect(e).toBeInstanceOf(Error);
					expect((e as Error).name).toBe("JobCancellationException");
					expect(String(e)).toBe(
						"JobCancellationException: StandaloneCoroutine was cancelled",
					);
					expect((e as JobCancellationException).job).toBe(job);
					throw e;
				}
			});
			t.expect(1);
			yield* yieldNow();
			t.expect(3);
			job.cancel();
			yield* job.join();
			t.finish(5);
		});
	});

	it("async says DeferredCoroutine, Job() says Job", async () => {
		await t.runBlock(function* () {
			const d = this.async(function* () {
				yield* awaitCancellation();
			});
			d.cancel();
			yield* d.join();
			expect(String(d.getCompletionExceptionOrNull())).toBe(
				"JobCancellationException: DeferredCoroutine was cancelled",
			);
			const j = Job();
			j.cancel();
			expect(String(j.getCancellationException())).toBe(
				"JobCancellationException: Job was cancelled",
			);
			// SupervisorJob() and CompletableDeferred() keep JobSupport's "Job was cancelled"
			// (only coroutines override it with their class name), while toString names the class.
			const s = SupervisorJob();
			s.cancel();
			expect(String(s.getCancellationException())).toBe(
				"JobCancellationException: Job was cancelled",
			);
			const cd = CompletableDeferred<number>();
			expect(String(cd)).toMatch(
				/^CompletableDeferredImpl\{Active\}@[0-9a-f]+$/,
			);
			cd.cancel();
			expect(String(cd.getCancellationException())).toBe(
				"JobCancellationException: Job was cancelled",
			);
			expect(String(cd.getCompletionExceptionOrNull())).toBe(
				"JobCancellationException: Job was cancelled",
			);
		});
	});

	it("a message string becomes a CancellationException with that message", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				yield* awaitCancellation();
			});
			job.cancel("user left");
			yield* job.join();
			const ce = job.getCancellationException();
			expect(ce).toBeInstanceOf(CancellationException);
			expect(ce.message).toBe("user left");
			// Kotlin's cancel(message) is cancel(CancellationException(message)): not a JobCancellationException.
			expect(ce).not.toBeInstanceOf(JobCancellationException);
			expect(String(ce)).toBe("CancellationException: user left");
			const scope = CoroutineScope(Job());
			scope.cancel("scope closed");
			expect(
				String(scope.coroutineContext.get(Job.Key)?.getCancellationException()),
			).toBe("CancellationException: scope closed");
		});
	});

	it("cancel() never fails the parent, even with a cause given", async () => {
		await t.runBlock(function* () {
			const self = currentCoroutineContext().get(Job.Key)!;
			const a = this.launch(function* () {
				yield* awaitCancellation();
			});
			const b = this.async(function* () {
				yield* awaitCancellation();
			});
			yield* yieldNow();
			a.cancel(new CancellationException("x"));
			b.cancel();
			yield* a.join();
			yield* b.join();
			expect(flagsOf(self)).toEqual(STATE_FLAGS.Active);
		});
	});
});

describe("cancellation is cooperative (C2)", () => {
	it("running code goes on after cancel(); isActive() turns false; the next suspension point throws", async () => {
		await t.runBlock(
			function* () {
				const self = currentCoroutineContext().get(Job.Key)!;
				t.expect(1);
				self.cancel();
				t.expect(2);
				expect(isActive()).toBe(false);
				expect(this.isActive).toBe(false);
				let steps = 0;
				for (let i = 0; i < 1000; i++) steps++;
				expect(steps).toBe(1000);
				try {
					yield* delay(10);
					t.expectUnreached();
				} catch (e) {
					t.expect(3);
					expect(e).toBe(self.getCancellationException());
				}
				t.finish(4);
			},
			{ expected: (e) => e instanceof CancellationException },
		);
	});

	it("a suspended suspendCancellableCoroutine is resumed with the CancellationException and its handler runs", async () => {
		await t.runBlock(function* () {
			const causes: (Error | null)[] = [];
			const job = this.launch(function* () {
				try {
					yield* suspendCancellableCoroutine<number>((cont) => {
						t.expect(2);
						cont.invokeOnCancellation((c) => {
							t.expect(4);
							causes.push(c);
						});
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(5);
					t.expectSame(causes, [e]);
					throw e;
				}
			});
			t.expect(1);
			yield* yieldNow();
			t.expect(3);
			job.cancel();
			yield* job.join();
			t.finish(6);
		});
	});
});

describe("which CancellationException is thrown (C3)", () => {
	it("the cancel cause itself, identical at every suspension point", async () => {
		await t.runBlock(function* () {
			const cause = new CancellationException("mine");
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} catch (e) {
					t.expect(2);
					expect(e).toBe(cause);
				}
				try {
					yield* yieldNow();
				} catch (e) {
					t.expect(3);
					expect(e).toBe(cause);
				}
				try {
					ensureActive();
				} catch (e) {
					t.expect(4);
					expect(e).toBe(cause);
				}
				expect(job.getCancellationException()).toBe(cause);
			});
			yield* yieldNow();
			t.expect(1);
			job.cancel(cause);
			yield* job.join();
			t.finish(5);
		});
	});

	it('a failing job\'s getCancellationException() is "<Class> is cancelling" caused by the failure, then "<Class> was cancelled"', async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				const scope = CoroutineScope(
					SupervisorJob().plus(CoroutineExceptionHandler(() => {})),
				);
				const job = scope.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						yield* withContext(NonCancellable, function* () {
							yield* yieldNow();
						});
					}
				});
				yield* yieldNow();
				const child = CoroutineScope(job).launch(function* () {
					throw boom;
				});
				yield* child.join();
				const cancelling = job.getCancellationException();
				expect(job.isCompleted).toBe(false);
				expect(String(cancelling)).toBe(
					"JobCancellationException: StandaloneCoroutine is cancelling",
				);
				expect(cancelling.cause).toBe(boom);
				yield* job.join();
				const cancelled = job.getCancellationException();
				expect(String(cancelled)).toBe(
					"JobCancellationException: StandaloneCoroutine was cancelled",
				);
				expect(cancelled.cause).toBe(boom);
			},
			{ realTime: true },
		);
	});

	it("await() on a failing Deferred throws its own failure, not a JobCancellationException", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				const d = this.async(function* () {
					yield* yieldNow();
					throw boom;
				});
				try {
					yield* d.await();
					t.expectUnreached();
				} catch (e) {
					t.expect(1);
					expect(e).toBe(boom);
				}
			},
			{ expected: (e) => e === boom },
		);
		t.finish(2);
	});
});

describe("prompt cancellation (C4)", () => {
	it("a value that arrived but was not delivered yet is dropped: the call throws", async () => {
		await t.runBlock(function* () {
			let cont:
				| { resume(v: number): void; readonly isActive: boolean }
				| undefined;
			const job = this.launch(function* () {
				try {
					yield* suspendCancellableCoroutine<number>((c) => {
						cont = c;
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* yieldNow();
			t.expect(1);
			cont?.resume(42);
			expect(cont?.isActive).toBe(false);
			job.cancel();
			yield* job.join();
			t.finish(3);
		});
	});

	it("a resume with an exception that came first wins over the cancellation", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			let cont: { resumeWithException(e: Error): void } | undefined;
			const job = this.launch(function* () {
				try {
					yield* suspendCancellableCoroutine<number>((c) => {
						cont = c;
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(2);
					expect(e).toBe(boom);
				}
			});
			yield* yieldNow();
			t.expect(1);
			cont?.resumeWithException(boom);
			job.cancel();
			yield* job.join();
			expect(job.isCancelled).toBe(true);
			t.finish(3);
		});
	});

	it("a continuation resumed inside its body in a cancelled coroutine still throws", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				try {
					yield* suspendCancellableCoroutine<number>((c) => c.resume(1));
					t.expectUnreached();
				} catch (e) {
					t.expect(1);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* job.join();
			t.finish(2);
		});
	});

	it("the resume after join of a completed job is cancellable too", async () => {
		await t.runBlock(function* () {
			const target = CompletableDeferred<void>();
			const waiter = this.launch(function* () {
				try {
					yield* target.join();
					t.expectUnreached();
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* yieldNow();
			t.expect(1);
			target.complete(); // the waiter's resumption is queued...
			waiter.cancel(); // ...and cancelled before it runs
			yield* waiter.join();
			t.finish(3);
		});
	});
});

describe("cancelled before it started (C5)", () => {
	it("a DEFAULT-started coroutine cancelled before its first dispatch never runs its body and ends Cancelled", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				t.expectUnreached();
			});
			job.cancel();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelling);
			yield* job.join();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			const d = this.async(function* () {
				return t.expectUnreached();
			});
			d.cancel();
			yield* d.join();
			expect(d.isCancelled).toBe(true);
		});
	});
});

describe("a body that throws a CancellationException ends Cancelled (C6)", () => {
	it("without notifying the parent or any handler, even when nobody cancelled it", async () => {
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const self = currentCoroutineContext().get(Job.Key)!;
			const cancelledDeferred = this.async(function* () {
				return 1;
			});
			cancelledDeferred.cancel();
			const job = this.launch(
				CoroutineExceptionHandler((_, e) => handled.push(e)),
				function* () {
					yield* cancelledDeferred.await(); // throws its CancellationException
				},
			);
			yield* job.join();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			const direct = GlobalScope.launch(
				CoroutineExceptionHandler((_, e) => handled.push(e)),
				function* () {
					throw new CancellationException("quietly");
				},
			);
			yield* direct.join();
			expect(direct.isCancelled).toBe(true);
			expect(self.isActive).toBe(true);
		});
		expect(handled).toHaveLength(0);
	});
});

describe("ensureActive() and isActive (C7)", () => {
	it("ensureActive() throws getCancellationException() in Cancelling, Cancelled and Completed", async () => {
		await t.runBlock(function* () {
			const job = Job();
			job.ensureActive();
			job.complete();
			expect(() => job.ensureActive()).toThrow(JobCancellationException);
			expect(() => job.ensureActive()).toThrow(
				"JobImpl has completed normally",
			);
			const cancelled = Job();
			const ce = new CancellationException("x");
			cancelled.cancel(ce);
			expect(() => cancelled.ensureActive()).toThrow(ce);
			const launched = this.launch(function* () {
				yield* awaitCancellation();
			});
			yield* yieldNow();
			launched.cancel(ce);
			expect(launched.isCompleted).toBe(false);
			try {
				launched.ensureActive();
				t.expectUnreached();
			} catch (e) {
				expect(e).toBe(ce);
			}
			const done = this.launch(function* () {});
			yield* done.join();
			expect(() => done.ensureActive()).toThrow(
				"StandaloneCoroutine has completed normally",
			);
		});
	});

	it("a scope without a Job is always active, and its ensureActive() does nothing", () => {
		expect(GlobalScope.isActive).toBe(true);
		GlobalScope.ensureActive();
		const scope = CoroutineScope(Job());
		expect(scope.isActive).toBe(true);
		scope.cancel();
		expect(scope.isActive).toBe(false);
		expect(() => scope.ensureActive()).toThrow(CancellationException);
	});

	it("isActive() inside a coroutine follows its job", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				expect(isActive()).toBe(true);
				yield* withContext(NonCancellable, function* () {
					yield* yieldNow();
				});
				t.expect(2);
				expect(isActive()).toBe(false);
				expect(this.isActive).toBe(false);
			});
			yield* yieldNow();
			t.expect(1);
			job.cancel();
			yield* job.join();
			t.finish(3);
		});
	});
});

describe("suspending in a cancelled coroutine (C8)", () => {
	it("throws at every cancellable suspension, but delay(<=0) and await of a completed Deferred still succeed", async () => {
		await t.runBlock(function* () {
			const completed = CompletableDeferred<string>();
			completed.complete("value");
			const doneJob = Job();
			doneJob.complete();
			const job = this.launch(function* () {
				try {
					t.expect(2);
					yield* awaitCancellation();
				} finally {
					t.expect(4);
					yield* delay(0);
					yield* delay(-10);
					expect(yield* completed.await()).toBe("value");
					const attempts: [string, () => Suspend<unknown>][] = [
						["delay(1)", () => delay(1)],
						["yieldNow()", () => yieldNow()],
						["join() of a completed job", () => doneJob.join()],
						["awaitCancellation()", () => awaitCancellation()],
						[
							"suspendCancellableCoroutine",
							() => suspendCancellableCoroutine<void>((c) => c.resume()),
						],
					];
					const threw: string[] = [];
					for (const [name, make] of attempts) {
						try {
							yield* make();
						} catch (e) {
							if (e instanceof CancellationException) threw.push(name);
						}
					}
					expect(threw).toEqual(attempts.map(([n]) => n));
					t.expect(5);
				}
			});
			t.expect(1);
			yield* yieldNow();
			t.expect(3);
			job.cancel();
			yield* job.join();
			t.finish(6);
		});
	});

	it("withContext(NonCancellable) lets cleanup suspend (guide cancel-05)", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} finally {
					yield* withContext(NonCancellable, function* () {
						t.expect(2);
						yield* delay(1);
						yield* yieldNow();
						t.expect(3);
					});
				}
			});
			yield* yieldNow();
			t.expect(1);
			yield* job.cancelAndJoin();
			t.finish(4);
		});
	});

	it("a failure thrown from finally turns the cancellation into a failure", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(
			function* () {
				const scope = CoroutineScope(
					SupervisorJob().plus(
						CoroutineExceptionHandler((_, e) => handled.push(e)),
					),
				);
				const job = scope.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						// biome-ignore lint/correctness/noUnsafeFinally: the rule under test
						throw boom;
					}
				});
				const causes: (Error | null)[] = [];
				job.invokeOnCompletion((c) => causes.push(c));
				yield* yieldNow();
				job.cancel();
				yield* job.join();
				t.expectSame(causes, [boom]);
				t.expectSame(handled, [boom]);
				expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			},
			{ realTime: true },
		);
	});
});

describe("join() (C9)", () => {
	it("never throws because of the joined job's outcome", async () => {
		await t.runBlock(function* () {
			const scope = CoroutineScope(
				SupervisorJob().plus(CoroutineExceptionHandler(() => {})),
			);
			const failed = scope.launch(function* () {
				throw new Error("boom");
			});
			yield* failed.join();
			const cancelled = scope.launch(function* () {
				yield* awaitCancellation();
			});
			cancelled.cancel();
			yield* cancelled.join();
			const d = scope.async(function* () {
				throw new Error("kept");
			});
			yield* d.join();
			expect(d.isCancelled).toBe(true);
		});
	});

	it("throws a CancellationException when the caller is cancelled, even if the job is already complete", async () => {
		await t.runBlock(function* () {
			const done = Job();
			done.complete();
			const caller = this.launch(function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				try {
					yield* done.join();
					t.expectUnreached();
				} catch (e) {
					t.expect(1);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* caller.join();
			t.finish(2);
		});
	});

	it("throws when the caller is cancelled while it waits, leaving the target running", async () => {
		await t.runBlock(function* () {
			const target = this.launch(function* () {
				yield* awaitCancellation();
			});
			const caller = this.launch(function* () {
				try {
					yield* target.join();
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* yieldNow();
			t.expect(1);
			caller.cancel();
			yield* caller.join();
			expect(target.isActive).toBe(true);
			target.cancel();
			t.finish(3);
		});
	});
});

describe("await() (C10)", () => {
	it("returns the value, or rethrows the failure or the CancellationException of the Deferred, each time", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			const scope = CoroutineScope(SupervisorJob());
			const ok = scope.async(function* () {
				yield* yieldNow();
				return 42;
			});
			expect(yield* ok.await()).toBe(42);
			expect(yield* ok.await()).toBe(42);
			const failed = scope.async(function* () {
				throw boom;
			});
			for (let i = 0; i < 2; i++) {
				try {
					yield* failed.await();
					t.expectUnreached();
				} catch (e) {
					expect(e).toBe(boom);
				}
			}
			const ce = new CancellationException("gone");
			const cancelled = scope.async(function* () {
				yield* awaitCancellation();
			});
			cancelled.cancel(ce);
			try {
				yield* cancelled.await();
				t.expectUnreached();
			} catch (e) {
				expect(e).toBe(ce);
			}
		});
	});

	it("throws a CancellationException when the caller is cancelled while waiting", async () => {
		await t.runBlock(function* () {
			const never = CompletableDeferred<number>();
			const caller = this.launch(function* () {
				try {
					yield* never.await();
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(JobCancellationException);
					throw e;
				}
			});
			yield* yieldNow();
			t.expect(1);
			caller.cancel();
			yield* caller.join();
			expect(never.isActive).toBe(true);
			t.finish(3);
		});
	});

	it("an already completed Deferred answers at once, even to a cancelled caller", async () => {
		await t.runBlock(function* () {
			const ready = CompletableDeferred<string>();
			ready.complete("ready");
			const caller = this.launch(function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				expect(yield* ready.await()).toBe("ready");
				t.expect(1);
			});
			yield* caller.join();
			t.finish(2);
		});
	});
});

describe("cancelAndJoin() (C11)", () => {
	it("returns after the target's finally blocks and children are done", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				this.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						yield* withContext(NonCancellable, function* () {
							yield* delay(5);
							t.expect(3);
						});
					}
				});
				try {
					yield* awaitCancellation();
				} finally {
					t.expect(2);
				}
			});
			yield* yieldNow();
			yield* yieldNow();
			t.expect(1);
			yield* job.cancelAndJoin();
			t.expect(4);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			t.finish(5);
		});
	});

	it("throws when the target's failure cancelled the caller", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				const child = this.launch(function* () {
					try {
						t.expect(2);
						yield* awaitCancellation();
					} finally {
						t.expect(4);
						// biome-ignore lint/correctness/noUnsafeFinally: the rule under test
						throw boom;
					}
				});
				t.expect(1);
				yield* yieldNow();
				t.expect(3);
				try {
					yield* child.cancelAndJoin();
					t.expectUnreached();
				} catch (e) {
					t.expect(5);
					expect(e).toBeInstanceOf(CancellationException);
					expect((e as Error).cause).toBe(boom);
					throw e;
				}
			},
			{ expected: (e) => e === boom },
		);
		t.finish(6);
	});
});

describe("yield (C12)", () => {
	it("throws when the coroutine is cancelled, even when nothing else is queued", async () => {
		await t.runBlock(function* () {
			const job = this.launch(Dispatchers.Unconfined, function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				try {
					yield* yieldNow();
					t.expectUnreached();
				} catch (e) {
					t.expect(1);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* job.join();
			t.finish(2);
		});
	});

	it("on Dispatchers.Default with nothing else queued (where it goes on in place), it still checks cancellation first", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				t.expect(2);
				yield* yieldNow(); // alone in the queue: goes on in place
				t.expect(3);
				currentCoroutineContext().get(Job.Key)?.cancel();
				try {
					yield* yieldNow();
					t.expectUnreached();
				} catch (e) {
					t.expect(4);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			t.expect(1);
			yield* job.join();
			t.finish(5);
		});
	});

	it("a coroutine looping on yield alone is cancelled from a timer at its next yield", async () => {
		await t.runBlock(
			function* () {
				const looper = this.launch(function* () {
					try {
						for (;;) yield* yieldNow();
					} catch (e) {
						t.expect(2);
						expect(e).toBeInstanceOf(CancellationException);
						throw e;
					}
				});
				this.launch(function* () {
					yield* delay(5); // a timer must get its turn between the yields
					t.expect(1);
					looper.cancel();
				});
				yield* looper.join();
				expect(looper.isCancelled).toBe(true);
				t.finish(3);
			},
			{ realTime: true },
		);
	});

	it("puts the coroutine at the tail of the queue: round-robin", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				t.expect(2);
				yield* yieldNow();
				t.expect(5);
				yield* yieldNow();
				t.expect(8);
			});
			this.launch(function* () {
				t.expect(3);
				yield* yieldNow();
				t.expect(6);
				yield* yieldNow();
				t.expect(9);
			});
			t.expect(1);
			yield* yieldNow();
			t.expect(4);
			yield* yieldNow();
			t.expect(7);
			yield* yieldNow();
			t.finish(10);
		});
	});

	it("with Unconfined, returns at once when the unconfined event loop has nothing queued", async () => {
		await t.runBlock(function* () {
			const job = this.launch(Dispatchers.Unconfined, function* () {
				t.expect(1);
				yield* yieldNow(); // nothing queued in the unconfined loop: no suspension
				t.expect(2);
			});
			t.expect(3);
			expect(job.isCompleted).toBe(true);
			t.finish(4);
		});
	});

	it("the resumption after a yield is cancellable (prompt)", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				t.expect(1);
				try {
					yield* yieldNow(); // queued behind the parent, which cancels it
					t.expectUnreached();
				} catch (e) {
					t.expect(3);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* yieldNow();
			t.expect(2);
			job.cancel();
			yield* job.join();
			t.finish(4);
		});
	});
});

describe("delay (C13)", () => {
	it("delay(<=0) returns at once without suspending and without a cancellation check", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				t.expect(3);
			});
			t.expect(1);
			yield* delay(0);
			yield* delay(-1);
			yield* delay(Number.NEGATIVE_INFINITY);
			t.expect(2);
			yield* yieldNow();
			t.finish(4);
		});
	});

	it("delay(Infinity) suspends until cancelled, like awaitCancellation()", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				try {
					yield* delay(Number.POSITIVE_INFINITY);
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* delay(20);
			t.expect(1);
			expect(job.isActive).toBe(true);
			job.cancel();
			yield* job.join();
			t.finish(3);
		});
	});

	it("the wait is cancellable: a cancelled delay throws at once, long before its time", async () => {
		await t.runBlock(function* () {
			const started = performance.now();
			const job = this.launch(function* () {
				yield* delay(60_000);
			});
			yield* yieldNow();
			job.cancel();
			yield* job.join();
			expect(job.isCancelled).toBe(true);
			expect(performance.now() - started).toBeLessThan(30_000);
		});
	});

	it("timers fire in deadline order, not in the order the delays started (L2)", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				yield* delay(60);
				t.expect(3);
			});
			this.launch(function* () {
				yield* delay(1);
				t.expect(2);
			});
			t.expect(1);
			yield* delay(120);
			t.finish(4);
		});
	});
});

describe("launch on a cancelled or completed scope", () => {
	it("makes a child that is cancelled at once and never runs its body", async () => {
		await t.runBlock(function* () {
			const scope = CoroutineScope(Job());
			scope.cancel();
			const a = scope.launch(function* () {
				t.expectUnreached();
			});
			expect(a.isCancelled).toBe(true);
			const completedJob = Job();
			completedJob.complete();
			const b = CoroutineScope(completedJob).launch(
				EmptyCoroutineContext,
				CoroutineStart.DEFAULT,
				function* () {
					t.expectUnreached();
				},
			);
			expect(b.isCancelled).toBe(true);
			yield* a.join();
			yield* b.join();
			expect(flagsOf(a)).toEqual(STATE_FLAGS.Cancelled);
			expect(flagsOf(b)).toEqual(STATE_FLAGS.Cancelled);
		});
	});
});
