/**
 * The kotlinx.coroutines guide, "Coroutine context and dispatchers"
 * (docs/topics/coroutine-context-and-dispatchers.md; expected outputs from
 * kotlinx-coroutines-core/jvm/test/guide/test/DispatcherGuideTest.kt), ported to kocoro. Node has
 * one thread, so where Kotlin prints a thread name the port prints the dispatcher or the
 * CoroutineName; debug-mode ids (`@coroutine#2`) do not exist. Times are divided by 10
 * (context-06/07/10: by 5, for margin between steps).
 *
 * The examples run in virtual time (`runInVirtualTime`: `runCoroutine` on kocoro/test's scheduler),
 * so their outputs never depend on the machine's load; those whose subject is a real dispatcher
 * (`Dispatchers.Default`, `Unconfined`, `GlobalScope`) or a busy loop run on `runCoroutine`.
 */
import {
	CoroutineDispatcher,
	CoroutineName,
	CoroutineScope,
	currentCoroutineContext,
	Dispatchers,
	delay,
	Job,
	runCoroutine,
	withContext,
} from "kocoro";
import { describe, expect, it } from "vitest";
import {
	Output,
	runInVirtualTime,
	useTestBase,
	withHangGuard,
} from "../support/test-base.js";

useTestBase();

/** What the port prints where Kotlin prints `Thread.currentThread().name`. */
function threadName(): string {
	const ctx = currentCoroutineContext();
	const name = ctx.get(CoroutineName.Key);
	return name === undefined
		? String(ctx.get(CoroutineDispatcher.Key))
		: `${String(ctx.get(CoroutineDispatcher.Key))} @${name.name}`;
}

describe("guide: coroutine context and dispatchers", () => {
	it("context-01: dispatchers and threads (lines in any order)", async () => {
		const out = new Output();
		const single = Dispatchers.Default.limitedParallelism(1, "MyOwnThread");
		await withHangGuard(
			runCoroutine(function* () {
				this.launch(function* () {
					out.println(
						`main runBlocking      : I'm working in thread ${threadName()}`,
					);
				});
				this.launch(Dispatchers.Unconfined, function* () {
					out.println(
						`Unconfined            : I'm working in thread ${threadName()}`,
					);
				});
				this.launch(Dispatchers.Default, function* () {
					out.println(
						`Default               : I'm working in thread ${threadName()}`,
					);
				});
				this.launch(single, function* () {
					out.println(
						`newSingleThreadContext: I'm working in thread ${threadName()}`,
					);
				});
			}),
			"context-01",
		);
		expect([...out.lines].sort()).toEqual(
			[
				"Unconfined            : I'm working in thread Dispatchers.Unconfined",
				`Default               : I'm working in thread ${String(Dispatchers.Default)}`,
				"newSingleThreadContext: I'm working in thread MyOwnThread",
				`main runBlocking      : I'm working in thread ${String(Dispatchers.Default)}`,
			].sort(),
		);
	});

	it("context-02: Unconfined runs in place until its first suspension; the other waits for its dispatch", async () => {
		const out = new Output();
		await withHangGuard(
			runCoroutine(function* () {
				this.launch(Dispatchers.Unconfined, function* () {
					out.println("Unconfined      : I'm working");
					yield* delay(50);
					out.println("Unconfined      : After delay");
				});
				this.launch(function* () {
					out.println("main runBlocking: I'm working");
					yield* delay(100);
					out.println("main runBlocking: After delay");
				});
			}),
			"context-02",
		);
		expect(out.lines).toEqual([
			"Unconfined      : I'm working",
			"main runBlocking: I'm working",
			"Unconfined      : After delay",
			"main runBlocking: After delay",
		]);
	});

	it("context-03: debugging coroutines and threads", async () => {
		const out = new Output();
		await withHangGuard(
			runCoroutine(function* () {
				const a = this.async(CoroutineName("coroutine#2"), function* () {
					out.println(`[${threadName()}] I'm computing a piece of the answer`);
					return 6;
				});
				const b = this.async(CoroutineName("coroutine#3"), function* () {
					out.println(
						`[${threadName()}] I'm computing another piece of the answer`,
					);
					return 7;
				});
				out.println(
					`[${threadName()}] The answer is ${(yield* a.await()) * (yield* b.await())}`,
				);
			}, CoroutineName("coroutine#1")),
			"context-03",
		);
		const d = String(Dispatchers.Default);
		expect(out.lines).toEqual([
			`[${d} @coroutine#2] I'm computing a piece of the answer`,
			`[${d} @coroutine#3] I'm computing another piece of the answer`,
			`[${d} @coroutine#1] The answer is 42`,
		]);
	});

	it("context-04: jumping between threads with withContext", async () => {
		const out = new Output();
		const ctx1 = Dispatchers.Default.limitedParallelism(1, "Ctx1");
		const ctx2 = Dispatchers.Default.limitedParallelism(1, "Ctx2");
		await withHangGuard(
			runInVirtualTime(function* () {
				out.println(`[${threadName()}] Started in ctx1`);
				yield* withContext(ctx2, function* () {
					out.println(`[${threadName()}] Working in ctx2`);
				});
				out.println(`[${threadName()}] Back to ctx1`);
			}, ctx1),
			"context-04",
		);
		expect(out.lines).toEqual([
			"[Ctx1] Started in ctx1",
			"[Ctx2] Working in ctx2",
			"[Ctx1] Back to ctx1",
		]);
	});

	it("context-05: the job in the context", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				out.println(`My job is ${currentCoroutineContext().get(Job.Key)}`);
			}),
			"context-05",
		);
		expect(out.lines).toHaveLength(1);
		expect(out.lines[0]).toMatch(
			/^My job is BlockingCoroutine\{Active\}@[0-9a-f]+$/,
		);
	});

	it("context-06: children of a coroutine; a Job() passed in the context breaks the relation", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				// launch a coroutine to process some kind of incoming request
				const request = this.launch(function* () {
					// it spawns two other jobs
					this.launch(Job(), function* () {
						out.println("job1: I run in my own Job and execute independently!");
						yield* delay(200);
						out.println(
							"job1: I am not affected by cancellation of the request",
						);
					});
					// and the other inherits the parent context
					this.launch(function* () {
						yield* delay(20);
						out.println("job2: I am a child of the request coroutine");
						yield* delay(200);
						out.println(
							"job2: I will not execute this line if my parent request is cancelled",
						);
					});
				});
				yield* delay(100);
				request.cancel(); // cancel processing of the request
				out.println("main: Who has survived request cancellation?");
				yield* delay(200); // delay the main coroutine to see what happens
			}),
			"context-06",
		);
		expect(out.lines).toEqual([
			"job1: I run in my own Job and execute independently!",
			"job2: I am a child of the request coroutine",
			"main: Who has survived request cancellation?",
			"job1: I am not affected by cancellation of the request",
		]);
	});

	it("context-07: parental responsibilities (P2)", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const request = this.launch(function* () {
					for (let i = 0; i < 3; i++) {
						this.launch(function* () {
							yield* delay((i + 1) * 40); // variable delay 40ms, 80ms, 120ms
							out.println(`Coroutine ${i} is done`);
						});
					}
					out.println(
						"request: I'm done and I don't explicitly join my children that are still active",
					);
				});
				yield* request.join(); // wait for completion of the request, including all its children
				out.println("Now processing of the request is complete");
			}),
			"context-07",
		);
		expect(out.lines).toEqual([
			"request: I'm done and I don't explicitly join my children that are still active",
			"Coroutine 0 is done",
			"Coroutine 1 is done",
			"Coroutine 2 is done",
			"Now processing of the request is complete",
		]);
	});

	it("context-08: naming coroutines for debugging", async () => {
		const out = new Output();
		const log = (msg: string) =>
			out.println(
				`[${currentCoroutineContext().get(CoroutineName.Key)?.name}] ${msg}`,
			);
		await withHangGuard(
			runInVirtualTime(function* () {
				log("Started main coroutine");
				// run two background value computations
				const v1 = this.async(CoroutineName("v1coroutine"), function* () {
					yield* delay(50);
					log("Computing v1");
					return 6;
				});
				const v2 = this.async(CoroutineName("v2coroutine"), function* () {
					yield* delay(100);
					log("Computing v2");
					return 7;
				});
				log(
					`The answer for v1 * v2 = ${(yield* v1.await()) * (yield* v2.await())}`,
				);
			}, CoroutineName("main")),
			"context-08",
		);
		expect(out.lines).toEqual([
			"[main] Started main coroutine",
			"[v1coroutine] Computing v1",
			"[v2coroutine] Computing v2",
			"[main] The answer for v1 * v2 = 42",
		]);
	});

	it("context-09: combining context elements", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				this.launch(
					Dispatchers.Default.plus(CoroutineName("test")),
					function* () {
						out.println(`I'm working in thread ${threadName()}`);
					},
				);
			}),
			"context-09",
		);
		expect(out.lines).toEqual([
			`I'm working in thread ${String(Dispatchers.Default)} @test`,
		]);
	});

	it("context-10: coroutine scope tied to an object's lifecycle", async () => {
		const out = new Output();
		class Activity {
			private readonly mainScope = CoroutineScope(Dispatchers.Default); // use Default for test purposes
			destroy() {
				this.mainScope.cancel();
			}
			doSomething() {
				// launch ten coroutines for a demo, each working for a different time
				for (let i = 0; i < 10; i++) {
					this.mainScope.launch(function* () {
						yield* delay((i + 1) * 40); // variable delay 40ms, 80ms, ... etc
						out.println(`Coroutine ${i} is done`);
					});
				}
			}
		}
		await withHangGuard(
			runCoroutine(function* () {
				const activity = new Activity();
				activity.doSomething(); // run test function
				out.println("Launched coroutines");
				yield* delay(100); // delay for half a second
				out.println("Destroying activity!");
				activity.destroy(); // cancels all coroutines
				yield* delay(200); // visually confirm that they don't work
			}),
			"context-10",
		);
		expect(out.lines).toEqual([
			"Launched coroutines",
			"Coroutine 0 is done",
			"Coroutine 1 is done",
			"Destroying activity!",
		]);
	});
});
