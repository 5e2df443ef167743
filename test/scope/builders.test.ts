import {
	awaitAll,
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CoroutineDispatcher,
	CoroutineName,
	CoroutineScope,
	currentCoroutineContext,
	Dispatchers,
	delay,
	GlobalScope,
	IllegalStateException,
	Job,
	joinAll,
	MainScope,
	SupervisorJob,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase, withHangGuard } from "../support/test-base.js";

const t = useTestBase();

describe("scopes", () => {
	it("CoroutineScope(context) adds a Job when the context has none, and keeps the one it has", () => {
		const named = CoroutineScope(CoroutineName("svc"));
		const job = named.coroutineContext.get(Job.Key);
		expect(job).toBeDefined();
		expect(job?.isActive).toBe(true);
		expect(named.coroutineContext.get(CoroutineName.Key)?.name).toBe("svc");
		const own = Job();
		expect(CoroutineScope(own).coroutineContext.get(Job.Key)).toBe(own);
	});

	it("scope.cancel() cancels everything launched in it", async () => {
		const scope = CoroutineScope(Dispatchers.Default);
		const log: string[] = [];
		const jobs = [1, 2].map((i) =>
			scope.launch(function* () {
				try {
					yield* awaitCancellation();
				} finally {
					log.push(`finally ${i}`);
				}
			}),
		);
		await withHangGuard(
			scope.promise(function* () {
				yield* yieldNow();
			}),
			"a first step of every coroutine",
		);
		scope.cancel();
		expect(scope.isActive).toBe(false);
		await withHangGuard(
			Promise.all(
				jobs.map(
					(j) => new Promise<void>((r) => j.invokeOnCompletion(() => r())),
				),
			),
			"the cancelled coroutines",
		);
		expect(log).toEqual(["finally 1", "finally 2"]);
	});

	it("MainScope() is a SupervisorJob on Dispatchers.Main: a failing child does not cancel it", async () => {
		const scope = MainScope();
		const ctx = scope.coroutineContext;
		expect(ctx.get(CoroutineDispatcher.Key)).toBe(Dispatchers.Main);
		expect(String(ctx.get(Job.Key))).toMatch(/^SupervisorJobImpl\{Active\}@/);
		const boom = new Error("boom");
		const failed = scope.async(function* () {
			throw boom;
		});
		await expect(
			withHangGuard(failed.asPromise(), "a failing async"),
		).rejects.toBe(boom);
		expect(scope.isActive).toBe(true);
		scope.cancel();
	});

	it("GlobalScope has no Job: its coroutines are roots, and cancel() is refused", async () => {
		expect(GlobalScope.coroutineContext.get(Job.Key)).toBeUndefined();
		expect(GlobalScope.isActive).toBe(true);
		expect(() => GlobalScope.cancel()).toThrow(IllegalStateException);
		const job = GlobalScope.launch(function* () {});
		expect(job.parent).toBe(null);
		await withHangGuard(
			new Promise<void>((r) => job.invokeOnCompletion(() => r())),
			"a GlobalScope launch",
		);
	});

	it("a body gets its scope both as `this` and as its first argument", async () => {
		await t.runBlock(function* (scope) {
			expect(scope).toBe(this);
			const child = this.launch(function* (s) {
				expect(s).toBe(this);
				expect(s.coroutineContext.get(Job.Key)).toBe(child);
			});
			yield* child.join();
		});
	});

	it("scope.promise(block) settles with the block's outcome (Kotlin/JS CoroutineScope.promise)", async () => {
		const scope = CoroutineScope(SupervisorJob());
		const ok = scope.promise(function* () {
			yield* delay(1);
			return "value";
		});
		await expect(withHangGuard(ok, "promise")).resolves.toBe("value");
		const boom = new Error("boom");
		const bad = scope.promise(function* () {
			throw boom;
		});
		await expect(withHangGuard(bad, "promise")).rejects.toBe(boom);
		const cancelled = scope.promise(function* () {
			yield* awaitCancellation();
		});
		scope.cancel();
		await expect(withHangGuard(cancelled, "promise")).rejects.toBeInstanceOf(
			CancellationException,
		);
	});
});

describe("awaitAll and joinAll", () => {
	it("awaitAll returns the values in order, typed per position", async () => {
		await t.runBlock(function* () {
			const a = this.async(function* () {
				yield* delay(5);
				return 1;
			});
			const b = this.async(function* () {
				return "two";
			});
			const [x, y] = yield* awaitAll(a, b);
			const sum: number = x + 1;
			const text: string = y.toUpperCase();
			expect([sum, text]).toEqual([2, "TWO"]);
		});
	});

	it("awaitAll fails as soon as one fails, with that failure, without waiting for the others", async () => {
		const boom = new Error("boom");
		await t.runBlock(function* () {
			const slow = CompletableDeferred<number>();
			const failing = CompletableDeferred<number>();
			const waiter = this.launch(function* () {
				try {
					yield* awaitAll(slow, failing);
					t.expectUnreached();
				} catch (e) {
					t.expect(2);
					expect(e).toBe(boom);
				}
			});
			yield* yieldNow();
			t.expect(1);
			failing.completeExceptionally(boom);
			yield* waiter.join();
			expect(slow.isActive).toBe(true);
			t.finish(3);
		});
	});

	it("joinAll waits for every job and never throws for their outcome", async () => {
		await t.runBlock(function* () {
			const scope = CoroutineScope(SupervisorJob());
			const jobs = [
				scope.launch(function* () {
					yield* delay(3);
				}),
				scope.async(function* () {
					throw new Error("kept in the deferred");
				}),
			];
			yield* joinAll(...jobs);
			expect(jobs.every((j) => j.isCompleted)).toBe(true);
		});
	});
});

describe("scheduling the guide outputs depend on", () => {
	it("launch only enqueues: the parent goes on until it suspends (L1)", async () => {
		await t.runBlock(function* () {
			this.launch(function* () {
				t.expect(3);
			});
			t.expect(1);
			for (let i = 0; i < 1000; i++); // plain code, no suspension
			t.expect(2);
		});
		t.finish(4);
	});

	it("a resumption by await is a dispatch to the tail of the queue (L3)", async () => {
		await t.runBlock(function* () {
			const d = CompletableDeferred<string>();
			t.expect(1);
			this.launch(function* () {
				t.expect(3);
				expect(yield* d.await()).toBe("go");
				t.expect(6);
			});
			t.expect(2);
			yield* yieldNow();
			t.expect(4);
			this.launch(function* () {
				t.expect(5); // queued before the waiter is woken
			});
			d.complete("go");
		});
		t.finish(7);
	});

	it("the current dispatcher is Dispatchers.Default under runCoroutine", async () => {
		await t.runBlock(
			function* () {
				expect(currentCoroutineContext().get(CoroutineDispatcher.Key)).toBe(
					Dispatchers.Default,
				);
			},
			{ realTime: true },
		);
	});
});
