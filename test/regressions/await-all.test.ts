import {
	awaitAll,
	CancellationException,
	CompletableDeferred,
	type Deferred,
	Job,
	joinAll,
	type Suspend,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, expectTypeOf, it } from "vitest";

describe("awaitAll in a cancelled coroutine (Kotlin suspends through suspendCancellableCoroutine)", () => {
	it("throws the CancellationException even when every deferred is complete", async () => {
		let outcome: unknown = "none";
		await runTest(function* () {
			const a = CompletableDeferred<number>();
			const b = CompletableDeferred<number>();
			a.complete(1);
			b.complete(2);
			const job = this.launch(function* () {
				this.coroutineContext.get(Job.Key)?.cancel();
				try {
					outcome = yield* awaitAll(a, b);
				} catch (e) {
					outcome = e;
				}
			});
			yield* job.join();
		});
		expect(outcome).toBeInstanceOf(CancellationException);
	});

	it("a failed deferred's failure still comes before the cancellation", async () => {
		let outcome: unknown = "none";
		const boom = new Error("boom");
		await runTest(function* () {
			const a = CompletableDeferred<number>();
			a.completeExceptionally(boom);
			const job = this.launch(function* () {
				this.coroutineContext.get(Job.Key)?.cancel();
				try {
					outcome = yield* awaitAll(a);
				} catch (e) {
					outcome = e;
				}
			});
			yield* job.join();
		});
		expect(outcome).toBe(boom);
	});

	it("awaitAll() of nothing returns [] without a check, as Kotlin's empty list", async () => {
		let outcome: unknown = "none";
		await runTest(function* () {
			const job = this.launch(function* () {
				this.coroutineContext.get(Job.Key)?.cancel();
				outcome = yield* awaitAll();
			});
			yield* job.join();
		});
		expect(outcome).toEqual([]);
	});
});

describe("awaitAll and joinAll take one array or iterable as well as arguments", () => {
	it("awaitAll(list) returns the values in order", async () => {
		let values: number[] = [];
		await runTest(function* () {
			const list: Deferred<number>[] = [1, 2, 3].map((i) =>
				this.async(function* () {
					yield* yieldNow();
					return i * 10;
				}),
			);
			const all = awaitAll(list);
			expectTypeOf(all).toEqualTypeOf<Suspend<number[]>>();
			values = yield* all;
			const fromSet = yield* awaitAll(new Set(list));
			expect(fromSet).toEqual([10, 20, 30]);
			// A single deferred is a list of one, not an iterable to spread.
			const [one] = yield* awaitAll(list[0]!);
			expect(one).toBe(10);
		});
		expect(values).toEqual([10, 20, 30]);
	});

	it("joinAll(list) and joinAll(iterable) wait for every job", async () => {
		let done = 0;
		await runTest(function* () {
			const make = (): Job[] =>
				[1, 2].map(() =>
					this.launch(function* () {
						yield* yieldNow();
						done++;
					}),
				);
			yield* joinAll(make());
			expect(done).toBe(2);
			yield* joinAll(new Set(make()));
			expect(done).toBe(4);
		});
		expect(done).toBe(4);
	});
});
