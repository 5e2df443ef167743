import { spawnSync } from "node:child_process";
import { readFile } from "node:fs";
import { fileURLToPath } from "node:url";
import {
	awaitPromise,
	type CoroutineContext,
	CoroutineDispatcher,
	CoroutineScope,
	CoroutineStart,
	coroutineScope,
	Dispatchers,
	delay,
	EmptyCoroutineContext,
	GlobalScope,
	Job,
	runCoroutine,
	supervisorScope,
	withContext,
	withTimeout,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { beforeEach, describe, expect, it } from "vitest";
import { nodeArgs, nodeArgsOfSource } from "../../scripts/bundled.js";
import { withHangGuard } from "../support/test-base.js";
import {
	als,
	byRequest,
	clearLog,
	log,
	own,
	requests,
	see,
} from "./fixtures/requests.js";

beforeEach(clearLog);

describe("async context of coroutines (AsyncLocalStorage)", () => {
	it("each request's coroutine sees its own store from its first step, across yieldNow, interleaved", async () => {
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					see(`${id} 1`);
					yield* yieldNow();
					see(`${id} 2`);
					yield* yieldNow();
					see(`${id} 3`);
				},
		);
		// FIFO: the requests took turns, and each saw its own store every time.
		expect(log).toEqual(["a 1=a", "b 1=b", "a 2=a", "b 2=b", "a 3=a", "b 3=b"]);
	});

	it("after delay, awaitPromise (both forms), join, await, coroutineScope, supervisorScope and withTimeout", async () => {
		const labels = [
			"start",
			"delay",
			"awaitPromise",
			"awaitPromise(fn)",
			"child",
			"join",
			"async",
			"await",
			"coroutineScope",
			"after coroutineScope",
			"supervisorScope",
			"withTimeout",
			"after withTimeout",
			"withTimeoutOrNull timed out",
		];
		await requests(
			["a", "b", "c"],
			(id) =>
				function* () {
					see(`${id} start`);
					yield* delay(2);
					see(`${id} delay`);
					yield* awaitPromise(new Promise((r) => setTimeout(r, 1)));
					see(`${id} awaitPromise`);
					yield* awaitPromise(async () => {
						await new Promise((r) => setImmediate(r));
					});
					see(`${id} awaitPromise(fn)`);
					const child = this.launch(function* () {
						yield* delay(1);
						see(`${id} child`);
					});
					yield* child.join();
					see(`${id} join`);
					const d = this.async(function* () {
						yield* yieldNow();
						see(`${id} async`);
						return id;
					});
					expect(yield* d.await()).toBe(id);
					see(`${id} await`);
					yield* coroutineScope(function* () {
						yield* delay(1);
						see(`${id} coroutineScope`);
					});
					see(`${id} after coroutineScope`);
					yield* supervisorScope(function* () {
						yield* yieldNow();
						see(`${id} supervisorScope`);
					});
					yield* withTimeout(1000, function* () {
						yield* delay(1);
						see(`${id} withTimeout`);
					});
					see(`${id} after withTimeout`);
					const r = yield* withTimeoutOrNull(1, function* () {
						yield* delay(1000);
					});
					expect(r).toBeNull();
					see(`${id} withTimeoutOrNull timed out`);
				},
		);
		expect(byRequest(["a", "b", "c"])).toEqual(own(["a", "b", "c"], labels));
	});

	it("grandchildren and lazy children inherit the root's store, wherever they are started from", async () => {
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					const lazy = this.launch(
						EmptyCoroutineContext,
						CoroutineStart.LAZY,
						function* () {
							see(`${id} lazy`);
						},
					);
					// Started later, from a timer callback of the other request: still this request's.
					setTimeout(() => {
						als.run("elsewhere", () => {
							this.launch(function* () {
								see(`${id} launched from elsewhere`);
							});
							lazy.start();
						});
					}, 1);
					this.launch(function* () {
						yield* yieldNow();
						this.launch(function* () {
							yield* delay(1);
							see(`${id} grandchild`);
						});
					});
					yield* delay(5);
				},
		);
		expect(byRequest(["a", "b"]).sort()).toEqual(
			own(["a", "b"], ["grandchild", "launched from elsewhere", "lazy"]),
		);
	});

	it("scope.launch/async/promise from plain code: a root takes the store where it was launched", async () => {
		const scope = CoroutineScope(Job());
		const started = ["a", "b"].map((id) =>
			als.run(id, () => {
				const job = scope.launch(function* () {
					yield* delay(1);
					see(`${id} launch`);
				});
				const d = scope.async(function* () {
					yield* yieldNow();
					see(`${id} async`);
				});
				const p = scope.promise(function* () {
					yield* awaitPromise(Promise.resolve());
					see(`${id} promise`);
				});
				const g = GlobalScope.launch(function* () {
					yield* yieldNow();
					see(`${id} GlobalScope`);
				});
				return runCoroutine(function* () {
					yield* job.join();
					yield* d.await();
					yield* awaitPromise(p);
					yield* g.join();
				});
			}),
		);
		await withHangGuard(Promise.all(started), "roots");
		scope.cancel();
		expect(byRequest(["a", "b"]).sort()).toEqual(
			own(["a", "b"], ["GlobalScope", "async", "launch", "promise"]).sort(),
		);
	});

	it("invokeOnCompletion handlers run in the coroutine's context, whoever completes or cancels it", async () => {
		const scope = CoroutineScope(Job());
		const jobs = ["a", "b"].map((id) =>
			als.run(id, () =>
				scope.launch(function* () {
					yield* delay(Number.POSITIVE_INFINITY);
				}),
			),
		);
		const done = jobs.map(
			(job, i) =>
				new Promise<void>((resolve) => {
					const id = ["a", "b"][i]!;
					// Registered from plain code with another store.
					als.run("registrar", () =>
						job.invokeOnCompletion(() => {
							see(`${id} completed`);
							resolve();
						}),
					);
					job.invokeOnCompletion(() => see(`${id} cancelling`), {
						onCancelling: true,
					});
				}),
		);
		// Cancelled from plain code with a third store.
		als.run("canceller", () => {
			for (const job of jobs) job.cancel();
		});
		await withHangGuard(Promise.all(done), "completions");
		expect(byRequest(["a", "b"])).toEqual(
			own(["a", "b"], ["cancelling", "completed"]),
		);
	});

	it("plain async code, Node callbacks and promises made inside a coroutine see the coroutine's store", async () => {
		const file = fileURLToPath(import.meta.url);
		const made: Promise<string>[] = [];
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					// An async function called from a step, across its own awaits.
					const seenInside = yield* awaitPromise(async () => {
						await new Promise((r) => setTimeout(r, 1));
						return als.getStore();
					});
					expect(seenInside).toBe(id);
					// A Node callback started from a step.
					yield* awaitPromise(
						new Promise<void>((resolve) =>
							readFile(file, () => {
								see(`${id} readFile callback`);
								resolve();
							}),
						),
					);
					// A promise chain made here resolves into this request's context.
					made.push(
						new Promise((r) => setImmediate(r)).then(
							() => als.getStore() ?? "",
						),
					);
					see(`${id} after callback`);
				},
		);
		expect(byRequest(["a", "b"])).toEqual(
			own(["a", "b"], ["readFile callback", "after callback"]),
		);
		// Which request gets past its readFile first is up to the file system: compare as a set.
		expect((await Promise.all(made)).sort()).toEqual(["a", "b"]);
	});

	it("a promise made by one request and awaited by another: the awaiting coroutine resumes in its own", async () => {
		let shared!: Promise<string>;
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					if (id === "a")
						shared = new Promise<void>((r) => setTimeout(r, 1)).then(
							() => als.getStore() ?? "",
						);
					yield* yieldNow();
					expect(yield* awaitPromise(shared)).toBe("a");
					see(`${id} resumed`);
				},
		);
		expect(byRequest(["a", "b"])).toEqual(own(["a", "b"], ["resumed"]));
	});

	it("on Dispatchers.Unconfined, resumed in place by timers and promises of other requests", async () => {
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					see(`${id} start`);
					yield* delay(1);
					see(`${id} delay`);
					// Resolved from the other request's timer callback.
					yield* awaitPromise(
						als.run("resolver", () => new Promise((r) => setTimeout(r, 1))),
					);
					see(`${id} awaitPromise`);
					yield* withContext(Dispatchers.Default, function* () {
						yield* yieldNow();
						see(`${id} Default inside`);
					});
					see(`${id} back on Unconfined`);
				},
			Dispatchers.Unconfined,
		);
		expect(byRequest(["a", "b"])).toEqual(
			own(
				["a", "b"],
				[
					"start",
					"delay",
					"awaitPromise",
					"Default inside",
					"back on Unconfined",
				],
			),
		);
	});

	it("on a user dispatcher that runs blocks with setImmediate, and on a limitedParallelism(1) view shared by both requests", async () => {
		class ImmediateDispatcher extends CoroutineDispatcher {
			dispatch(_context: CoroutineContext, block: () => void): void {
				setImmediate(block);
			}
		}
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					yield* delay(1);
					see(`${id} immediate`);
				},
			new ImmediateDispatcher(),
		);
		const single = Dispatchers.Default.limitedParallelism(1);
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					see(`${id} admitted`);
					yield* delay(1);
					see(`${id} delay`);
				},
			single,
		);
		// Whichever order the view admits them in, each saw its own store.
		expect(log.slice(2).sort()).toEqual(
			own(["a", "b"], ["admitted", "delay"]).sort(),
		);
		expect(byRequest(["a", "b"]).slice(0, 1)).toEqual(["a immediate=a"]);
	});

	it("under runTest (virtual time), the test's root and its delays keep the store", async () => {
		await Promise.all(
			["a", "b"].map((id) =>
				als.run(id, () =>
					runTest(function* () {
						see(`${id} start`);
						yield* delay(1000);
						see(`${id} delay`);
						this.launch(function* () {
							yield* delay(10);
							see(`${id} child`);
						});
					}),
				),
			),
		);
		expect(byRequest(["a", "b"])).toEqual(
			own(["a", "b"], ["start", "delay", "child"]),
		);
	});

	it("the shared host timer does not keep a finished request's store alive (it is armed outside any request)", () => {
		const fixture = fileURLToPath(
			new URL("./fixtures/timer-retention.ts", import.meta.url),
		);
		const r = spawnSync(
			process.execPath,
			["--expose-gc", ...nodeArgs(fixture)],
			{ encoding: "utf8", timeout: 20_000 },
		);
		expect(r.stderr).toBe("");
		expect(r.stdout.trim()).toBe("collected");
		expect(r.status).toBe(0);
	});

	it("main(block) runs its coroutines in the context it was called from", () => {
		const script = `
			import { AsyncLocalStorage } from "node:async_hooks";
			import { delay, main } from "./src/index.ts";
			const als = new AsyncLocalStorage();
			als.run("cli", () => main(function* () {
				const child = this.launch(function* () { yield* delay(1); console.log("child " + als.getStore()); });
				yield* child.join();
				console.log("main " + als.getStore());
			}));
		`;
		const r = spawnSync(process.execPath, nodeArgsOfSource(script), {
			cwd: fileURLToPath(new URL("../..", import.meta.url)),
			encoding: "utf8",
			timeout: 20_000,
		});
		expect(r.stderr).toBe("");
		expect(r.stdout.trim().split("\n")).toEqual(["child cli", "main cli"]);
		expect(r.status).toBe(0);
	});
});
