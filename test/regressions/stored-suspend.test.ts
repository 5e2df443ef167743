import {
	awaitPromise,
	CompletableDeferred,
	coroutineScope,
	delay,
	type Instruction,
	joinAll,
	Mutex,
	Semaphore,
	supervisorScope,
	withContext,
	withTimeout,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";

// Every `yield*` of a Suspend value kocoro returns performs the operation again, as a Kotlin
// suspend lambda called twice would (before: the second `yield*` returned at once).
describe("a stored suspend value runs again at every yield*", () => {
	it("delay: two yield* of one delay(50) wait 100 ms", async () => {
		let elapsed = -1;
		await runTest(function* () {
			const start = this.testScheduler.currentTime;
			const d = delay(50);
			yield* d;
			yield* d;
			elapsed = this.testScheduler.currentTime - start;
		});
		expect(elapsed).toBe(100);
	});

	it("yieldNow: each yield* of one stored yieldNow() lets another coroutine run", async () => {
		const order: string[] = [];
		await runTest(function* () {
			this.launch(function* () {
				order.push("other 1");
				yield* yieldNow();
				order.push("other 2");
			});
			const y = yieldNow();
			order.push("main 1");
			yield* y;
			order.push("main 2");
			yield* y;
			order.push("main 3");
		});
		expect(order).toEqual(["main 1", "other 1", "main 2", "other 2", "main 3"]);
	});

	it("awaitPromise: a stored awaitPromise(p) suspends again and returns the value again", async () => {
		const values: number[] = [];
		await runTest(function* () {
			const a = awaitPromise(Promise.resolve(7));
			values.push(yield* a);
			values.push(yield* a);
		});
		expect(values).toEqual([7, 7]);
	});

	it("join and await: a stored join() or await() waits again (a second wait on a completed job returns at once)", async () => {
		const seen: string[] = [];
		await runTest(function* () {
			const d = CompletableDeferred<number>();
			const aw = d.await();
			const jn = d.join();
			this.launch(function* () {
				yield* delay(10);
				d.complete(3);
			});
			seen.push(`await ${yield* aw} at ${this.testScheduler.currentTime}`);
			seen.push(`await ${yield* aw} at ${this.testScheduler.currentTime}`);
			yield* jn;
			yield* jn;
			seen.push(`joined at ${this.testScheduler.currentTime}`);
			const job = this.launch(function* () {
				yield* delay(5);
			});
			const j = job.join();
			yield* j;
			seen.push(`joined at ${this.testScheduler.currentTime}`);
			yield* j;
			const all = joinAll(job);
			yield* all;
			yield* all;
		});
		expect(seen).toEqual([
			"await 3 at 10",
			"await 3 at 10",
			"joined at 10",
			"joined at 15",
		]);
	});

	it("scoping functions: a stored coroutineScope/supervisorScope/withContext/withTimeout/withTimeoutOrNull runs its block again", async () => {
		let runs = 0;
		let elapsed = -1;
		await runTest(function* () {
			const start = this.testScheduler.currentTime;
			const block = function* () {
				runs++;
				yield* delay(10);
				return runs;
			};
			for (const s of [
				coroutineScope(block),
				supervisorScope(block),
				withContext(this.coroutineContext, block),
				withTimeout(1_000, block),
				withTimeoutOrNull(1_000, block),
			]) {
				const first = yield* s;
				const second = yield* s;
				expect(second).toBe((first as number) + 1);
			}
			elapsed = this.testScheduler.currentTime - start;
		});
		expect(runs).toBe(10);
		expect(elapsed).toBe(100);
	});

	it("withLock and withPermit: a stored call takes the lock or permit and runs its action again, uncontended and contended", async () => {
		const results: number[] = [];
		let runs = 0;
		await runTest(function* () {
			const mutex = Mutex();
			const semaphore = Semaphore(1);
			const action = function* () {
				runs++;
				yield* delay(10);
				return runs;
			};
			for (const call of [
				mutex.withLock(action),
				semaphore.withPermit(action),
			]) {
				results.push(yield* call);
				results.push(yield* call);
				// Two coroutines at once on the same stored call: the second waits for the first.
				const a = this.async(function* () {
					return yield* call;
				});
				const b = this.async(function* () {
					return yield* call;
				});
				results.push(yield* a.await(), yield* b.await());
			}
			expect(mutex.isLocked).toBe(false);
			expect(semaphore.availablePermits).toBe(1);
		});
		expect(runs).toBe(8);
		expect(results).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
	});

	it("lock and acquire: one stored call awaited by two coroutines at once queues two waits", async () => {
		const order: string[] = [];
		await runTest(function* () {
			const mutex = Mutex();
			const semaphore = Semaphore(1);
			for (const [name, take, give] of [
				["lock", mutex.lock(), () => mutex.unlock()],
				["acquire", semaphore.acquire(), () => semaphore.release()],
			] as const) {
				yield* take; // held: both waits below must queue
				const waiters = ["a", "b"].map((who) =>
					this.launch(function* () {
						yield* take;
						order.push(`${name} ${who}`);
						yield* delay(10);
						give();
					}),
				);
				yield* yieldNow();
				give();
				yield* joinAll(waiters);
			}
			expect(mutex.isLocked).toBe(false);
			expect(semaphore.availablePermits).toBe(1);
		});
		expect(order).toEqual(["lock a", "lock b", "acquire a", "acquire b"]);
	});
});

// `yield delay(1)` (no star) used to work because delay returns an instruction, while
// `yield fetchUser()` failed: now every plain `yield` of a suspend value fails the same way.
describe("a plain yield of a suspend value is a TypeError that says yield*", () => {
	const asInstruction = (v: unknown) => v as Instruction;
	const YIELD_STAR = /use `yield\*` instead of `yield`/;

	for (const [what, make] of [
		["delay(1)", () => delay(1)],
		["yieldNow()", () => yieldNow()],
		["a deferred's await()", () => CompletableDeferred<number>().await()],
		["coroutineScope(block)", () => coroutineScope(function* () {})],
		["awaitPromise(p)", () => awaitPromise(Promise.resolve(1))],
	] as const) {
		it(`yield ${what}`, async () => {
			let caught: unknown = null;
			await runTest(function* () {
				try {
					yield asInstruction(make());
				} catch (e) {
					caught = e;
				}
			});
			expect(caught).toBeInstanceOf(TypeError);
			expect((caught as Error).message).toMatch(YIELD_STAR);
		});
	}

	it("yield* of the same stored instruction still works after a plain yield of it failed", async () => {
		let result = "";
		await runTest(function* () {
			const d = delay(5);
			try {
				yield asInstruction(d);
			} catch {
				result += "threw;";
			}
			yield* d;
			result += `waited ${this.testScheduler.currentTime}`;
		});
		expect(result).toBe("threw;waited 5");
	});
});
