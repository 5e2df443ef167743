import { Cause, Effect, Exit, Fiber, Option } from "effect";
import {
	CancellationException,
	coroutineScope,
	delay,
	GlobalScope,
	NonCancellable,
	runCoroutine,
	type Suspend,
	TimeoutCancellationException,
	withContext,
	withTimeout,
	yieldNow,
} from "kocoro";
import { EffectFailure, fromEffect, toEffect } from "kocoro/effect";
import { describe, expect, it } from "vitest";

class NotFound extends Error {
	override readonly name = "NotFound";
}

/** Runs a block and returns what it threw (or null). */
function thrownBy(block: () => Suspend<void>): Promise<unknown> {
	return runCoroutine(function* () {
		try {
			yield* block();
			return null;
		} catch (e) {
			return e;
		}
	});
}

describe("fromEffect", () => {
	it("returns the value of a synchronous and of an asynchronous Effect", async () => {
		const v = await runCoroutine(function* () {
			const a = yield* fromEffect(Effect.succeed(20));
			const b = yield* fromEffect(Effect.sleep("5 millis").pipe(Effect.as(22)));
			const c = yield* fromEffect(Effect.promise(() => Promise.resolve("!")));
			return `${a + b}${c}`;
		});
		expect(v).toBe("42!");
	});

	it("an Effect failure is thrown as an EffectFailure that keeps the Cause and the error", async () => {
		const notFound = new NotFound("no user 7");
		const caught = await thrownBy(function* () {
			yield* fromEffect(
				Effect.sleep("1 millis").pipe(Effect.andThen(Effect.fail(notFound))),
			);
		});
		expect(caught).toBeInstanceOf(EffectFailure);
		const f = caught as EffectFailure<NotFound>;
		expect(f.failure).toBe(notFound);
		expect(Cause.isCause(f.cause)).toBe(true);
		expect(Cause.hasFails(f.cause)).toBe(true);
		expect(Cause.squash(f.cause)).toBe(notFound);
		expect(String(f)).toBe(
			"EffectFailure: The Effect failed: NotFound: no user 7",
		);
	});

	it("a defect is thrown as an EffectFailure too", async () => {
		const caught = await thrownBy(function* () {
			yield* fromEffect(Effect.die("invariant broken"));
		});
		expect(caught).toBeInstanceOf(EffectFailure);
		const f = caught as EffectFailure;
		expect(f.failure).toBe("invariant broken");
		expect(Cause.hasDies(f.cause)).toBe(true);
		expect(String(f)).toBe(
			'EffectFailure: The Effect died: "invariant broken"',
		);
	});

	it("an Effect that interrupts itself is thrown as a CancellationException holding the Cause", async () => {
		const caught = await thrownBy(function* () {
			yield* fromEffect(Effect.interrupt);
		});
		expect(caught).toBeInstanceOf(CancellationException);
		expect(
			Cause.hasInterruptsOnly((caught as Error).cause as Cause.Cause<never>),
		).toBe(true);
	});

	it("cancelling the coroutine interrupts the fiber and waits until its finalizers ran", async () => {
		const events: string[] = [];
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				try {
					yield* fromEffect(
						Effect.never.pipe(
							Effect.onInterrupt(() =>
								Effect.sync(() => events.push("finalizer start")).pipe(
									Effect.andThen(Effect.sleep("20 millis")),
									Effect.andThen(
										Effect.sync(() => events.push("finalizer end")),
									),
								),
							),
						),
					);
				} catch (e) {
					events.push(`coroutine caught ${(e as Error).name}`);
					throw e;
				}
			});
			yield* delay(5);
			events.push("cancel");
			yield* job.cancelAndJoin();
			events.push("joined");
		});
		expect(events).toEqual([
			"cancel",
			"finalizer start",
			"finalizer end",
			"coroutine caught JobCancellationException",
			"joined",
		]);
	});

	it("withTimeout interrupts the Effect and throws TimeoutCancellationException", async () => {
		let interrupted = false;
		const caught = await thrownBy(function* () {
			yield* withTimeout(10, function* () {
				yield* fromEffect(
					Effect.never.pipe(
						Effect.onInterrupt(() =>
							Effect.sync(() => {
								interrupted = true;
							}),
						),
					),
				);
			});
		});
		expect(caught).toBeInstanceOf(TimeoutCancellationException);
		expect(interrupted).toBe(true);
	});

	it("does not start the Effect in a coroutine that is already cancelled", async () => {
		let started = false;
		const caught = await thrownBy(function* () {
			yield* coroutineScope(function* (scope) {
				scope.cancel();
				yield* fromEffect(
					Effect.sync(() => {
						started = true;
					}),
				);
			});
		});
		expect(caught).toBeInstanceOf(CancellationException);
		expect(started).toBe(false);
	});

	it("runs under NonCancellable in cleanup code", async () => {
		const events: string[] = [];
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				try {
					yield* delay(10_000);
				} finally {
					yield* withContext(NonCancellable, function* () {
						const v = yield* fromEffect(
							Effect.sleep("2 millis").pipe(Effect.as("flushed")),
						);
						events.push(v);
					});
				}
			});
			yield* yieldNow();
			yield* job.cancelAndJoin();
			events.push("joined");
		});
		expect(events).toEqual(["flushed", "joined"]);
	});

	it("a finalizer that dies during cancellation turns the cancellation into a failure", async () => {
		let started!: () => void;
		const running = new Promise<void>((r) => {
			started = r;
		});
		const job = GlobalScope.async(function* () {
			yield* fromEffect(
				Effect.sync(started).pipe(
					Effect.andThen(Effect.never),
					Effect.ensuring(Effect.die(new Error("flush failed"))),
				),
			);
		});
		await running;
		job.cancel();
		const e = await job.asPromise().then(
			() => null,
			(err: unknown) => err,
		);
		expect(e).toBeInstanceOf(EffectFailure);
		expect(String((e as EffectFailure).failure)).toBe("Error: flush failed");
	});

	it("rejects a non-Effect argument with a TypeError", () => {
		expect(() => fromEffect(Promise.resolve(1) as never)).toThrow(
			"fromEffect(effect): expected an Effect, got object",
		);
	});
});

describe("toEffect", () => {
	it("succeeds with the block's value", async () => {
		const v = await Effect.runPromise(
			toEffect(function* () {
				yield* delay(1);
				return 5;
			}),
		);
		expect(v).toBe(5);
	});

	it("fails with the block's failure as a typed error", async () => {
		const boom = new Error("boom");
		const exit = await Effect.runPromiseExit(
			toEffect(function* () {
				yield* delay(1);
				throw boom;
			}),
		);
		expect(Exit.isFailure(exit)).toBe(true);
		if (Exit.isFailure(exit)) {
			expect(Cause.hasFails(exit.cause)).toBe(true);
			expect(Cause.squash(exit.cause)).toBe(boom);
		}
		const recovered = await Effect.runPromise(
			toEffect(function* (): Generator<never, number> {
				throw boom;
			}).pipe(Effect.catch((e) => Effect.succeed(e === boom ? 1 : 0))),
		);
		expect(recovered).toBe(1);
	});

	it("gives an EffectFailure's Cause back unchanged (round trip)", async () => {
		const notFound = new NotFound("x");
		const exit = await Effect.runPromiseExit(
			toEffect(function* () {
				return yield* fromEffect(Effect.fail(notFound));
			}),
		);
		expect(Exit.isFailure(exit)).toBe(true);
		if (Exit.isFailure(exit)) expect(Cause.squash(exit.cause)).toBe(notFound);
	});

	it("a block that ends cancelled interrupts the fiber", async () => {
		const exit = await Effect.runPromiseExit(
			toEffect(function* () {
				yield* withTimeout(1, function* () {
					yield* delay(1000);
				});
			}),
		);
		expect(Exit.isFailure(exit)).toBe(true);
		if (Exit.isFailure(exit)) {
			expect(Cause.hasInterruptsOnly(exit.cause)).toBe(true);
		}
	});

	it("interrupting the fiber cancels the coroutine and completes only after its finally ran", async () => {
		const events: string[] = [];
		let started!: () => void;
		const running = new Promise<void>((r) => {
			started = r;
		});
		const fiber = Effect.runFork(
			toEffect(function* () {
				try {
					started();
					yield* delay(10_000);
				} catch (e) {
					events.push(`caught ${(e as Error).name}: ${(e as Error).message}`);
					throw e;
				} finally {
					yield* withContext(NonCancellable, function* () {
						events.push("cleanup start");
						yield* delay(20);
						events.push("cleanup end");
					});
				}
			}),
		);
		await running;
		await Effect.runPromise(Fiber.interrupt(fiber));
		events.push("interrupt done");
		expect(events).toEqual([
			"caught CancellationException: The Effect fiber was interrupted",
			"cleanup start",
			"cleanup end",
			"interrupt done",
		]);
	});

	it("Effect.timeoutOption stops a slow block and waits for its cleanup", async () => {
		const events: string[] = [];
		const result = await Effect.runPromise(
			Effect.timeoutOption(
				toEffect(function* () {
					try {
						yield* delay(10_000);
						return "late";
					} finally {
						yield* withContext(NonCancellable, function* () {
							yield* delay(5);
							events.push("cleanup done");
						});
					}
				}),
				"10 millis",
			),
		);
		events.push("timed out");
		expect(Option.isNone(result)).toBe(true);
		expect(events).toEqual(["cleanup done", "timed out"]);
	});

	it("interruption crosses both bridges: Effect -> kocoro -> Effect, and unwinds innermost first", async () => {
		const events: string[] = [];
		let started!: () => void;
		const running = new Promise<void>((r) => {
			started = r;
		});
		const inner = Effect.sync(() => started()).pipe(
			Effect.andThen(Effect.never),
			Effect.onInterrupt(() =>
				Effect.sleep("5 millis").pipe(
					Effect.andThen(
						Effect.sync(() => events.push("inner fiber finalizer")),
					),
				),
			),
		);
		const fiber = Effect.runFork(
			toEffect(function* () {
				try {
					yield* fromEffect(inner);
				} finally {
					events.push("coroutine finally");
				}
			}).pipe(
				Effect.onInterrupt(() =>
					Effect.sync(() => events.push("outer fiber interrupted")),
				),
			),
		);
		await running; // the inner fiber runs
		await Effect.runPromise(Fiber.interrupt(fiber));
		events.push("interrupt done");
		const exit = await Effect.runPromise(Fiber.await(fiber));
		expect(events).toEqual([
			"inner fiber finalizer",
			"coroutine finally",
			"outer fiber interrupted",
			"interrupt done",
		]);
		expect(Exit.isFailure(exit)).toBe(true);
		if (Exit.isFailure(exit)) {
			expect(Cause.hasInterruptsOnly(exit.cause)).toBe(true);
		}
	});

	it("runs a fresh coroutine each time the Effect runs", async () => {
		let runs = 0;
		const effect = toEffect(function* () {
			runs++;
			yield* delay(1);
			return runs;
		});
		const both = await Effect.runPromise(
			Effect.all([effect, effect], { concurrency: 2 }),
		);
		expect(both).toEqual([2, 2]);
		expect(runs).toBe(2);
	});
});
