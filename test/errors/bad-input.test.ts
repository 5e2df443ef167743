import {
	awaitAll,
	type Block,
	type CancellationException,
	CompletionHandlerException,
	CoroutineExceptionHandler,
	CoroutineName,
	CoroutineScope,
	currentCoroutineContext,
	delay,
	EmptyCoroutineContext,
	ensureActive,
	GlobalScope,
	IllegalStateException,
	type Instruction,
	isActive,
	Job,
	joinAll,
	runCoroutine,
	SupervisorJob,
	setDefaultCoroutineExceptionHandler,
	suspendCancellableCoroutine,
	withTimeout,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase, withHangGuard } from "../support/test-base.js";

const t = useTestBase();

/** Lets a test yield a value that is not an instruction (the mistake under test). */
function asInstruction(v: unknown): Instruction {
	return v as Instruction;
}

describe("times", () => {
	it("NaN is a RangeError naming the argument", () => {
		expect(() => delay(Number.NaN)).toThrow(RangeError);
		expect(() => delay(Number.NaN)).toThrow(/timeMillis/);
		const block: Block<void> = function* () {};
		expect(() => withTimeout(Number.NaN, block)).toThrow(RangeError);
		expect(() => withTimeout(Number.NaN, block)).toThrow(/timeMillis/);
		expect(() => withTimeoutOrNull(Number.NaN, block)).toThrow(/timeMillis/);
	});

	it("a non-number is a TypeError naming the argument", () => {
		const block: Block<void> = function* () {};
		for (const bad of ["10", undefined, null, {}, 10n]) {
			expect(() => delay(bad as number)).toThrow(TypeError);
			expect(() => delay(bad as number)).toThrow(/timeMillis/);
			expect(() => withTimeout(bad as number, block)).toThrow(TypeError);
			expect(() => withTimeoutOrNull(bad as number, block)).toThrow(TypeError);
		}
	});

	it("a negative time means now", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				t.expect(2);
			});
			yield* delay(-1);
			t.expect(1);
			try {
				yield* withTimeout(-100, function* () {
					t.expectUnreached();
				});
				t.expectUnreached();
			} catch (e) {
				expect(String(e)).toBe(
					"TimeoutCancellationException: Timed out immediately",
				);
			}
			yield* yieldNow();
			t.finish(3);
		});
	});
});

describe("yielding something that is not an instruction", () => {
	it("a plain value is a TypeError that tells to use yield*", async () => {
		await t.runBlock(function* () {
			try {
				yield asInstruction(42);
				t.expectUnreached();
			} catch (e) {
				t.expect(1);
				expect(e).toBeInstanceOf(TypeError);
				expect((e as Error).message).toMatch(/yield\*/);
			}
			t.finish(2);
		});
	});

	it("a promise is a TypeError whose message shows yield* awaitPromise(...)", async () => {
		await t.runBlock(function* () {
			try {
				yield asInstruction(Promise.resolve(1));
				t.expectUnreached();
			} catch (e) {
				t.expect(1);
				expect(e).toBeInstanceOf(TypeError);
				expect((e as Error).message).toMatch(/yield\* awaitPromise\(/);
			}
			t.finish(2);
		});
	});

	it("a suspend function's generator yielded with yield instead of yield* is a TypeError that says so", async () => {
		function* helper(): Generator<Instruction, void, unknown> {
			yield* delay(1);
		}
		await t.runBlock(function* () {
			try {
				yield asInstruction(helper());
				t.expectUnreached();
			} catch (e) {
				t.expect(1);
				expect(e).toBeInstanceOf(TypeError);
				expect((e as Error).message).toMatch(
					/use `yield\*` instead of `yield`/,
				);
			}
			t.finish(2);
		});
	});

	it("uncaught, the TypeError fails the coroutine", async () => {
		await t.runBlock(
			function* () {
				yield asInstruction("oops");
			},
			{ expected: (e) => e instanceof TypeError },
		);
	});
});

describe("calls outside a coroutine", () => {
	it("isActive(), ensureActive() and currentCoroutineContext() throw a clear error", async () => {
		for (const call of [isActive, ensureActive, currentCoroutineContext]) {
			expect(call).toThrow(IllegalStateException);
			expect(call).toThrow(/outside a coroutine/);
		}
		// Each message names an alternative that exists.
		expect(isActive).toThrow(/use scope\.isActive \/ job\.isActive on/);
		expect(ensureActive).toThrow(
			/use scope\.ensureActive\(\) \/ job\.ensureActive\(\) on/,
		);
		expect(currentCoroutineContext).toThrow(/use scope\.coroutineContext on/);
		// Also from a callback that a coroutine scheduled: it runs outside any step.
		const fromCallback = await withHangGuard(
			runCoroutine(function* () {
				return new Promise<string>((resolve) =>
					setTimeout(() => {
						try {
							isActive();
							resolve("no error");
						} catch (e) {
							resolve((e as Error).message);
						}
					}, 0),
				);
			}).then((p) => p),
			"the callback",
		);
		expect(fromCallback).toMatch(/outside a coroutine/);
	});
});

describe("suspendCancellableCoroutine", () => {
	it("resuming a continuation twice is an IllegalStateException", async () => {
		await t.runBlock(function* () {
			let second: unknown;
			const v = yield* suspendCancellableCoroutine<number>((cont) => {
				cont.resume(1);
				try {
					cont.resume(2);
				} catch (e) {
					second = e;
				}
			});
			expect(v).toBe(1);
			expect(second).toBeInstanceOf(IllegalStateException);
			expect((second as Error).message).toMatch(/already resumed/);
			let later: unknown;
			let saved: { resume(v: number): void } | undefined;
			const w = yield* suspendCancellableCoroutine<number>((cont) => {
				saved = cont;
				setTimeout(() => cont.resume(3), 1);
			});
			try {
				saved?.resume(4);
			} catch (e) {
				later = e;
			}
			expect(w).toBe(3);
			expect(later).toBeInstanceOf(IllegalStateException);
		});
	});

	it("resuming after the coroutine was cancelled is ignored", async () => {
		await t.runBlock(function* () {
			let saved: { resume(v: number): void } | undefined;
			const job = this.launch(function* () {
				yield* suspendCancellableCoroutine<number>((cont) => {
					saved = cont;
				});
			});
			yield* yieldNow();
			job.cancel();
			saved?.resume(1);
			yield* job.join();
			expect(job.isCancelled).toBe(true);
		});
	});

	it("a body that is not a function is a TypeError", () => {
		expect(() => suspendCancellableCoroutine(5 as never)).toThrow(TypeError);
	});
});

describe("builders given something other than a generator function", () => {
	it("an async function or a non-function is a TypeError at the call", async () => {
		const scope = CoroutineScope(Job());
		expect(() =>
			scope.launch((async () => {}) as unknown as Block<void>),
		).toThrow(TypeError);
		expect(() =>
			scope.launch((async () => {}) as unknown as Block<void>),
		).toThrow(/generator function/);
		expect(() => scope.launch(null as unknown as Block<void>)).toThrow(
			TypeError,
		);
		expect(() => scope.async(42 as unknown as Block<void>)).toThrow(TypeError);
		expect(() => runCoroutine("x" as unknown as Block<void>)).toThrow(
			TypeError,
		);
		scope.cancel();
	});

	it("a plain function returning a non-iterable fails the coroutine with a TypeError", async () => {
		await expect(
			withHangGuard(
				runCoroutine((() => 5) as unknown as Block<void>),
				"runCoroutine",
			),
		).rejects.toThrow(/generator function/);
		const d = CoroutineScope(SupervisorJob()).async((() =>
			Promise.resolve(1)) as unknown as Block<number>);
		await expect(withHangGuard(d.asPromise(), "async")).rejects.toThrow(
			TypeError,
		);
	});

	it("an async generator function is a TypeError at the call that names the fix", () => {
		const scope = CoroutineScope(Job());
		const asyncGen = async function* () {};
		for (const call of [
			() => scope.launch(asyncGen as unknown as Block<void>),
			() => scope.async(asyncGen as unknown as Block<void>),
			() => runCoroutine(asyncGen as unknown as Block<void>),
		]) {
			expect(call).toThrow(TypeError);
			expect(call).toThrow(/async generator function.*yield\* awaitPromise/);
		}
		scope.cancel();
	});

	it("a plain function returning an async generator fails the coroutine with a TypeError instead of spinning forever", async () => {
		const asyncGen = async function* () {};
		await expect(
			withHangGuard(
				runCoroutine((() => asyncGen()) as unknown as Block<void>),
				"runCoroutine",
			),
		).rejects.toThrow(/async generator/);
	});

	it("cancel() with something other than a CancellationException or a string is a TypeError", () => {
		const job = Job();
		expect(() => job.cancel(new Error("x") as CancellationException)).toThrow(
			TypeError,
		);
		expect(job.isActive).toBe(true);
		expect(() =>
			GlobalScope.launch(function* () {}).cancel(undefined),
		).not.toThrow();
	});
});

describe("launch on a cancelled scope", () => {
	it("the child is cancelled at once and its body never runs", async () => {
		await t.runBlock(function* () {
			const scope = CoroutineScope(Job());
			scope.cancel();
			const job = scope.launch(function* () {
				t.expectUnreached();
			});
			expect(job.isCancelled).toBe(true);
			yield* job.join();
		});
	});
});

describe("a throwing completion handler", () => {
	it("becomes a CompletionHandlerException; the other handlers still run", () => {
		const job = Job();
		const log: string[] = [];
		job.invokeOnCompletion(() => {
			throw new Error("bad handler");
		});
		job.invokeOnCompletion(() => log.push("still runs"));
		expect(() => job.complete()).toThrow(CompletionHandlerException);
		expect(log).toEqual(["still runs"]);
	});

	it("invokeOnCompletion with something other than a function is a TypeError", () => {
		expect(() => Job().invokeOnCompletion(5 as never)).toThrow(TypeError);
	});
});

describe("other bad arguments name the argument and the fix", () => {
	it("contexts, start modes, parents, names, handlers, failures and jobs", async () => {
		const scope = CoroutineScope(Job());
		const block: Block<void> = function* () {};
		const cases: [() => unknown, RegExp][] = [
			[
				() => scope.launch(7 as never, block),
				/launch\(context, block\): expected a CoroutineContext/,
			],
			[
				() => scope.async(EmptyCoroutineContext, 99 as never, block),
				/start must be a CoroutineStart, got 99/,
			],
			[
				() => CoroutineScope("ctx" as never),
				/CoroutineScope\(context\): expected a CoroutineContext/,
			],
			[() => Job(5 as never), /Job\(parent\): parent must be a Job/],
			[() => SupervisorJob({} as never), /parent must be a Job/],
			[
				() => CoroutineName(5 as never),
				/CoroutineName\(name\): name must be a string/,
			],
			[
				() => CoroutineExceptionHandler(5 as never),
				/CoroutineExceptionHandler\(handler\): handler must be a function/,
			],
			[
				() => setDefaultCoroutineExceptionHandler(5 as never),
				/setDefaultCoroutineExceptionHandler\(handler\): expected a function or null/,
			],
			[
				() => Job().completeExceptionally("x" as never),
				/completeExceptionally\(exception\): exception must be an Error/,
			],
			[
				() => withTimeout(10, 3 as never),
				/withTimeout\(block\): the block must be a generator function/,
			],
			[
				() => awaitAll(5 as never),
				/expected a Job or Deferred created by kocoro/,
			],
			[
				() => joinAll({} as never),
				/expected a Job or Deferred created by kocoro/,
			],
			[
				() => awaitAll([[]] as never),
				/awaitAll\(\.\.\.\): expected a Job or Deferred created by kocoro \(as arguments or in one array\), got object \(an array inside the list: pass one flat list/,
			],
			[
				() => scope.launch(block as never, block),
				/launch\(context, block\): expected a CoroutineContext/,
			],
		];
		for (const [call, message] of cases) {
			expect(call).toThrow(TypeError);
			expect(call).toThrow(message);
		}
		await withHangGuard(Promise.resolve(), "nothing");
		scope.cancel();
	});
});
