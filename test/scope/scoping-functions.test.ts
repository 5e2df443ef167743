import {
	awaitCancellation,
	CancellationException,
	type CoroutineContext,
	CoroutineDispatcher,
	CoroutineName,
	coroutineScope,
	currentCoroutineContext,
	Dispatchers,
	EmptyCoroutineContext,
	Job,
	supervisorScope,
	withContext,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

/** Counts its dispatches; runs blocks from the macrotask queue. */
class CountingDispatcher extends CoroutineDispatcher {
	dispatches = 0;
	dispatch(_context: CoroutineContext, block: () => void): void {
		this.dispatches++;
		setImmediate(block);
	}
}

describe("coroutineScope and supervisorScope run the block at once (B1)", () => {
	for (const [name, scoping] of [
		["coroutineScope", coroutineScope],
		["supervisorScope", supervisorScope],
	] as const) {
		it(`${name}: the block runs in the caller's frame, under a new Job that is a child of the caller's`, async () => {
			await t.runBlock(function* () {
				const caller = currentCoroutineContext().get(Job.Key)!;
				this.launch(function* () {
					t.expect(4);
				});
				t.expect(1);
				const v = yield* scoping(function* () {
					t.expect(2);
					const own = currentCoroutineContext().get(Job.Key)!;
					expect(own).not.toBe(caller);
					expect(own.parent).toBe(caller);
					return "direct";
				});
				// No children and no suspension: the result came back directly.
				t.expect(3);
				expect(v).toBe("direct");
				yield* yieldNow();
				t.finish(5);
			});
		});
	}

	it("when the block itself finishes last after suspending, the caller continues in the same frame", async () => {
		await t.runBlock(function* (outer) {
			t.expect(1);
			const v = yield* coroutineScope(function* () {
				t.expect(2);
				outer.launch(function* () {
					t.expect(3);
				});
				yield* yieldNow();
				t.expect(4);
				outer.launch(function* () {
					t.expect(6);
				});
				return "same frame";
			});
			t.expect(5); // before the sibling queued by the block's last step
			expect(v).toBe("same frame");
			yield* yieldNow();
			t.finish(7);
		});
	});

	it("when the last child finishes last, the caller is resumed through its dispatcher", async () => {
		await t.runBlock(function* (outer) {
			t.expect(1);
			const v = yield* coroutineScope(function* () {
				this.launch(function* () {
					t.expect(3);
					outer.launch(function* () {
						t.expect(4); // queued before the caller's resumption
					});
				});
				t.expect(2);
				return "dispatched";
			});
			t.expect(5);
			expect(v).toBe("dispatched");
			t.finish(6);
		});
	});

	it("that dispatched resumption is cancellable: a caller cancelled meanwhile gets a CancellationException", async () => {
		await t.runBlock(function* (outer) {
			const caller = this.launch(function* () {
				try {
					yield* coroutineScope(function* () {
						this.launch(function* () {
							t.expect(1);
							yield* yieldNow();
							t.expect(2);
							outer.launch(function* () {
								t.expect(3);
								caller.cancel(); // the scope is complete, the caller not resumed yet
							});
						});
						return 1;
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(4);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* caller.join();
			t.finish(5);
		});
	});

	it("the value is returned only after every child finished (P2)", async () => {
		await t.runBlock(function* () {
			const v = yield* coroutineScope(function* () {
				this.launch(function* () {
					yield* yieldNow();
					yield* yieldNow();
					t.expect(2);
				});
				t.expect(1);
				return 42;
			});
			t.expect(3);
			expect(v).toBe(42);
			t.finish(4);
		});
	});
});

describe("entry checks (B2)", () => {
	it("coroutineScope does not check on entry: in a cancelled caller its block still runs, and the scope ends by throwing", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				try {
					yield* coroutineScope(function* () {
						t.expect(1);
						return "never delivered";
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(CancellationException);
				}
				try {
					yield* coroutineScope(function* () {
						t.expect(3);
						yield* yieldNow(); // the first suspension throws
						t.expectUnreached();
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(4);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* job.join();
			t.finish(5);
		});
	});

	it("withContext checks the new context on entry: in a cancelled caller its block never runs", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				currentCoroutineContext().get(Job.Key)?.cancel();
				try {
					yield* withContext(CoroutineName("x"), function* () {
						t.expectUnreached();
					});
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
});

describe("withContext (B3)", () => {
	it("the block's context is the caller's plus the given one; the caller's is back after", async () => {
		await t.runBlock(
			function* () {
				const caller = currentCoroutineContext().get(Job.Key)!;
				expect(currentCoroutineContext().get(CoroutineName.Key)?.name).toBe(
					"outer",
				);
				yield* withContext(CoroutineName("inner"), function* () {
					const ctx = currentCoroutineContext();
					expect(ctx.get(CoroutineName.Key)?.name).toBe("inner");
					expect(ctx.get(CoroutineDispatcher.Key)).toBe(Dispatchers.Default);
					expect(ctx.get(Job.Key)?.parent).toBe(caller);
				});
				expect(currentCoroutineContext().get(CoroutineName.Key)?.name).toBe(
					"outer",
				);
			},
			{ realTime: true, context: CoroutineName("outer") },
		);
	});

	it("with the same dispatcher, enters without a dispatch and returns without one when no child is left", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				t.expect(4);
			});
			t.expect(1);
			const v = yield* withContext(EmptyCoroutineContext, function* () {
				t.expect(2);
				return 7;
			});
			t.expect(3);
			expect(v).toBe(7);
			yield* yieldNow();
			t.finish(5);
		});
	});

	it("with another dispatcher, dispatches in and out", async () => {
		await t.runBlock(
			function* () {
				const other = new CountingDispatcher();
				this.launch(function* () {
					t.expect(2); // runs while the caller waits for the dispatch in
				});
				t.expect(1);
				const v = yield* withContext(other, function* () {
					t.expect(3);
					expect(currentCoroutineContext().get(CoroutineDispatcher.Key)).toBe(
						other,
					);
					return "from other";
				});
				t.expect(4);
				expect(v).toBe("from other");
				expect(other.dispatches).toBe(1);
				expect(currentCoroutineContext().get(CoroutineDispatcher.Key)).toBe(
					Dispatchers.Default,
				);
				t.finish(5);
			},
			{ realTime: true },
		);
	});

	it("a value from another dispatcher is dropped when the caller was cancelled meanwhile", async () => {
		await t.runBlock(function* () {
			const other = new CountingDispatcher();
			const caller = this.launch(function* () {
				try {
					yield* withContext(other, function* () {
						t.expect(1);
						caller.cancel();
						t.expect(2);
						return "lost";
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(3);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			yield* caller.join();
			t.finish(4);
		});
	});
});

describe("runCoroutine (B4)", () => {
	it("returns the value after the block and all its children are done", async () => {
		const log: string[] = [];
		const value = await t.runBlock(function* () {
			this.launch(function* () {
				yield* yieldNow();
				log.push("child done");
			});
			log.push("block done");
			return 123;
		});
		expect(value).toBe(123);
		expect(log).toEqual(["block done", "child done"]);
	});

	it("rejects with the first failure, by identity, after the children finished", async () => {
		const first = new Error("first");
		const log: string[] = [];
		await t.runBlock(
			function* () {
				this.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						log.push("sibling finally");
					}
				});
				this.launch(function* () {
					throw first;
				});
			},
			{ expected: (e) => e === first },
		);
		expect(log).toEqual(["sibling finally"]);
	});
});
