/**
 * The kotlinx.coroutines guide, "Cancellation and timeouts" (docs/topics/cancellation-and-timeouts.md;
 * expected outputs from kotlinx-coroutines-core/jvm/test/guide/test/CancellationGuideTest.kt),
 * ported to kocoro. Times are divided by 5 (500 ms steps become 100 ms, 1300 ms becomes 260 ms),
 * keeping their order and leaving ample room for timer drift between the steps.
 *
 * The examples run in virtual time (`runInVirtualTime`: `runCoroutine` on kocoro/test's scheduler),
 * so their outputs never depend on the machine's load; those whose subject is a real dispatcher
 * (`Dispatchers.Default`, `Unconfined`, `GlobalScope`) or a busy loop run on `runCoroutine`.
 */
import {
	CancellationException,
	CompletableDeferred,
	Dispatchers,
	delay,
	isActive,
	NonCancellable,
	runCoroutine,
	TimeoutCancellationException,
	withContext,
	withTimeout,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import {
	Output,
	runInVirtualTime,
	useTestBase,
	withHangGuard,
} from "../support/test-base.js";

useTestBase();

const STEP = 100; // the guide's 500 ms
const TIRED = 260; // the guide's 1300 ms

const sleepingLines = [
	"job: I'm sleeping 0 ...",
	"job: I'm sleeping 1 ...",
	"job: I'm sleeping 2 ...",
];

describe("guide: cancellation and timeouts", () => {
	it("cancel-01: cancelling coroutine execution", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = this.launch(function* () {
					for (let i = 0; i < 1000; i++) {
						out.println(`job: I'm sleeping ${i} ...`);
						yield* delay(STEP);
					}
				});
				yield* delay(TIRED);
				out.println("main: I'm tired of waiting!");
				job.cancel();
				yield* job.join();
				out.println("main: Now I can quit.");
			}),
			"cancel-01",
		);
		expect(out.lines).toEqual([
			...sleepingLines,
			"main: I'm tired of waiting!",
			"main: Now I can quit.",
		]);
	});

	it("cancel-02, as kocoro runs it: code that never suspends is not cancelled, and on one thread it even runs to its end first", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const startTime = performance.now();
				const job = this.launch(function* () {
					let nextPrintTime = startTime;
					let i = 0;
					while (i < 5) {
						// computation loop, just wastes CPU
						if (performance.now() >= nextPrintTime) {
							out.println(`job: I'm sleeping ${i++} ...`);
							nextPrintTime += 10;
						}
					}
				});
				yield* delay(26);
				out.println("main: I'm tired of waiting!");
				yield* job.cancelAndJoin();
				out.println("main: Now I can quit.");
			}),
			"cancel-02",
		);
		expect(out.lines).toEqual([
			...sleepingLines,
			"job: I'm sleeping 3 ...",
			"job: I'm sleeping 4 ...",
			"main: I'm tired of waiting!",
			"main: Now I can quit.",
		]);
	});

	it("cancel-02 (catching Exception): a swallowed CancellationException comes back at every suspension point (C8)", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = this.launch(function* () {
					for (let i = 0; i < 5; i++) {
						try {
							out.println(`job: I'm sleeping ${i} ...`);
							yield* delay(STEP);
						} catch (e) {
							out.println(e);
						}
					}
				});
				yield* delay(TIRED);
				out.println("main: I'm tired of waiting!");
				yield* job.cancelAndJoin();
				out.println("main: Now I can quit.");
			}),
			"cancel-02 (catching Exception)",
		);
		const jce = "JobCancellationException: StandaloneCoroutine was cancelled";
		expect(out.lines).toEqual([
			...sleepingLines,
			"main: I'm tired of waiting!",
			jce,
			"job: I'm sleeping 3 ...",
			jce,
			"job: I'm sleeping 4 ...",
			jce,
			"main: Now I can quit.",
		]);
	});

	it("cancel-03: making computation code cancellable with isActive (plus yieldNow to let main run on one thread)", async () => {
		const out = new Output();
		await withHangGuard(
			runCoroutine(function* () {
				const startTime = performance.now();
				const job = this.launch(function* () {
					let nextPrintTime = startTime;
					let i = 0;
					while (isActive()) {
						// cancellable computation loop
						if (performance.now() >= nextPrintTime) {
							out.println(`job: I'm sleeping ${i++} ...`);
							nextPrintTime += STEP;
						}
						yield* yieldNow();
					}
				});
				yield* delay(TIRED);
				out.println("main: I'm tired of waiting!");
				yield* job.cancelAndJoin();
				out.println("main: Now I can quit.");
			}),
			"cancel-03",
		);
		expect(out.lines).toEqual([
			...sleepingLines,
			"main: I'm tired of waiting!",
			"main: Now I can quit.",
		]);
	});

	it("cancel-04: closing resources with finally", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = this.launch(function* () {
					try {
						for (let i = 0; i < 1000; i++) {
							out.println(`job: I'm sleeping ${i} ...`);
							yield* delay(STEP);
						}
					} finally {
						out.println("job: I'm running finally");
					}
				});
				yield* delay(TIRED);
				out.println("main: I'm tired of waiting!");
				yield* job.cancelAndJoin();
				out.println("main: Now I can quit.");
			}),
			"cancel-04",
		);
		expect(out.lines).toEqual([
			...sleepingLines,
			"main: I'm tired of waiting!",
			"job: I'm running finally",
			"main: Now I can quit.",
		]);
	});

	it("cancel-05: run non-cancellable block", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = this.launch(function* () {
					try {
						for (let i = 0; i < 1000; i++) {
							out.println(`job: I'm sleeping ${i} ...`);
							yield* delay(STEP);
						}
					} finally {
						yield* withContext(NonCancellable, function* () {
							out.println("job: I'm running finally");
							yield* delay(50);
							out.println(
								"job: And I've just delayed for 1 sec because I'm non-cancellable",
							);
						});
					}
				});
				yield* delay(TIRED);
				out.println("main: I'm tired of waiting!");
				yield* job.cancelAndJoin();
				out.println("main: Now I can quit.");
			}),
			"cancel-05",
		);
		expect(out.lines).toEqual([
			...sleepingLines,
			"main: I'm tired of waiting!",
			"job: I'm running finally",
			"job: And I've just delayed for 1 sec because I'm non-cancellable",
			"main: Now I can quit.",
		]);
	});

	it("cancel-06: withTimeout throws TimeoutCancellationException out of runBlocking", async () => {
		const out = new Output();
		let failure: unknown;
		try {
			await withHangGuard(
				runInVirtualTime(function* () {
					yield* withTimeout(TIRED, function* () {
						for (let i = 0; i < 1000; i++) {
							out.println(`I'm sleeping ${i} ...`);
							yield* delay(STEP);
						}
					});
				}),
				"cancel-06",
			);
		} catch (e) {
			failure = e;
		}
		expect(out.lines).toEqual([
			"I'm sleeping 0 ...",
			"I'm sleeping 1 ...",
			"I'm sleeping 2 ...",
		]);
		expect(failure).toBeInstanceOf(TimeoutCancellationException);
		expect(String(failure)).toBe(
			`TimeoutCancellationException: Timed out waiting for ${TIRED} ms`,
		);
	});

	it("cancel-07: withTimeoutOrNull returns null", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const result = yield* withTimeoutOrNull(TIRED, function* () {
					for (let i = 0; i < 1000; i++) {
						out.println(`I'm sleeping ${i} ...`);
						yield* delay(STEP);
					}
					return "Done"; // will get cancelled before it produces this result
				});
				out.println(`Result is ${result}`);
			}),
			"cancel-07",
		);
		expect(out.lines).toEqual([
			"I'm sleeping 0 ...",
			"I'm sleeping 1 ...",
			"I'm sleeping 2 ...",
			"Result is null",
		]);
	});

	it("cancel-10: releasing a resource acquired in withTimeout through a variable and finally", async () => {
		let acquired = 0;
		class Resource {
			constructor() {
				acquired++;
			}
			close() {
				acquired--;
			}
		}
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				for (let i = 0; i < 1_000; i++) {
					this.launch(function* () {
						let resource: Resource | null = null;
						try {
							// Half the blocks finish in time, half time out.
							yield* withTimeout(i % 2 === 0 ? 60 : 5, function* () {
								yield* delay(i % 2 === 0 ? 5 : 60);
								resource = new Resource();
							});
						} catch (e) {
							if (!(e instanceof CancellationException)) throw e;
						} finally {
							(resource as Resource | null)?.close();
						}
					});
				}
			}),
			"cancel-10",
			20_000,
		);
		out.println(acquired);
		expect(out.lines).toEqual(["0"]);
	});

	it("manual cancellation: a CompletableDeferred signals that the coroutine started (current guide)", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				yield* withContext(Dispatchers.Default, function* () {
					const started = CompletableDeferred<void>();
					const job = this.launch(function* () {
						out.println("The coroutine has started");
						started.complete();
						try {
							yield* delay(Number.POSITIVE_INFINITY);
						} catch (e) {
							out.println(`The coroutine was canceled: ${e}`);
							throw e;
						}
						out.println("This line will never be executed");
					});
					yield* started.await();
					job.cancel();
				});
				out.println("All coroutines have completed");
			}),
			"manual cancellation",
		);
		expect(out.lines).toEqual([
			"The coroutine has started",
			"The coroutine was canceled: JobCancellationException: StandaloneCoroutine was cancelled",
			"All coroutines have completed",
		]);
	});
});
