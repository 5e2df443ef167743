import { getEventListeners } from "node:events";
import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CoroutineScope,
	delay,
	GlobalScope,
	Job,
	JobCancellationException,
	runCoroutine,
	SupervisorJob,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";

describe("job.asAbortSignal()", () => {
	it("is created lazily, once: the same signal on every call, not aborted while active", () => {
		const job = Job();
		const signal = job.asAbortSignal();
		expect(job.asAbortSignal()).toBe(signal);
		expect(signal.aborted).toBe(false);
		job.complete();
		expect(signal.aborted).toBe(false);
	});

	it("is aborted synchronously on cancel, with the job's CancellationException as reason", () => {
		const job = Job();
		const signal = job.asAbortSignal();
		const events: string[] = [];
		signal.addEventListener("abort", () => events.push("abort"));
		const ce = new CancellationException("stop");
		job.cancel(ce);
		events.push("cancel returned");
		expect(events).toEqual(["abort", "cancel returned"]);
		expect(signal.reason).toBe(ce);
	});

	it("requested after cancellation, it is already aborted", () => {
		const job = Job();
		job.cancel();
		const signal = job.asAbortSignal();
		expect(signal.aborted).toBe(true);
		expect(signal.reason).toBeInstanceOf(JobCancellationException);
		expect(String(signal.reason)).toBe(
			"JobCancellationException: Job was cancelled",
		);
	});

	it("a failing coroutine aborts its signal with a CancellationException caused by the failure", async () => {
		const boom = new Error("boom");
		const scope = CoroutineScope(SupervisorJob());
		const job = scope.async(function* () {
			yield* delay(1);
			throw boom;
		});
		const signal = job.asAbortSignal();
		await job.asPromise().catch(() => undefined);
		expect(signal.aborted).toBe(true);
		expect(signal.reason).toBeInstanceOf(CancellationException);
		expect((signal.reason as Error).cause).toBe(boom);
	});

	it("children add no listener to their parent's signal; cancelling the parent aborts the children's signals", async () => {
		const events: string[] = [];
		await runCoroutine(function* () {
			const parent = this.launch(function* () {
				for (let i = 0; i < 100; i++) {
					this.launch(function* () {
						yield* awaitCancellation();
					});
				}
				yield* awaitCancellation();
			});
			const parentSignal = parent.asAbortSignal();
			yield* yieldNow();
			const children = [...parent.children];
			events.push(`children ${children.length}`);
			const childSignals = children.map((c) => c.asAbortSignal());
			events.push(
				`listeners on parent signal ${getEventListeners(parentSignal, "abort").length}`,
			);
			parent.cancel();
			events.push(`parent aborted ${parentSignal.aborted}`);
			events.push(
				`children aborted ${childSignals.filter((s) => s.aborted).length}`,
			);
			yield* parent.join();
		});
		expect(events).toEqual([
			"children 100",
			"listeners on parent signal 0",
			"parent aborted true",
			"children aborted 100",
		]);
	});

	it("stops a fetch-like operation that takes a signal", async () => {
		const log: string[] = [];
		const job = GlobalScope.launch(function* () {
			yield* awaitCancellation();
		});
		const op = new Promise<string>((resolve) => {
			job.asAbortSignal().addEventListener("abort", () => resolve("aborted"));
		});
		job.cancel();
		log.push(await op);
		expect(log).toEqual(["aborted"]);
	});
});

describe("deferred.asPromise()", () => {
	it("resolves with the value; the same Promise on every call", async () => {
		const d = GlobalScope.async(function* () {
			yield* delay(1);
			return { n: 1 };
		});
		const p = d.asPromise();
		expect(d.asPromise()).toBe(p);
		expect(await p).toEqual({ n: 1 });
	});

	it("rejects with the failure itself", async () => {
		const boom = new TypeError("bad");
		const d = GlobalScope.async(function* () {
			yield* delay(1);
			throw boom;
		});
		await expect(d.asPromise()).rejects.toBe(boom);
	});

	it("rejects with the CancellationException when cancelled", async () => {
		const d = GlobalScope.async(function* () {
			yield* awaitCancellation();
		});
		const ce = new CancellationException("no longer needed");
		d.cancel(ce);
		await expect(d.asPromise()).rejects.toBe(ce);
	});

	it("works for CompletableDeferred, settled later by hand", async () => {
		const d = CompletableDeferred<string>();
		const p = d.asPromise();
		setTimeout(() => d.complete("late"), 1);
		expect(await p).toBe("late");
	});
});

describe("scope.promise()", () => {
	it("runs the block as an async coroutine and resolves with its value", async () => {
		const scope = CoroutineScope(Job());
		const p = scope.promise(function* () {
			yield* delay(1);
			return 40 + 2;
		});
		expect(p).toBeInstanceOf(Promise);
		expect(await p).toBe(42);
		expect(scope.isActive).toBe(true);
	});

	it("a failure rejects the promise and cancels the scope (as async does)", async () => {
		const scope = CoroutineScope(Job());
		const boom = new Error("boom");
		const sibling = scope.launch(function* () {
			yield* awaitCancellation();
		});
		await expect(
			scope.promise(function* () {
				yield* delay(1);
				throw boom;
			}),
		).rejects.toBe(boom);
		expect(scope.isActive).toBe(false);
		expect(sibling.isCancelled).toBe(true);
	});

	it("inside a coroutine it is a child: the parent waits for it", async () => {
		const events: string[] = [];
		await runCoroutine(function* () {
			void this.promise(function* () {
				yield* delay(5);
				events.push("child done");
			});
			events.push("parent body done");
		});
		events.push("runCoroutine settled");
		expect(events).toEqual([
			"parent body done",
			"child done",
			"runCoroutine settled",
		]);
	});

	it("cancelling the scope rejects the promise with the CancellationException", async () => {
		const scope = CoroutineScope(Job());
		const p = scope.promise(function* () {
			yield* awaitCancellation();
		});
		scope.cancel(new CancellationException("closing"));
		await expect(p).rejects.toSatisfy(
			(e: unknown) =>
				e instanceof CancellationException && e.message === "closing",
		);
	});
});

describe("job.asAbortSignal() costs nothing until asked", () => {
	it("no AbortController is created for jobs that never ask; one for the job that does", async () => {
		const Original = globalThis.AbortController;
		let created = 0;
		class Counting extends Original {
			constructor() {
				super();
				created++;
			}
		}
		globalThis.AbortController = Counting;
		try {
			const counts: number[] = [];
			await runCoroutine(function* () {
				const parent = this.launch(function* () {
					for (let i = 0; i < 50; i++) {
						this.launch(function* () {
							yield* awaitCancellation();
						});
					}
					yield* awaitCancellation();
				});
				yield* yieldNow();
				counts.push(created);
				parent.cancel();
				yield* parent.join();
				counts.push(created);
				const asked = this.launch(function* () {
					yield* awaitCancellation();
				});
				const signal = asked.asAbortSignal();
				counts.push(created);
				asked.cancel();
				counts.push(created, signal.aborted ? 1 : 0);
			});
			expect(counts).toEqual([0, 0, 1, 1, 1]);
		} finally {
			globalThis.AbortController = Original;
		}
	});
});
