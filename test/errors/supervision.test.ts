import {
	awaitCancellation,
	CancellationException,
	CoroutineExceptionHandler,
	CoroutineScope,
	currentCoroutineContext,
	Job,
	SupervisorJob,
	supervisorScope,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("failures stay local under a supervisor (V1)", () => {
	it("SupervisorJob: a child's failure cancels neither the supervisor nor the siblings; launch's failure goes to its handler", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const supervisor = SupervisorJob();
			const scope = CoroutineScope(
				supervisor.plus(CoroutineExceptionHandler((_, e) => handled.push(e))),
			);
			const sibling = scope.launch(function* () {
				yield* awaitCancellation();
			});
			const failing = scope.launch(function* () {
				yield* yieldNow();
				throw boom;
			});
			yield* failing.join();
			t.expectSame(handled, [boom]);
			expect(failing.isCancelled).toBe(true);
			expect(supervisor.isActive).toBe(true);
			expect(sibling.isActive).toBe(true);
			supervisor.cancel();
			yield* sibling.join();
		});
	});

	it("SupervisorJob: async keeps its failure in the Deferred; no handler is called", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const supervisor = SupervisorJob();
			const scope = CoroutineScope(
				supervisor.plus(CoroutineExceptionHandler((_, e) => handled.push(e))),
			);
			const d = scope.async(function* () {
				throw boom;
			});
			let caught: unknown = null;
			try {
				yield* d.await();
			} catch (e) {
				caught = e;
			}
			expect(caught).toBe(boom);
			expect(supervisor.isActive).toBe(true);
		});
		expect(handled).toHaveLength(0);
	});

	it("supervisorScope: a failing child goes to the handler and the scope completes normally", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const v = yield* supervisorScope(function* () {
				this.launch(
					CoroutineExceptionHandler((_, e) => handled.push(e)),
					function* () {
						t.expect(2);
						throw boom;
					},
				);
				const other = this.launch(function* () {
					yield* yieldNow();
					t.expect(3);
				});
				t.expect(1);
				yield* other.join();
				return "scope ok";
			});
			t.expect(4);
			expect(v).toBe("scope ok");
			t.expectSame(handled, [boom]);
			t.finish(5);
		});
	});

	it("supervisorScope: without a handler, a failing launch reaches the global handler and the caller is untouched", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				yield* supervisorScope(function* () {
					this.launch(function* () {
						throw boom;
					});
				});
				expect(currentCoroutineContext().get(Job.Key)?.isActive).toBe(true);
			},
			{ unhandled: [(e) => e === boom] },
		);
	});
});

describe("cancellation still flows down (V2)", () => {
	it("cancelling a SupervisorJob cancels all its children", async () => {
		await t.runBlock(function* () {
			const supervisor = SupervisorJob();
			const scope = CoroutineScope(supervisor);
			const jobs = [1, 2].map(() =>
				scope.launch(function* () {
					yield* awaitCancellation();
				}),
			);
			yield* yieldNow();
			supervisor.cancel();
			for (const j of jobs) {
				yield* j.join();
				expect(j.isCancelled).toBe(true);
			}
		});
	});

	it("when supervisorScope's own block throws, the scope fails, cancels all children and rethrows (guide supervision-02)", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			try {
				yield* supervisorScope(function* () {
					this.launch(function* () {
						try {
							t.expect(1);
							yield* awaitCancellation();
						} catch (e) {
							t.expect(3);
							expect(e).toBeInstanceOf(CancellationException);
							throw e;
						}
					});
					yield* yieldNow();
					t.expect(2);
					throw boom;
				});
			} catch (e) {
				t.expect(4);
				expect(e).toBe(boom);
			}
			t.finish(5);
		});
	});

	it("cancelling the caller of supervisorScope cancels its children", async () => {
		await t.runBlock(function* () {
			const caller = this.launch(function* () {
				yield* supervisorScope(function* () {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} finally {
							t.expect(2);
						}
					});
				});
			});
			yield* yieldNow();
			yield* yieldNow();
			t.expect(1);
			caller.cancel();
			yield* caller.join();
			t.finish(3);
		});
	});
});

describe("supervision is one level deep (V3)", () => {
	it("a grandchild's failure follows the normal rules inside its parent, which fails to its handler; other children of the supervisor are untouched", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const supervisor = SupervisorJob();
			const scope = CoroutineScope(
				supervisor.plus(CoroutineExceptionHandler((_, e) => handled.push(e))),
			);
			const other = scope.launch(function* () {
				yield* awaitCancellation();
			});
			const middle = scope.launch(function* () {
				this.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						t.expect(2);
					}
				});
				this.launch(function* () {
					t.expect(1);
					throw boom;
				});
			});
			yield* middle.join();
			t.expect(3);
			t.expectSame(handled, [boom]);
			expect(middle.isCancelled).toBe(true);
			expect(other.isActive).toBe(true);
			expect(supervisor.isActive).toBe(true);
			other.cancel();
			t.finish(4);
		});
	});
});
