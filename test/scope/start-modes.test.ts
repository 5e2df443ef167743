import {
	awaitAll,
	CancellationException,
	CoroutineStart,
	coroutineScope,
	currentCoroutineContext,
	EmptyCoroutineContext,
	Job,
	joinAll,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { flagsOf, STATE_FLAGS, useTestBase } from "../support/test-base.js";

const t = useTestBase();
const none = EmptyCoroutineContext;

describe("CoroutineStart (M1)", () => {
	it("DEFAULT dispatches the start: the caller goes on first (L1)", async () => {
		await t.runBlock(function* () {
			this.launch(none, CoroutineStart.DEFAULT, function* () {
				t.expect(3);
			});
			this.async(none, CoroutineStart.DEFAULT, function* () {
				t.expect(4);
			});
			t.expect(1);
			t.expect(2);
			yield* yieldNow();
			t.finish(5);
		});
	});

	it("DEFAULT: cancelled before it runs, the body never runs", async () => {
		await t.runBlock(function* () {
			const job = this.launch(none, CoroutineStart.DEFAULT, function* () {
				t.expectUnreached();
			});
			job.cancel();
			yield* job.join();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
		});
	});

	it("LAZY stays New until start(), join() or await()", async () => {
		await t.runBlock(function* () {
			const a = this.launch(none, CoroutineStart.LAZY, function* () {
				t.expect(2);
			});
			const b = this.launch(none, CoroutineStart.LAZY, function* () {
				t.expect(3);
			});
			const c = this.async(none, CoroutineStart.LAZY, function* () {
				t.expect(4);
				return "c";
			});
			yield* yieldNow();
			t.expect(1);
			expect([a, b, c].map((j) => j.isActive)).toEqual([false, false, false]);
			expect(a.start()).toBe(true);
			yield* b.join();
			expect(yield* c.await()).toBe("c");
			t.finish(5);
		});
	});

	it("awaitAll and joinAll start lazy jobs too (S3)", async () => {
		await t.runBlock(function* () {
			const xs = [1, 2, 3].map((i) =>
				this.async(none, CoroutineStart.LAZY, function* () {
					return i * 10;
				}),
			);
			expect(yield* awaitAll(...xs)).toEqual([10, 20, 30]);
			const js = [1, 2].map(() =>
				this.launch(none, CoroutineStart.LAZY, function* () {}),
			);
			yield* joinAll(...js);
			expect(js.every((j) => j.isCompleted)).toBe(true);
		});
	});

	it("LAZY: a child that is never started keeps its scope from completing", async () => {
		await t.runBlock(function* () {
			const result = yield* withTimeoutOrNull(30, function* () {
				yield* coroutineScope(function* () {
					this.launch(none, CoroutineStart.LAZY, function* () {
						t.expectUnreached();
					});
					t.expect(1);
				});
				return "completed";
			});
			// Only the timeout ended the wait (cancelling the New child, which never ran).
			t.expect(2);
			expect(result).toBe(null);
			t.finish(3);
		});
	});

	it("ATOMIC dispatches the start, but the body begins even when cancelled; its first suspension throws", async () => {
		await t.runBlock(function* () {
			const job = this.launch(none, CoroutineStart.ATOMIC, function* () {
				t.expect(2);
				expect(currentCoroutineContext().get(Job.Key)?.isCancelled).toBe(true);
				try {
					yield* yieldNow();
					t.expectUnreached();
				} catch (e) {
					t.expect(3);
					expect(e).toBeInstanceOf(CancellationException);
					throw e;
				}
			});
			t.expect(1);
			job.cancel();
			yield* job.join();
			expect(flagsOf(job)).toEqual(STATE_FLAGS.Cancelled);
			t.finish(4);
		});
	});

	it("UNDISPATCHED runs the body at once in the caller's frame until its first suspension; later resumes are dispatched", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				t.expect(5);
			});
			t.expect(1);
			const job = this.launch(none, CoroutineStart.UNDISPATCHED, function* () {
				t.expect(2);
				yield* yieldNow();
				t.expect(6);
			});
			t.expect(3);
			expect(job.isActive).toBe(true);
			const d = this.async(none, CoroutineStart.UNDISPATCHED, function* () {
				return "at once";
			});
			expect(d.isCompleted).toBe(true);
			expect(d.getCompleted()).toBe("at once");
			t.expect(4);
			yield* job.join();
			t.finish(7);
		});
	});

	it("UNDISPATCHED runs the body even in a cancelled parent; its first suspension throws", async () => {
		await t.runBlock(function* () {
			const parent = this.launch(function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				const child = this.launch(
					none,
					CoroutineStart.UNDISPATCHED,
					function* () {
						t.expect(1);
						try {
							yield* yieldNow();
							t.expectUnreached();
						} catch (e) {
							t.expect(2);
							expect(e).toBeInstanceOf(CancellationException);
						}
					},
				);
				t.expect(3);
				expect(child.isCompleted).toBe(true);
				expect(child.isCancelled).toBe(true);
			});
			yield* parent.join();
			t.finish(4);
		});
	});
});
