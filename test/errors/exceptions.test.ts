import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CompletionHandlerException,
	type CoroutineContext,
	CoroutineExceptionHandler,
	CoroutineName,
	CoroutineScope,
	coroutineScope,
	currentCoroutineContext,
	delay,
	GlobalScope,
	IllegalStateException,
	Job,
	JobCancellationException,
	NonCancellable,
	SupervisorJob,
	TimeoutCancellationException,
	withContext,
	withTimeout,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { suppressedOf } from "../support/exceptions.js";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("the exception classes (K3)", () => {
	it("are Error subclasses whose name is the class name; String(e) prints Name: message", () => {
		const cause = new Error("root");
		const cases: [Error, string, string][] = [
			[
				new CancellationException("c"),
				"CancellationException",
				"CancellationException: c",
			],
			[
				new TimeoutCancellationException("t"),
				"TimeoutCancellationException",
				"TimeoutCancellationException: t",
			],
			[
				new JobCancellationException("j", cause, null),
				"JobCancellationException",
				"JobCancellationException: j",
			],
			[
				new CompletionHandlerException("h", cause),
				"CompletionHandlerException",
				"CompletionHandlerException: h",
			],
			[
				new IllegalStateException("i"),
				"IllegalStateException",
				"IllegalStateException: i",
			],
		];
		for (const [e, name, text] of cases) {
			expect(e).toBeInstanceOf(Error);
			expect(e.name).toBe(name);
			expect(String(e)).toBe(text);
		}
		expect(new TimeoutCancellationException("t")).toBeInstanceOf(
			CancellationException,
		);
		expect(new JobCancellationException("j", null, null)).toBeInstanceOf(
			CancellationException,
		);
		expect(new JobCancellationException("j", cause, null).cause).toBe(cause);
		expect(new CompletionHandlerException("h", cause).cause).toBe(cause);
	});
});

describe("collecting exceptions (E1, E2, E3)", () => {
	it("the first failure is the one rethrown, by identity; later failures are its suppressed, once each (guide exceptions-05)", async () => {
		const first = new Error("first");
		const second = new Error("second");
		const third = new Error("third");
		await t.runBlock(
			function* () {
				for (const late of [second, third]) {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} finally {
							// biome-ignore lint/correctness/noUnsafeFinally: the rule under test
							throw late;
						}
					});
				}
				this.launch(function* () {
					yield* yieldNow();
					throw first;
				});
			},
			{
				expected: (e) => {
					t.expectSame([e], [first]);
					t.expectSame(suppressedOf(e), [second, third]);
					return true;
				},
			},
		);
	});

	it("suppressed is a non-enumerable array added to the root", async () => {
		const first = new Error("first");
		const second = new Error("second");
		await t.runBlock(
			function* () {
				this.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						// biome-ignore lint/correctness/noUnsafeFinally: the rule under test
						throw second;
					}
				});
				this.launch(function* () {
					throw first;
				});
			},
			{
				expected: (e) => {
					expect(Object.keys(e as object)).not.toContain("suppressed");
					expect(
						Array.isArray((e as { suppressed?: unknown }).suppressed),
					).toBe(true);
					return e === first;
				},
			},
		);
	});

	it("a first failure that cannot take suppressed (frozen, or a non-array `suppressed` as SuppressedError has) is still rethrown by identity, untouched", async () => {
		const frozen = Object.freeze(new Error("frozen"));
		const withOwnSuppressed = Object.assign(new Error("own"), {
			suppressed: new Error("its own suppressed value"),
		});
		for (const first of [frozen, withOwnSuppressed]) {
			const ownSuppressed = (first as { suppressed?: unknown }).suppressed;
			t.reset();
			await t.runBlock(
				function* () {
					this.launch(function* () {
						try {
							t.expect(1);
							yield* awaitCancellation();
						} finally {
							t.expect(3);
							// biome-ignore lint/correctness/noUnsafeFinally: the rule under test
							throw new Error("later");
						}
					});
					this.launch(function* () {
						t.expect(2);
						throw first;
					});
				},
				{
					expected: (e) => {
						t.finish(4);
						t.expectSame([e], [first]);
						expect((e as { suppressed?: unknown }).suppressed).toBe(
							ownSuppressed,
						);
						return true;
					},
				},
			);
		}
	});

	it("a failure beats an earlier CancellationException: the cancellation turns into that failure (E2)", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				const job = CoroutineScope(
					SupervisorJob().plus(CoroutineExceptionHandler(() => {})),
				).launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						// biome-ignore lint/correctness/noUnsafeFinally: the rule under test
						throw boom;
					}
				});
				yield* yieldNow();
				const ce = new CancellationException("first");
				job.cancel(ce);
				yield* job.join();
				t.expectSame([job.getCancellationException().cause], [boom]);
				expect(suppressedOf(boom)).toHaveLength(0); // CancellationExceptions are never suppressed
			},
			{ realTime: true },
		);
	});

	it("when all are CancellationExceptions, the first one is final", async () => {
		await t.runBlock(function* () {
			const first = new CancellationException("first");
			const later = new CancellationException("later");
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} catch {
					throw later;
				}
			});
			const causes: (Error | null)[] = [];
			job.invokeOnCompletion((c) => causes.push(c));
			yield* yieldNow();
			job.cancel(first);
			yield* job.join();
			t.expectSame(causes, [first]);
		});
	});

	it("when the first is a TimeoutCancellationException and a later, different one exists, the later one is final", async () => {
		await t.runBlock(function* () {
			const first = new TimeoutCancellationException("first");
			const later = new TimeoutCancellationException("later");
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} catch {
					throw later;
				}
			});
			const causes: (Error | null)[] = [];
			job.invokeOnCompletion((c) => causes.push(c));
			yield* yieldNow();
			job.cancel(first);
			yield* job.join();
			t.expectSame(causes, [later]);
		});
	});

	it("a CancellationException whose cause is the failure reaches the handler as the original failure (guide exceptions-06)", async () => {
		const io = new Error("io");
		const handled: Error[] = [];
		let joinThrew: unknown = null;
		const job = GlobalScope.launch(
			CoroutineExceptionHandler((_, e) => handled.push(e)),
			function* () {
				const inner = this.launch(function* () {
					this.launch(function* () {
						this.launch(function* () {
							throw io;
						});
					});
				});
				try {
					yield* inner.join();
				} catch (e) {
					joinThrew = e;
					throw e;
				}
			},
		);
		await t.runBlock(function* () {
			yield* job.join();
		});
		expect(joinThrew).toBeInstanceOf(CancellationException);
		t.expectSame(handled, [io]);
	});
});

describe("who handles the final exception (E4, E5, E6)", () => {
	it("a root launch's failure goes to the CoroutineExceptionHandler of its context, with that context", async () => {
		const boom = new Error("boom");
		const calls: [CoroutineContext, Error][] = [];
		await t.runBlock(function* () {
			const job = GlobalScope.launch(
				CoroutineName("root").plus(
					CoroutineExceptionHandler((ctx, e) => calls.push([ctx, e])),
				),
				function* () {
					throw boom;
				},
			);
			yield* job.join();
			expect(calls).toHaveLength(1);
			const [ctx, e] = calls[0]!;
			expect(e).toBe(boom);
			expect(ctx.get(CoroutineName.Key)?.name).toBe("root");
			expect(ctx.get(Job.Key)).toBe(job);
		});
	});

	it("the handler is inherited from the scope", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const scope = CoroutineScope(
				SupervisorJob().plus(
					CoroutineExceptionHandler((_, e) => handled.push(e)),
				),
			);
			yield* scope
				.launch(function* () {
					throw boom;
				})
				.join();
		});
		t.expectSame(handled, [boom]);
	});

	it("without a handler in the context, the failure goes to the global handler", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				yield* GlobalScope.launch(function* () {
					throw boom;
				}).join();
			},
			{ unhandled: [(e) => e === boom] },
		);
	});

	it("a throwing handler does not lose the failure: the global handler gets an Error caused by the handler's, with the failure suppressed (E5)", async () => {
		const boom = new Error("boom");
		const broken = new Error("handler broke");
		await t.runBlock(
			function* () {
				yield* GlobalScope.launch(
					CoroutineExceptionHandler(() => {
						throw broken;
					}),
					function* () {
						throw boom;
					},
				).join();
			},
			{
				unhandled: [
					(e) =>
						e.message ===
							"Exception while trying to handle coroutine exception" &&
						e.cause === broken &&
						suppressedOf(e)[0] === boom,
				],
			},
		);
	});

	it("a handler that rethrows the failure itself passes it on as is, not wrapped (E5, Kotlin's handlerException)", async () => {
		const boom = new Error("boom");
		await t.runBlock(
			function* () {
				yield* GlobalScope.launch(
					CoroutineExceptionHandler((_, e) => {
						t.expect(1);
						throw e;
					}),
					function* () {
						throw boom;
					},
				).join();
				t.finish(2);
			},
			{ unhandled: [(e) => e === boom && suppressedOf(e).length === 0] },
		);
	});

	it("a handler on a child of an ordinary coroutine is never called: the parent handles the failure (E6)", async () => {
		const boom = new Error("boom");
		const childHandler: Error[] = [];
		const rootHandler: Error[] = [];
		await t.runBlock(function* () {
			const root = GlobalScope.launch(
				CoroutineExceptionHandler((_, e) => rootHandler.push(e)),
				function* () {
					this.launch(
						CoroutineExceptionHandler((_, e) => childHandler.push(e)),
						function* () {
							throw boom;
						},
					);
				},
			);
			yield* root.join();
		});
		expect(childHandler).toHaveLength(0);
		t.expectSame(rootHandler, [boom]);
	});

	it("a handler on async is never called: the failure stays in the Deferred (E4, E6)", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const d = GlobalScope.async(
				CoroutineExceptionHandler((_, e) => handled.push(e)),
				function* () {
					throw boom;
				},
			);
			yield* d.join();
			expect(d.getCompletionExceptionOrNull()).toBe(boom);
			expect(() => d.getCompleted()).toThrow(boom);
		});
		expect(handled).toHaveLength(0);
	});

	it("a launch under a NonCancellable parent is a root: its handler is called (E6)", async () => {
		const boom = new Error("boom");
		const handled: Error[] = [];
		await t.runBlock(function* () {
			yield* CoroutineScope(NonCancellable)
				.launch(
					CoroutineExceptionHandler((_, e) => handled.push(e)),
					function* () {
						throw boom;
					},
				)
				.join();
		});
		t.expectSame(handled, [boom]);
	});

	it("the handler runs only after the failing coroutine and all its children finished (guide exceptions-04)", async () => {
		const boom = new Error("boom");
		const log: string[] = [];
		const root = GlobalScope.launch(
			CoroutineExceptionHandler((_, e) => log.push(`handler ${e.message}`)),
			function* () {
				this.launch(function* () {
					try {
						yield* awaitCancellation();
					} finally {
						yield* withContext(NonCancellable, function* () {
							log.push("child cleanup starts");
							yield* delay(5);
							log.push("child cleanup ends");
						});
					}
				});
				this.launch(function* () {
					yield* yieldNow();
					log.push("failing");
					throw boom;
				});
			},
		);
		await t.runBlock(function* () {
			yield* root.join();
		});
		expect(log).toEqual([
			"failing",
			"child cleanup starts",
			"child cleanup ends",
			"handler boom",
		]);
	});

	it("a CancellationException never reaches a handler (E4)", async () => {
		const handled: Error[] = [];
		await t.runBlock(function* () {
			const job = GlobalScope.launch(
				CoroutineExceptionHandler((_, e) => handled.push(e)),
				function* () {
					yield* awaitCancellation();
				},
			);
			yield* yieldNow();
			job.cancel();
			yield* job.join();
		});
		expect(handled).toHaveLength(0);
	});
});

describe("a failing async (E7)", () => {
	it("cancels its non-supervisor parent like launch, and keeps the failure: each await rethrows it", async () => {
		const boom = new Error("boom");
		const log: string[] = [];
		await t.runBlock(
			function* () {
				const d = this.async(function* () {
					throw boom;
				});
				const awaiter = GlobalScope.async(function* () {
					const got: unknown[] = [];
					for (let i = 0; i < 2; i++) {
						try {
							yield* d.await();
						} catch (e) {
							got.push(e);
						}
					}
					return got;
				});
				try {
					yield* awaitCancellation();
				} finally {
					log.push("parent cancelled");
					const got = yield* withContext(NonCancellable, function* () {
						return yield* awaiter.await();
					});
					t.expectSame(got, [boom, boom]);
				}
			},
			{ expected: (e) => e === boom },
		);
		expect(log).toEqual(["parent cancelled"]);
	});
});

describe("scope rethrow (E8)", () => {
	it("a child's failure cancels the block and the siblings; coroutineScope rethrows it after they finished; the caller is not cancelled", async () => {
		const boom = new Error("boom");
		const cleanups: string[] = [];
		await t.runBlock(function* () {
			try {
				yield* coroutineScope(function* () {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} finally {
							cleanups.push("sibling");
						}
					});
					this.launch(function* () {
						t.expect(1);
						throw boom;
					});
					try {
						yield* awaitCancellation();
					} finally {
						cleanups.push("block");
					}
				});
			} catch (e) {
				t.expect(2);
				expect(e).toBe(boom);
				// The sibling was attached before the block suspended: it is notified first (H3, L3).
				expect(cleanups).toEqual(["sibling", "block"]);
			}
			expect(currentCoroutineContext().get(Job.Key)?.isActive).toBe(true);
			t.finish(3);
		});
	});

	it("withTimeout rethrows a failure of its block as is, not as a timeout", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			let caught: unknown = null;
			try {
				yield* withTimeout(1_000, function* () {
					yield* yieldNow();
					throw boom;
				});
			} catch (e) {
				caught = e;
			}
			expect(caught).toBe(boom);
		});
	});

	it("a CompletableDeferred failed by hand is rethrown by await", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			const d = CompletableDeferred<number>();
			this.launch(function* () {
				d.completeExceptionally(boom);
			});
			let caught: unknown = null;
			try {
				yield* d.await();
			} catch (e) {
				caught = e;
			}
			expect(caught).toBe(boom);
		});
	});
});
