/**
 * The kotlinx.coroutines guide, "Coroutine exceptions handling" (docs/topics/exception-handling.md;
 * expected outputs from kotlinx-coroutines-core/jvm/test/guide/test/ExceptionsGuideTest.kt),
 * exceptions-01..06 and supervision-01..03, ported to kocoro. JVM exception classes are stand-ins
 * named like them (`String(e)` prints `IOException` where Kotlin prints `java.io.IOException`).
 * Times are divided by 10.
 *
 * The examples run in virtual time (`runInVirtualTime`: `runCoroutine` on kocoro/test's scheduler),
 * so their outputs never depend on the machine's load; those whose subject is a real dispatcher
 * (`Dispatchers.Default`, `Unconfined`, `GlobalScope`) or a busy loop run on `runCoroutine`.
 */
import {
	CoroutineExceptionHandler,
	CoroutineScope,
	delay,
	GlobalScope,
	joinAll,
	NonCancellable,
	SupervisorJob,
	supervisorScope,
	withContext,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import {
	ArithmeticException,
	AssertionError,
	IndexOutOfBoundsException,
	IOException,
	suppressedOf,
} from "../support/exceptions.js";
import {
	Output,
	runInVirtualTime,
	useTestBase,
	withHangGuard,
} from "../support/test-base.js";

const t = useTestBase();

function handlerPrinting(out: Output) {
	return CoroutineExceptionHandler((_, exception) => {
		out.println(`CoroutineExceptionHandler got ${exception}`);
	});
}

describe("guide: exception handling", () => {
	it("exceptions-01: exception propagation (launch reports, async exposes)", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = GlobalScope.launch(function* () {
					// root coroutine with launch
					out.println("Throwing exception from launch");
					throw new IndexOutOfBoundsException(); // goes to the global last resort
				});
				yield* job.join();
				for (const e of t.takeUncaught()) out.println(`Uncaught ${e}`);
				out.println("Joined failed job");
				const deferred = GlobalScope.async(function* () {
					// root coroutine with async
					out.println("Throwing exception from async");
					throw new ArithmeticException(); // nothing is printed, relying on user to call await
				});
				try {
					yield* deferred.await();
					out.println("Unreached");
				} catch (e) {
					if (e instanceof ArithmeticException)
						out.println("Caught ArithmeticException");
				}
			}),
			"exceptions-01",
		);
		expect(out.lines).toEqual([
			"Throwing exception from launch",
			"Uncaught IndexOutOfBoundsException",
			"Joined failed job",
			"Throwing exception from async",
			"Caught ArithmeticException",
		]);
	});

	it("exceptions-02: CoroutineExceptionHandler", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const handler = handlerPrinting(out);
				const job = GlobalScope.launch(handler, function* () {
					// root coroutine, running in GlobalScope
					throw new AssertionError();
				});
				const deferred = GlobalScope.async(handler, function* () {
					// also root, but async instead of launch
					throw new ArithmeticException(); // nothing will be printed, relying on user to call deferred.await()
				});
				yield* joinAll(job, deferred);
			}),
			"exceptions-02",
		);
		expect(out.lines).toEqual(["CoroutineExceptionHandler got AssertionError"]);
	});

	it("exceptions-03: cancellation and exceptions (cancelling a child leaves the parent alone)", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = this.launch(function* () {
					const child = this.launch(function* () {
						try {
							yield* delay(Number.POSITIVE_INFINITY);
						} finally {
							out.println("Child is cancelled");
						}
					});
					yield* yieldNow();
					out.println("Cancelling child");
					child.cancel();
					yield* child.join();
					yield* yieldNow();
					out.println("Parent is not cancelled");
				});
				yield* job.join();
			}),
			"exceptions-03",
		);
		expect(out.lines).toEqual([
			"Cancelling child",
			"Child is cancelled",
			"Parent is not cancelled",
		]);
	});

	it("exceptions-04: the exception is handled only after all children terminate", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = GlobalScope.launch(handlerPrinting(out), function* () {
					this.launch(function* () {
						// the first child
						try {
							yield* delay(Number.POSITIVE_INFINITY);
						} finally {
							yield* withContext(NonCancellable, function* () {
								out.println(
									"Children are cancelled, but exception is not handled until all children terminate",
								);
								yield* delay(10);
								out.println(
									"The first child finished its non cancellable block",
								);
							});
						}
					});
					this.launch(function* () {
						// the second child
						yield* delay(1);
						out.println("Second child throws an exception");
						throw new ArithmeticException();
					});
				});
				yield* job.join();
			}),
			"exceptions-04",
		);
		expect(out.lines).toEqual([
			"Second child throws an exception",
			"Children are cancelled, but exception is not handled until all children terminate",
			"The first child finished its non cancellable block",
			"CoroutineExceptionHandler got ArithmeticException",
		]);
	});

	it("exceptions-05: exceptions aggregation (suppressed)", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const handler = CoroutineExceptionHandler((_, exception) => {
					out.println(
						`CoroutineExceptionHandler got ${exception} with suppressed [${suppressedOf(exception).map(String).join(", ")}]`,
					);
				});
				const job = GlobalScope.launch(handler, function* () {
					this.launch(function* () {
						try {
							yield* delay(Number.POSITIVE_INFINITY); // cancelled when another sibling fails with IOException
						} finally {
							// biome-ignore lint/correctness/noUnsafeFinally: the guide's example
							throw new ArithmeticException(); // the second exception
						}
					});
					this.launch(function* () {
						yield* delay(10);
						throw new IOException(); // the first exception
					});
					yield* delay(Number.POSITIVE_INFINITY);
				});
				yield* job.join();
			}),
			"exceptions-05",
		);
		expect(out.lines).toEqual([
			"CoroutineExceptionHandler got IOException with suppressed [ArithmeticException]",
		]);
	});

	it("exceptions-06: cancellation exceptions are transparent and unwrapped", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = GlobalScope.launch(handlerPrinting(out), function* () {
					const inner = this.launch(function* () {
						// all this stack of coroutines will get cancelled
						this.launch(function* () {
							this.launch(function* () {
								throw new IOException(); // the original exception
							});
						});
					});
					try {
						yield* inner.join();
					} catch (e) {
						out.println("Rethrowing CancellationException with original cause");
						throw e; // the original IOException still gets to the handler
					}
				});
				yield* job.join();
			}),
			"exceptions-06",
		);
		expect(out.lines).toEqual([
			"Rethrowing CancellationException with original cause",
			"CoroutineExceptionHandler got IOException",
		]);
	});
});

describe("guide: supervision", () => {
	it("supervision-01: supervision job", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const supervisor = SupervisorJob();
				const scope = CoroutineScope(this.coroutineContext.plus(supervisor));
				// launch the first child -- its exception is ignored for this example (don't do this in practice!)
				const firstChild = scope.launch(
					CoroutineExceptionHandler(() => {}),
					function* () {
						out.println("The first child is failing");
						throw new AssertionError("The first child is cancelled");
					},
				);
				// launch the second child
				const secondChild = scope.launch(function* () {
					yield* firstChild.join();
					// Cancellation of the first child is not propagated to the second child
					out.println(
						`The first child is cancelled: ${firstChild.isCancelled}, but the second one is still active`,
					);
					try {
						yield* delay(Number.POSITIVE_INFINITY);
					} finally {
						// But cancellation of the supervisor is propagated
						out.println(
							"The second child is cancelled because the supervisor was cancelled",
						);
					}
				});
				// wait until the first child fails & completes
				yield* firstChild.join();
				out.println("Cancelling the supervisor");
				supervisor.cancel();
				yield* secondChild.join();
			}),
			"supervision-01",
		);
		expect(out.lines).toEqual([
			"The first child is failing",
			"The first child is cancelled: true, but the second one is still active",
			"Cancelling the supervisor",
			"The second child is cancelled because the supervisor was cancelled",
		]);
	});

	it("supervision-02: supervision scope", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				try {
					yield* supervisorScope(function* () {
						this.launch(function* () {
							try {
								out.println("The child is sleeping");
								yield* delay(Number.POSITIVE_INFINITY);
							} finally {
								out.println("The child is cancelled");
							}
						});
						// Give our child a chance to execute and print using yield
						yield* yieldNow();
						out.println("Throwing an exception from the scope");
						throw new AssertionError();
					});
				} catch (e) {
					if (e instanceof AssertionError)
						out.println("Caught an assertion error");
					else throw e;
				}
			}),
			"supervision-02",
		);
		expect(out.lines).toEqual([
			"The child is sleeping",
			"Throwing an exception from the scope",
			"The child is cancelled",
			"Caught an assertion error",
		]);
	});

	it("supervision-03: exceptions in supervised coroutines", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const handler = handlerPrinting(out);
				yield* supervisorScope(function* () {
					this.launch(handler, function* () {
						out.println("The child throws an exception");
						throw new AssertionError();
					});
					out.println("The scope is completing");
				});
				out.println("The scope is completed");
			}),
			"supervision-03",
		);
		expect(out.lines).toEqual([
			"The scope is completing",
			"The child throws an exception",
			"CoroutineExceptionHandler got AssertionError",
			"The scope is completed",
		]);
	});
});
