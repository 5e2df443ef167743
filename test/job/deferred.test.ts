import {
	awaitAll,
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CoroutineScope,
	currentCoroutineContext,
	IllegalStateException,
	Job,
	JobCancellationException,
	joinAll,
	SupervisorJob,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { flagsOf, STATE_FLAGS, useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("Deferred (C10, E7)", () => {
	it("getCompleted() and getCompletionExceptionOrNull() throw IllegalStateException until the deferred is complete", async () => {
		await t.runBlock(function* () {
			const d = this.async(function* () {
				t.expect(2);
				yield* yieldNow();
				t.expect(4);
				return 42;
			});
			t.expect(1);
			expect(() => d.getCompleted()).toThrow(IllegalStateException);
			expect(() => d.getCompleted()).toThrow(/not completed yet/);
			expect(() => d.getCompletionExceptionOrNull()).toThrow(
				IllegalStateException,
			);
			yield* yieldNow();
			t.expect(3);
			expect(() => d.getCompleted()).toThrow(IllegalStateException);
			yield* d.join();
			t.expect(5);
			expect(d.getCompleted()).toBe(42);
			expect(d.getCompletionExceptionOrNull()).toBe(null);
			t.finish(6);
		});
	});

	it("getCompleted() rethrows the failure or the CancellationException, by identity, every time", () => {
		const failed = CompletableDeferred<number>();
		const boom = new Error("boom");
		failed.completeExceptionally(boom);
		for (let i = 0; i < 2; i++) {
			expect(() => failed.getCompleted()).toThrow(boom);
			expect(failed.getCompletionExceptionOrNull()).toBe(boom);
		}
		const cancelled = CompletableDeferred<number>();
		const ce = new CancellationException("stop");
		cancelled.cancel(ce);
		expect(() => cancelled.getCompleted()).toThrow(ce);
		expect(cancelled.getCompletionExceptionOrNull()).toBe(ce);
		expect(flagsOf(cancelled)).toEqual(STATE_FLAGS.Cancelled);
	});

	it("asPromise() is one promise, settled with the value or the failure", async () => {
		const ok = CompletableDeferred<string>();
		const p = ok.asPromise();
		expect(ok.asPromise()).toBe(p);
		ok.complete("v");
		await expect(p).resolves.toBe("v");
		const bad = CompletableDeferred<string>();
		const boom = new Error("boom");
		bad.completeExceptionally(boom);
		await expect(bad.asPromise()).rejects.toBe(boom);
		const cancelled = CompletableDeferred<string>();
		cancelled.cancel();
		await expect(cancelled.asPromise()).rejects.toBeInstanceOf(
			JobCancellationException,
		);
	});

	it("awaitAll() and joinAll() of nothing return at once", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				t.expect(2);
			});
			t.expect(1);
			const none = yield* awaitAll();
			expect(none).toEqual([]);
			yield* joinAll();
			yield* yieldNow();
			t.finish(3);
		});
	});
});

describe("Job(parent) and SupervisorJob(parent) (P1)", () => {
	it("are children of the parent, which waits for them; cancelling the parent cancels them", async () => {
		await t.runBlock(
			function* () {
				const self = currentCoroutineContext().get(Job.Key)!;
				const plain = Job(self);
				const supervisor = SupervisorJob(self);
				t.expectSame(self.children, [plain, supervisor]);
				expect(plain.parent).toBe(self);
				expect(supervisor.parent).toBe(self);
				const inner = CoroutineScope(supervisor).launch(function* () {
					try {
						t.expect(1);
						yield* awaitCancellation();
					} finally {
						t.expect(3);
					}
				});
				yield* yieldNow();
				t.expect(2);
				const root = Job();
				const a = Job(root);
				const b = SupervisorJob(root);
				root.cancel();
				expect(flagsOf(a)).toEqual(STATE_FLAGS.Cancelled);
				expect(flagsOf(b)).toEqual(STATE_FLAGS.Cancelled);
				expect(flagsOf(root)).toEqual(STATE_FLAGS.Cancelled);
				supervisor.cancel();
				yield* inner.join();
				plain.complete();
				t.finish(4);
				// runTest's block returns only once plain and supervisor are complete (P2).
			},
			{ realTime: true },
		);
	});

	it("a failing child of SupervisorJob(parent) leaves the parent alone; one of Job(parent) under a coroutine fails it", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				const self = currentCoroutineContext().get(Job.Key)!;
				const supervisor = SupervisorJob(self);
				CoroutineScope(supervisor).async(function* () {
					throw new Error("kept in the Deferred");
				});
				yield* yieldNow();
				expect(flagsOf(self)).toEqual(STATE_FLAGS.Active);
				supervisor.complete();
				const plain = Job(self);
				CoroutineScope(plain).launch(function* () {
					t.expect(1);
					throw boom;
				});
				try {
					yield* awaitCancellation();
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(JobCancellationException);
					expect((e as Error).cause).toBe(boom);
					throw e;
				}
			},
			{
				expected: (e) => {
					t.finish(3);
					return e === boom;
				},
			},
		);
	});
});
