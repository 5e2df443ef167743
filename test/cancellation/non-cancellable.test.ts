import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	type CoroutineContext,
	CoroutineDispatcher,
	CoroutineExceptionHandler,
	CoroutineScope,
	currentCoroutineContext,
	delay,
	Job,
	NonCancellable,
	withContext,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase, withHangGuard } from "../support/test-base.js";

const t = useTestBase();

/** A dispatcher other than Default: runs blocks from the macrotask queue. */
class ImmediateDispatcher extends CoroutineDispatcher {
	dispatch(_context: CoroutineContext, block: () => void): void {
		setImmediate(block);
	}
}

describe("NonCancellable (N1)", () => {
	it("is always active, ignores cancel(), has no children and never completes", () => {
		expect(NonCancellable.isActive).toBe(true);
		expect(NonCancellable.isCompleted).toBe(false);
		expect(NonCancellable.isCancelled).toBe(false);
		NonCancellable.cancel();
		NonCancellable.cancel(new CancellationException("no effect"));
		expect(NonCancellable.isActive).toBe(true);
		expect([...NonCancellable.children]).toHaveLength(0);
		expect(NonCancellable.parent).toBe(null);
		expect(NonCancellable.start()).toBe(false);
		NonCancellable.ensureActive();
		let called = false;
		const handle = NonCancellable.invokeOnCompletion(() => {
			called = true;
		});
		handle.dispose();
		expect(called).toBe(false);
		expect(NonCancellable.get(Job.Key)).toBe(NonCancellable);
	});

	it("join() is not supported: it would never return", () => {
		expect(() => {
			const it = NonCancellable.join()[Symbol.iterator]();
			it.next();
		}).toThrow();
	});
});

describe("withContext(NonCancellable) (N2)", () => {
	it("shields the block from the caller's cancellation: suspensions inside work", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				try {
					t.expect(1);
					yield* awaitCancellation();
				} finally {
					const v = yield* withContext(NonCancellable, function* () {
						t.expect(3);
						expect(currentCoroutineContext().get(Job.Key)?.isActive).toBe(true);
						yield* delay(2);
						yield* yieldNow();
						t.expect(4);
						return "cleaned";
					});
					// Same dispatcher, no children: the value comes back although the caller is cancelled.
					t.expect(5);
					expect(v).toBe("cleaned");
				}
			});
			yield* yieldNow();
			t.expect(2);
			yield* job.cancelAndJoin();
			t.finish(6);
		});
	});

	it("still waits for the block's children and rethrows a failure", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} finally {
					try {
						yield* withContext(NonCancellable, function* () {
							this.launch(function* () {
								yield* delay(2);
								t.expect(2);
								throw boom;
							});
						});
						t.expectUnreached();
					} catch (e) {
						t.expect(3);
						expect(e).toBe(boom);
					}
				}
			});
			yield* yieldNow();
			t.expect(1);
			job.cancel();
			yield* job.join();
			t.finish(4);
		});
	});

	it("with children to await, the way back is dispatched and throws in a cancelled caller (prompt)", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} finally {
					try {
						yield* withContext(NonCancellable, function* () {
							this.launch(function* () {
								yield* yieldNow();
								t.expect(2);
							});
							return "lost";
						});
						t.expectUnreached();
					} catch (e) {
						t.expect(3);
						expect(e).toBeInstanceOf(CancellationException);
					}
				}
			});
			yield* yieldNow();
			t.expect(1);
			job.cancel();
			yield* job.join();
			t.finish(4);
		});
	});

	it("with another dispatcher added, the way back is dispatched and throws in a cancelled caller (prompt)", async () => {
		await t.runBlock(function* () {
			const other = new ImmediateDispatcher();
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} finally {
					try {
						yield* withContext(NonCancellable.plus(other), function* () {
							t.expect(2);
							expect(
								currentCoroutineContext().get(CoroutineDispatcher.Key),
							).toBe(other);
							return "lost";
						});
						t.expectUnreached();
					} catch (e) {
						t.expect(3);
						expect(e).toBeInstanceOf(CancellationException);
					}
				}
			});
			yield* yieldNow();
			t.expect(1);
			job.cancel();
			yield* job.join();
			t.finish(4);
		});
	});
});

describe("launch(NonCancellable) / async(NonCancellable) (N3)", () => {
	it("cuts the coroutine off from its parent: not cancelled with it, not awaited by it", async () => {
		const gate = CompletableDeferred<void>();
		let detached: Job | undefined;
		await t.runBlock(
			function* () {
				const parent = this.launch(function* () {
					detached = this.launch(NonCancellable, function* () {
						yield* gate.await();
						t.expect(3);
					});
					expect(detached.parent).toBe(null);
					t.expect(1);
					yield* awaitCancellation();
				});
				yield* yieldNow();
				parent.cancel();
				yield* parent.join(); // does not wait for the detached coroutine
				t.expect(2);
				expect(detached?.isActive).toBe(true);
			},
			{ realTime: true },
		);
		gate.complete();
		await withHangGuard(
			new Promise<void>((resolve) => {
				detached?.invokeOnCompletion(() => resolve());
			}),
			"the detached coroutine",
		);
		expect(detached?.isCancelled).toBe(false);
		t.finish(4);
	});

	it("its failure goes to its own handler, not to the parent", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const self = currentCoroutineContext().get(Job.Key)!;
			const detached = this.launch(
				NonCancellable.plus(
					CoroutineExceptionHandler((_, e) => handled.push(e)),
				),
				function* () {
					throw boom;
				},
			);
			yield* detached.join();
			expect(self.isActive).toBe(true);
			const d = CoroutineScope(NonCancellable).async(function* () {
				throw boom;
			});
			yield* d.join();
			expect(self.isActive).toBe(true);
		});
		t.expectSame(handled, [boom]);
	});
});
