import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CoroutineExceptionHandler,
	CoroutineName,
	CoroutineScope,
	CoroutineStart,
	currentCoroutineContext,
	EmptyCoroutineContext,
	Job,
	NonCancellable,
	SupervisorJob,
	withContext,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import {
	flagsOf,
	jobStringPattern,
	STATE_FLAGS,
	useTestBase,
} from "../support/test-base.js";

const t = useTestBase();

describe("job states (S1, S2, S3, S4)", () => {
	it("a lazy launch walks New -> Active -> Completing -> Completed with the flags of S1's table", async () => {
		await t.runBlock(function* () {
			const childGate = CompletableDeferred<void>();
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.LAZY,
				function* () {
					t.expect(3);
					this.launch(function* () {
						t.expect(5);
						yield* childGate.await();
						t.expect(7);
					});
				},
			);
			t.expect(1);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.New);
			expect(String(job)).toMatch(
				jobStringPattern("LazyStandaloneCoroutine", "New"),
			);
			// S3: start() moves New to Active exactly once.
			expect(job.start()).toBe(true);
			expect(job.start()).toBe(false);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Active);
			expect(String(job)).toMatch(
				jobStringPattern("LazyStandaloneCoroutine", "Active"),
			);
			t.expect(2);
			yield* yieldNow(); // the body runs, launches its child and returns
			t.expect(4);
			// S4: body done, child unfinished: Completing, which looks Active from outside.
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Completing);
			expect(String(job)).toMatch(
				jobStringPattern("LazyStandaloneCoroutine", "Completing"),
			);
			yield* yieldNow(); // the child runs and suspends
			t.expect(6);
			childGate.complete();
			expect(job.isCompleted).toBe(false);
			yield* job.join();
			t.expect(8);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Completed);
			expect(String(job)).toMatch(
				jobStringPattern("LazyStandaloneCoroutine", "Completed"),
			);
			t.finish(9);
		});
	});

	it("every builder creates its job Active; only LAZY creates it New (S2)", async () => {
		await t.runBlock(function* () {
			const launched = this.launch(function* () {});
			const deferred = this.async(function* () {
				return 1;
			});
			const lazyLaunch = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.LAZY,
				function* () {},
			);
			const lazyAsync = this.async(
				EmptyCoroutineContext,
				CoroutineStart.LAZY,
				function* () {
					return 2;
				},
			);
			expect(flagsOf(launched)).toEqual(STATE_FLAGS.Active);
			expect(flagsOf(deferred)).toEqual(STATE_FLAGS.Active);
			expect(flagsOf(Job())).toEqual(STATE_FLAGS.Active);
			expect(flagsOf(SupervisorJob())).toEqual(STATE_FLAGS.Active);
			expect(flagsOf(CompletableDeferred<number>())).toEqual(
				STATE_FLAGS.Active,
			);
			expect(flagsOf(lazyLaunch)).toEqual(STATE_FLAGS.New);
			expect(flagsOf(lazyAsync)).toEqual(STATE_FLAGS.New);
			expect(String(lazyAsync)).toMatch(
				jobStringPattern("LazyDeferredCoroutine", "New"),
			);
			lazyLaunch.start();
			expect(yield* lazyAsync.await()).toBe(2);
		});
	});

	it("join, await and a child's attachment all start a New job (S3, P1)", async () => {
		await t.runBlock(function* () {
			const lazy = () =>
				this.async(EmptyCoroutineContext, CoroutineStart.LAZY, function* () {
					return "ran";
				});
			const joined = lazy();
			yield* joined.join();
			expect(joined.getCompleted()).toBe("ran");
			const awaited = lazy();
			expect(yield* awaited.await()).toBe("ran");
			const parent = lazy();
			// P1: attaching a child to a New parent starts the parent first.
			this.launch(parent, function* () {});
			expect(parent.isActive).toBe(true);
			expect(parent.start()).toBe(false);
			yield* parent.join();
			expect(parent.getCompleted()).toBe("ran");
		});
	});

	it("a job without children and without cancellation goes straight to Completed (S4)", async () => {
		await t.runBlock(function* () {
			const job = Job();
			expect(job.complete()).toBe(true);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Completed);
			const d = CompletableDeferred<number>();
			expect(d.complete(7)).toBe(true);
			expect(flagsOf(d)).toEqual(STATE_FLAGS.Completed);
			expect(d.getCompleted()).toBe(7);
		});
	});
});

describe("Cancelling and Cancelled (S5, S6, S7)", () => {
	it("cancel() moves a running job to Cancelling at once; Cancelled once its body ended (S5)", async () => {
		await t.runBlock(function* () {
			const release = CompletableDeferred<void>();
			const job = this.launch(function* () {
				try {
					t.expect(2);
					yield* awaitCancellation();
				} finally {
					t.expect(4);
					expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelling);
					yield* withContext(NonCancellable, function* () {
						yield* release.await();
					});
					t.expect(6);
				}
			});
			t.expect(1);
			yield* yieldNow();
			t.expect(3);
			job.cancel();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelling);
			expect(String(job)).toMatch(
				jobStringPattern("StandaloneCoroutine", "Cancelling"),
			);
			yield* yieldNow(); // the body runs its finally and waits for `release`
			t.expect(5);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelling);
			release.complete();
			yield* job.join();
			t.expect(7);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			expect(String(job)).toMatch(
				jobStringPattern("StandaloneCoroutine", "Cancelled"),
			);
			t.finish(8);
		});
	});

	it("a Completing job can still be cancelled: it becomes Cancelling and cancels its children (S5)", async () => {
		await t.runBlock(function* () {
			let child: Job | undefined;
			const job = this.launch(function* () {
				child = this.launch(function* () {
					try {
						t.expect(2);
						yield* awaitCancellation();
					} finally {
						t.expect(5);
					}
				});
			});
			t.expect(1);
			yield* yieldNow(); // job's body launches its child and returns
			yield* yieldNow(); // the child suspends
			t.expect(3);
			expect(String(job)).toMatch(
				jobStringPattern("StandaloneCoroutine", "Completing"),
			);
			job.cancel();
			t.expect(4);
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelling);
			expect(child?.isCancelled).toBe(true);
			yield* job.join();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			t.finish(6);
		});
	});

	it("cancelling a New job makes it Cancelled at once; its body never runs and start() returns false (S6)", async () => {
		await t.runBlock(function* () {
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.LAZY,
				function* () {
					t.expectUnreached();
				},
			);
			t.expect(1);
			job.cancel();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			expect(String(job)).toMatch(
				jobStringPattern("LazyStandaloneCoroutine", "Cancelled"),
			);
			expect(job.start()).toBe(false);
			yield* job.join();
			yield* yieldNow();
			t.finish(2);
		});
	});

	it("a failed job is Cancelled too: its final state holds an exception (S7)", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			const scope = CoroutineScope(
				SupervisorJob().plus(CoroutineExceptionHandler(() => {})),
			);
			const failed = scope.launch(function* () {
				throw boom;
			});
			yield* failed.join();
			expect(flagsOf(failed)).toEqual(STATE_FLAGS.Cancelled);
			const d = CompletableDeferred<number>();
			d.completeExceptionally(boom);
			expect(flagsOf(d)).toEqual(STATE_FLAGS.Cancelled);
			expect(d.getCompletionExceptionOrNull()).toBe(boom);
			const j = Job();
			j.completeExceptionally(boom);
			expect(flagsOf(j)).toEqual(STATE_FLAGS.Cancelled);
		});
	});
});

describe("calls after the end (S8) and jobs without a body (S9)", () => {
	it("cancel() on a completed job does nothing (S8)", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {});
			yield* job.join();
			const causes: (Error | null)[] = [];
			job.invokeOnCompletion((c) => causes.push(c));
			job.cancel();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Completed);
			t.expectSame(causes, [null]);
			const j = Job();
			j.complete();
			j.cancel(new CancellationException("late"));
			expect(flagsOf(j)).toEqual(STATE_FLAGS.Completed);
		});
	});

	it("complete() and completeExceptionally() return false once the job is completing or complete (S8)", () => {
		const parent = Job();
		const child = Job(parent);
		expect(parent.complete()).toBe(true);
		// Completing: waits for its child, refuses a second completion of either kind.
		expect(flagsOf(parent)).toEqual(STATE_FLAGS.Completing);
		expect(String(parent)).toMatch(jobStringPattern("JobImpl", "Completing"));
		expect(parent.complete()).toBe(false);
		expect(parent.completeExceptionally(new Error("late"))).toBe(false);
		expect(child.complete()).toBe(true);
		expect(flagsOf(parent)).toEqual(STATE_FLAGS.Completed);
		expect(parent.complete()).toBe(false);
		const d = CompletableDeferred<string>();
		expect(d.complete("a")).toBe(true);
		expect(d.complete("b")).toBe(false);
		expect(d.completeExceptionally(new Error("late"))).toBe(false);
		expect(d.getCompleted()).toBe("a");
	});

	it("cancel() on a Job() with no children makes it Cancelled at once (S9)", () => {
		const job = Job();
		job.cancel();
		expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
		expect(String(job)).toMatch(jobStringPattern("JobImpl", "Cancelled"));
	});

	it("a cancelled Job() stays Cancelling until its children are done, then is Cancelled (S9)", async () => {
		await t.runBlock(
			function* () {
				const job = Job();
				const child = CoroutineScope(job).launch(function* () {
					try {
						t.expect(2);
						yield* awaitCancellation();
					} finally {
						t.expect(4);
					}
				});
				t.expect(1);
				yield* yieldNow();
				t.expect(3);
				job.cancel();
				expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelling);
				expect(String(job)).toMatch(jobStringPattern("JobImpl", "Cancelling"));
				yield* child.join();
				t.expect(5);
				expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
				t.finish(6);
			},
			{ realTime: true },
		);
	});
});

describe("toString (S10)", () => {
	it("prints <Class>{<State>}@<hex> for each kind of job, with a stable id", async () => {
		await t.runBlock(function* () {
			const launched = this.launch(function* () {});
			const deferred = this.async(function* () {
				return 1;
			});
			expect(String(launched)).toMatch(
				jobStringPattern("StandaloneCoroutine", "Active"),
			);
			expect(String(launched)).toBe(String(launched));
			expect(String(deferred)).toMatch(
				jobStringPattern("DeferredCoroutine", "Active"),
			);
			expect(String(Job())).toMatch(jobStringPattern("JobImpl", "Active"));
			expect(String(currentCoroutineContext().get(Job.Key))).toMatch(
				jobStringPattern("BlockingCoroutine", "Active"),
			);
			const a = String(Job());
			const b = String(Job());
			expect(a.split("@")[1]).not.toBe(b.split("@")[1]);
		});
	});

	it("the state word follows the job through all six states; LAZY builders are Lazy* classes", async () => {
		await t.runBlock(function* () {
			const gate = CompletableDeferred<void>();
			const job = this.launch(
				EmptyCoroutineContext,
				CoroutineStart.LAZY,
				function* () {
					this.launch(function* () {
						yield* gate.await();
					});
				},
			);
			const seen = [String(job)];
			job.start();
			seen.push(String(job));
			yield* yieldNow(); // the body ran and returned; its child waits on the gate
			seen.push(String(job));
			gate.complete();
			yield* job.join();
			seen.push(String(job));
			const cancelled = this.launch(function* () {
				yield* awaitCancellation();
			});
			yield* yieldNow();
			cancelled.cancel();
			seen.push(String(cancelled));
			yield* cancelled.join();
			seen.push(String(cancelled));
			const [n, a, cg, cd, cl, cc] = seen;
			expect(n).toMatch(jobStringPattern("LazyStandaloneCoroutine", "New"));
			expect(a).toMatch(jobStringPattern("LazyStandaloneCoroutine", "Active"));
			expect(cg).toMatch(
				jobStringPattern("LazyStandaloneCoroutine", "Completing"),
			);
			expect(cd).toMatch(
				jobStringPattern("LazyStandaloneCoroutine", "Completed"),
			);
			expect(cl).toMatch(jobStringPattern("StandaloneCoroutine", "Cancelling"));
			expect(cc).toMatch(jobStringPattern("StandaloneCoroutine", "Cancelled"));
			const lazyAsync = this.async(
				EmptyCoroutineContext,
				CoroutineStart.LAZY,
				function* () {
					return 1;
				},
			);
			expect(String(lazyAsync)).toMatch(
				jobStringPattern("LazyDeferredCoroutine", "New"),
			);
			lazyAsync.cancel();
		});
	});

	it('is prefixed with "<name>": when the job has a CoroutineName', async () => {
		await t.runBlock(function* () {
			const job = this.launch(CoroutineName("worker"), function* () {
				yield* awaitCancellation();
			});
			expect(String(job)).toMatch(
				jobStringPattern("StandaloneCoroutine", "Active", "worker"),
			);
			job.cancel();
			expect(String(job)).toMatch(
				jobStringPattern("StandaloneCoroutine", "Cancelling", "worker"),
			);
			yield* job.join();
			expect(String(job)).toMatch(
				jobStringPattern("StandaloneCoroutine", "Cancelled", "worker"),
			);
			const named = this.async(CoroutineName("calc"), function* () {
				return 1;
			});
			expect(String(named)).toMatch(
				jobStringPattern("DeferredCoroutine", "Active", "calc"),
			);
			yield* named.await();
		});
	});
});
