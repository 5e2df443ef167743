import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CoroutineExceptionHandler,
	CoroutineScope,
	CoroutineStart,
	coroutineScope,
	currentCoroutineContext,
	EmptyCoroutineContext,
	Job,
	JobCancellationException,
	NonCancellable,
	withContext,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { flagsOf, STATE_FLAGS, useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("the parent comes from the context (P1)", () => {
	it("a launched coroutine's parent is the scope's job, and it is listed among its children", async () => {
		await t.runBlock(function* () {
			const self = currentCoroutineContext().get(Job.Key)!;
			expect(this.coroutineContext.get(Job.Key)).toBe(self);
			const child = this.launch(function* () {
				expect(currentCoroutineContext().get(Job.Key)).toBe(child);
				expect(this.coroutineContext.get(Job.Key)).toBe(child);
			});
			expect(child.parent).toBe(self);
			t.expectSame(self.children, [child]);
			yield* child.join();
		});
	});

	it("a Job passed in the context becomes the parent instead of the scope's job", async () => {
		await t.runBlock(function* () {
			const other = Job();
			const child = this.launch(other, function* () {
				yield* awaitCancellation();
			});
			expect(child.parent).toBe(other);
			t.expectSame(other.children, [child]);
			const self = currentCoroutineContext().get(Job.Key)!;
			t.expectSame(self.children, []);
			other.cancel();
			yield* child.join();
			expect(child.isCancelled).toBe(true);
		});
	});
});

describe("a parent waits for its children (P2)", () => {
	it("join returns only after every descendant finished", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				this.launch(function* () {
					this.launch(function* () {
						yield* yieldNow();
						yield* yieldNow();
						t.expect(3);
					});
					t.expect(2);
				});
				t.expect(1);
			});
			yield* job.join();
			t.finish(4);
		});
	});

	it("await, coroutineScope and withContext return only after every descendant finished", async () => {
		await t.runBlock(function* () {
			const d = this.async(function* () {
				this.launch(function* () {
					this.launch(function* () {
						yield* yieldNow();
						yield* yieldNow();
						t.expect(3);
					});
					t.expect(2);
				});
				t.expect(1);
				return "value";
			});
			expect(yield* d.await()).toBe("value");
			t.expect(4);
			const fromScope = yield* coroutineScope(function* () {
				this.launch(function* () {
					this.launch(function* () {
						yield* yieldNow();
						t.expect(6);
					});
				});
				t.expect(5);
				return "scope";
			});
			expect(fromScope).toBe("scope");
			t.expect(7);
			const fromContext = yield* withContext(
				EmptyCoroutineContext,
				function* () {
					this.launch(function* () {
						this.launch(function* () {
							yield* yieldNow();
							t.expect(9);
						});
					});
					t.expect(8);
					return "context";
				},
			);
			expect(fromContext).toBe("context");
			t.finish(10);
		});
	});

	it("runCoroutine settles only after every child finished", async () => {
		const log: string[] = [];
		const value = await t.runBlock(function* () {
			this.launch(function* () {
				yield* yieldNow();
				log.push("child");
			});
			log.push("block");
			return "v";
		});
		log.push("settled");
		expect(value).toBe("v");
		expect(log).toEqual(["block", "child", "settled"]);
	});

	it("a child's completion handlers run before its parent's (P2, H1)", async () => {
		const log: string[] = [];
		await t.runBlock(function* () {
			const parent = Job();
			const child = CoroutineScope(parent).launch(function* () {
				yield* yieldNow();
			});
			child.invokeOnCompletion(() => log.push("child"));
			parent.invokeOnCompletion(() => log.push("parent"));
			parent.complete();
			yield* parent.join();
		});
		expect(log).toEqual(["child", "parent"]);
	});
});

describe("children attached late (P3)", () => {
	it("a child attached while the parent is Completing is awaited too", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* (scope) {
				this.launch(function* () {
					t.expect(2);
					yield* yieldNow();
					t.expect(3);
					// The parent's body has returned: it is Completing.
					scope.launch(function* () {
						yield* yieldNow();
						t.expect(4);
					});
				});
				t.expect(1);
			});
			yield* job.join();
			t.finish(5);
		});
	});

	it("a child attached to a Cancelling parent is admitted, awaited and cancelled at once with the parent's cause", async () => {
		await t.runBlock(function* () {
			const cause = new CancellationException("stop");
			const release = CompletableDeferred<void>();
			let late: Job | undefined;
			const job = this.launch(function* (scope) {
				try {
					t.expect(2);
					yield* awaitCancellation();
				} finally {
					t.expect(4);
					late = scope.launch(function* () {
						t.expectUnreached(); // DEFAULT start: never runs its body
					});
					expect(late.isCancelled).toBe(true);
					expect(late.isCompleted).toBe(false);
					t.expectSame(job.children, [late]);
					const undispatched = scope.launch(
						EmptyCoroutineContext,
						CoroutineStart.UNDISPATCHED,
						function* () {
							t.expect(5);
							try {
								yield* yieldNow();
							} catch (e) {
								t.expect(6);
								expect(e).toBe(cause);
								throw e;
							}
						},
					);
					// It ran to its first suspension, which threw: it is already complete.
					expect(undispatched.isCompleted).toBe(true);
					t.expectSame(job.children, [late]);
					yield* withContext(NonCancellable, function* () {
						yield* release.await();
					});
				}
			});
			t.expect(1);
			yield* yieldNow();
			t.expect(3);
			job.cancel(cause);
			yield* yieldNow();
			t.expect(7);
			const causes: (Error | null)[] = [];
			late?.invokeOnCompletion((c) => causes.push(c));
			release.complete();
			yield* job.join();
			t.expectSame(causes, [cause]);
			expect(late?.isCompleted).toBe(true);
			t.finish(8);
		});
	});

	it("a child attached to a complete parent is cancelled at once and not tracked; its body never runs", async () => {
		await t.runBlock(function* () {
			const parent = Job();
			parent.complete();
			const child = CoroutineScope(parent).launch(function* () {
				t.expectUnreached();
			});
			expect(child.isCancelled).toBe(true);
			t.expectSame(parent.children, []);
			yield* child.join();
			expect(flagsOf(child)).toEqual(STATE_FLAGS.Cancelled);
			const cancelled = Job();
			cancelled.cancel();
			const other = CoroutineScope(cancelled).async(function* () {
				t.expectUnreached();
			});
			expect(other.isCancelled).toBe(true);
			yield* other.join();
			expect(other.getCompletionExceptionOrNull()).toBeInstanceOf(
				CancellationException,
			);
		});
	});
});

describe("children (P4)", () => {
	it("lists the unfinished children in attachment order; a child detaches when it completes", async () => {
		await t.runBlock(function* () {
			const gates = [0, 1, 2].map(() => CompletableDeferred<void>());
			const job = Job();
			const scope = CoroutineScope(job);
			const [a, b, c] = gates.map((g) =>
				scope.launch(function* () {
					yield* g.await();
				}),
			);
			t.expectSame(job.children, [a, b, c]);
			expect(b?.parent).toBe(job);
			gates[1]?.complete();
			yield* b!.join();
			t.expectSame(job.children, [a, c]);
			expect(b?.parent).toBe(null);
			const d = scope.launch(function* () {});
			t.expectSame(job.children, [a, c, d]);
			gates[0]?.complete();
			gates[2]?.complete();
			job.complete();
			yield* job.join();
			t.expectSame(job.children, []);
		});
	});

	it("is lazy: an iteration started before a child finishes does not see it after", () => {
		const job = Job();
		const kids = [Job(job), Job(job), Job(job)];
		const seen: Job[] = [];
		for (const child of job.children) {
			seen.push(child);
			if (seen.length === 1) kids[1]?.complete();
		}
		t.expectSame(seen, [kids[0], kids[2]]);
	});
});

describe("cancellation flows down (P5)", () => {
	it("children are cancelled with the parent's cause itself when it is a CancellationException, depth first (H3)", async () => {
		await t.runBlock(function* () {
			const cause = new CancellationException("parent stop");
			const job = this.launch(function* () {
				this.launch(function* () {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} catch (e) {
							t.expect(2);
							expect(e).toBe(cause);
							throw e;
						}
					});
					try {
						yield* awaitCancellation();
					} catch (e) {
						t.expect(3);
						expect(e).toBe(cause);
						throw e;
					}
				});
			});
			for (let i = 0; i < 3; i++) yield* yieldNow(); // all three are suspended
			t.expect(1);
			job.cancel(cause);
			yield* job.join();
			t.finish(4);
		});
	});

	it('a failure reaches the siblings as JobCancellationException("Parent job is Cancelling") caused by it', async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				this.launch(function* () {
					try {
						t.expect(1);
						yield* awaitCancellation();
					} catch (e) {
						t.expect(3);
						expect(e).toBeInstanceOf(JobCancellationException);
						expect(String(e)).toBe(
							"JobCancellationException: Parent job is Cancelling",
						);
						expect((e as Error).cause).toBe(boom);
						throw e;
					}
				});
				this.launch(function* () {
					t.expect(2);
					throw boom;
				});
			},
			{ expected: (e) => e === boom },
		);
		t.finish(4);
	});
});

describe("failure flows up, early (P6)", () => {
	it("a grandchild's failure cancels its uncle at once, before its own siblings finished", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				const uncleCancelled = CompletableDeferred<void>();
				this.launch(function* () {
					this.launch(function* () {
						try {
							t.expect(2);
							yield* awaitCancellation();
						} finally {
							t.expect(4);
							// Still running: the failure must not wait for this to reach the uncle.
							yield* withContext(NonCancellable, function* () {
								yield* uncleCancelled.await();
							});
							t.expect(6);
						}
					});
					this.launch(function* () {
						t.expect(3);
						throw boom;
					});
				});
				this.launch(function* () {
					try {
						t.expect(1);
						yield* awaitCancellation();
					} finally {
						t.expect(5);
						uncleCancelled.complete();
					}
				});
			},
			{ expected: (e) => e === boom },
		);
		t.finish(7);
	});
});

describe("what a parent does with a child's exception (P7)", () => {
	it("a child's CancellationException leaves the parent active", async () => {
		await t.runBlock(function* () {
			const self = currentCoroutineContext().get(Job.Key)!;
			const child = this.launch(function* () {
				throw new CancellationException("only me");
			});
			yield* child.join();
			expect(child.isCancelled).toBe(true);
			expect(self.isActive).toBe(true);
			const cancelled = this.launch(function* () {
				yield* awaitCancellation();
			});
			yield* yieldNow();
			cancelled.cancel();
			yield* cancelled.join();
			expect(self.isActive).toBe(true);
			yield* yieldNow(); // still allowed to suspend
		});
	});

	it("a child's failure cancels the parent with that cause, and so all siblings; the siblings' cancellations are dispatched before the parent's own wait (P7, H3, L3)", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				const self = currentCoroutineContext().get(Job.Key)!;
				const sibling = this.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						t.expect(3);
						expect(self.isCancelled).toBe(true);
					}
				});
				this.launch(function* () {
					t.expect(2);
					throw boom;
				});
				try {
					t.expect(1);
					yield* awaitCancellation();
				} catch (e) {
					t.expect(4);
					expect(e).toBeInstanceOf(JobCancellationException);
					expect((e as Error).cause).toBe(boom);
					expect(sibling.isCancelled).toBe(true);
					throw e;
				}
			},
			{ expected: (e) => e === boom },
		);
		t.finish(5);
	});

	it("a plain Job() with no handling ancestor does not handle a child's failure: the launch's handler gets it and the Job() is cancelled (P7, E6)", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const job = Job();
			const child = CoroutineScope(
				job.plus(CoroutineExceptionHandler((_, e) => handled.push(e))),
			).launch(function* () {
				throw boom;
			});
			yield* child.join();
			t.expectSame(handled, [boom]);
			expect(job.isCancelled).toBe(true);
			expect(job.isCompleted).toBe(true);
		});
	});

	it("a Job() under a coroutine handles a child's failure: the coroutine fails, the handler is not called (P7)", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(
			function* () {
				const self = currentCoroutineContext().get(Job.Key)!;
				const job = Job(self);
				CoroutineScope(
					job.plus(CoroutineExceptionHandler((_, e) => handled.push(e))),
				).launch(function* () {
					throw boom;
				});
				yield* awaitCancellation();
			},
			{ expected: (e) => e === boom },
		);
		expect(handled).toEqual([]);
	});
});

describe("scoped coroutines never cancel their parent (P8)", () => {
	it("coroutineScope and withContext rethrow to the caller, which stays active", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			const self = currentCoroutineContext().get(Job.Key)!;
			try {
				yield* coroutineScope(function* () {
					this.launch(function* () {
						throw boom;
					});
					yield* awaitCancellation();
				});
				t.expectUnreached();
			} catch (e) {
				t.expect(1);
				expect(e).toBe(boom);
			}
			expect(self.isActive).toBe(true);
			try {
				yield* withContext(EmptyCoroutineContext, function* () {
					yield* yieldNow();
					throw boom;
				});
				t.expectUnreached();
			} catch (e) {
				t.expect(2);
				expect(e).toBe(boom);
			}
			expect(self.isActive).toBe(true);
			yield* yieldNow();
			t.finish(3);
		});
	});
});

describe("cancelChildren (P9)", () => {
	it("cancels the children and leaves the job itself active", async () => {
		await t.runBlock(function* () {
			const job = Job();
			const scope = CoroutineScope(job);
			const a = scope.launch(function* () {
				yield* awaitCancellation();
			});
			const b = scope.launch(function* () {
				yield* awaitCancellation();
			});
			yield* yieldNow();
			job.cancelChildren();
			expect(a.isCancelled).toBe(true);
			expect(b.isCancelled).toBe(true);
			expect(job.isActive).toBe(true);
			yield* a.join();
			yield* b.join();
			expect(job.isActive).toBe(true);
			const c = scope.launch(function* () {
				return;
			});
			yield* c.join();
			expect(c.isCancelled).toBe(false);
			job.complete();
			expect(job.isCompleted).toBe(true);
		});
	});
});
