/**
 * The kotlinx.coroutines guide, "Composing suspending functions"
 * (docs/topics/composing-suspending-functions.md; expected outputs from
 * kotlinx-coroutines-core/jvm/test/guide/test/ComposingGuideTest.kt), ported to kocoro. Times are
 * divided by 10. "Completed in N ms" is checked by lower bounds only (a delay never ends early)
 * and by the order in which the two computations start and end, never by an upper time bound.
 *
 * The examples run in virtual time (`runInVirtualTime`: `runCoroutine` on kocoro/test's scheduler),
 * so their outputs never depend on the machine's load; those whose subject is a real dispatcher
 * (`Dispatchers.Default`, `Unconfined`, `GlobalScope`) or a busy loop run on `runCoroutine`.
 */
import {
	CoroutineStart,
	coroutineScope,
	currentCoroutineContext,
	type Deferred,
	delay,
	EmptyCoroutineContext,
	GlobalScope,
	type Suspend,
} from "kocoro";
import { TestCoroutineScheduler } from "kocoro/test";
import { describe, expect, it } from "vitest";
import { ArithmeticException } from "../support/exceptions.js";
import {
	Output,
	runInVirtualTime,
	useTestBase,
	withHangGuard,
} from "../support/test-base.js";

useTestBase();

const WORK = 100; // the guide's 1000 ms

function useful(out: Output) {
	function* doSomethingUsefulOne(): Suspend<number> {
		out.println("one starts");
		yield* delay(WORK); // pretend we are doing something useful here
		out.println("one ends");
		return 13;
	}
	function* doSomethingUsefulTwo(): Suspend<number> {
		out.println("two starts");
		yield* delay(WORK); // pretend we are doing something useful here, too
		out.println("two ends");
		return 29;
	}
	return { doSomethingUsefulOne, doSomethingUsefulTwo };
}

/** Kotlin's `measureTimeMillis`, on the virtual clock of the test's scheduler. */
function* measureTimeMillis(block: () => Suspend<void>): Suspend<number> {
	const scheduler = currentCoroutineContext().get(TestCoroutineScheduler.Key)!;
	const start = scheduler.currentTime;
	yield* block();
	return scheduler.currentTime - start;
}

const concurrentTrace = ["one starts", "two starts", "one ends", "two ends"];

describe("guide: composing suspending functions", () => {
	it("compose-01: sequential by default", async () => {
		const out = new Output();
		const { doSomethingUsefulOne, doSomethingUsefulTwo } = useful(out);
		const time = await withHangGuard(
			runInVirtualTime(function* () {
				return yield* measureTimeMillis(function* () {
					const one = yield* doSomethingUsefulOne();
					const two = yield* doSomethingUsefulTwo();
					out.println(`The answer is ${one + two}`);
				});
			}),
			"compose-01",
		);
		expect(out.lines).toEqual([
			"one starts",
			"one ends",
			"two starts",
			"two ends",
			"The answer is 42",
		]);
		expect(time).toBe(2 * WORK);
	});

	it("compose-02: concurrent using async", async () => {
		const out = new Output();
		const { doSomethingUsefulOne, doSomethingUsefulTwo } = useful(out);
		const time = await withHangGuard(
			runInVirtualTime(function* (scope) {
				return yield* measureTimeMillis(function* () {
					const one = scope.async(function* () {
						return yield* doSomethingUsefulOne();
					});
					const two = scope.async(function* () {
						return yield* doSomethingUsefulTwo();
					});
					out.println(
						`The answer is ${(yield* one.await()) + (yield* two.await())}`,
					);
				});
			}),
			"compose-02",
		);
		expect(out.lines).toEqual([...concurrentTrace, "The answer is 42"]);
		expect(time).toBe(WORK);
	});

	it("compose-03: lazily started async", async () => {
		const out = new Output();
		const { doSomethingUsefulOne, doSomethingUsefulTwo } = useful(out);
		await withHangGuard(
			runInVirtualTime(function* () {
				const one = this.async(
					EmptyCoroutineContext,
					CoroutineStart.LAZY,
					function* () {
						return yield* doSomethingUsefulOne();
					},
				);
				const two = this.async(
					EmptyCoroutineContext,
					CoroutineStart.LAZY,
					function* () {
						return yield* doSomethingUsefulTwo();
					},
				);
				out.println("nothing started yet");
				one.start(); // start the first one
				two.start(); // start the second one
				out.println(
					`The answer is ${(yield* one.await()) + (yield* two.await())}`,
				);
			}),
			"compose-03",
		);
		expect(out.lines).toEqual([
			"nothing started yet",
			...concurrentTrace,
			"The answer is 42",
		]);
	});

	it("compose-04: async-style functions (GlobalScope.async, discouraged)", async () => {
		const out = new Output();
		const { doSomethingUsefulOne, doSomethingUsefulTwo } = useful(out);
		const somethingUsefulOneAsync = (): Deferred<number> =>
			GlobalScope.async(function* () {
				return yield* doSomethingUsefulOne();
			});
		const somethingUsefulTwoAsync = (): Deferred<number> =>
			GlobalScope.async(function* () {
				return yield* doSomethingUsefulTwo();
			});
		// Started outside of any coroutine, as in the guide.
		const one = somethingUsefulOneAsync();
		const two = somethingUsefulTwoAsync();
		await withHangGuard(
			runInVirtualTime(function* () {
				out.println(
					`The answer is ${(yield* one.await()) + (yield* two.await())}`,
				);
			}),
			"compose-04",
		);
		expect(out.lines).toEqual([...concurrentTrace, "The answer is 42"]);
	});

	it("compose-05: structured concurrency with async", async () => {
		const out = new Output();
		const { doSomethingUsefulOne, doSomethingUsefulTwo } = useful(out);
		function* concurrentSum(): Suspend<number> {
			return yield* coroutineScope(function* () {
				const one = this.async(function* () {
					return yield* doSomethingUsefulOne();
				});
				const two = this.async(function* () {
					return yield* doSomethingUsefulTwo();
				});
				return (yield* one.await()) + (yield* two.await());
			});
		}
		await withHangGuard(
			runInVirtualTime(function* () {
				out.println(`The answer is ${yield* concurrentSum()}`);
			}),
			"compose-05",
		);
		expect(out.lines).toEqual([...concurrentTrace, "The answer is 42"]);
	});

	it("compose-06: cancellation is always propagated through the coroutines hierarchy (E8)", async () => {
		const out = new Output();
		function* failedConcurrentSum(): Suspend<number> {
			return yield* coroutineScope(function* () {
				const one = this.async(function* () {
					try {
						yield* delay(Number.POSITIVE_INFINITY); // emulates very long computation
						return 42;
					} finally {
						out.println("First child was cancelled");
					}
				});
				const two = this.async<number>(function* () {
					out.println("Second child throws an exception");
					throw new ArithmeticException();
				});
				return (yield* one.await()) + (yield* two.await());
			});
		}
		await withHangGuard(
			runInVirtualTime(function* () {
				try {
					yield* failedConcurrentSum();
				} catch (e) {
					if (e instanceof ArithmeticException) {
						out.println("Computation failed with ArithmeticException");
					} else throw e;
				}
			}),
			"compose-06",
		);
		expect(out.lines).toEqual([
			"Second child throws an exception",
			"First child was cancelled",
			"Computation failed with ArithmeticException",
		]);
	});
});
