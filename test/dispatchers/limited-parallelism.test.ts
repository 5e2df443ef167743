import {
	Dispatchers,
	delay,
	runCoroutine,
	withContext,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";

describe("limitedParallelism", () => {
	it("withContext(db) { launch { delay(1) }.join() } on limitedParallelism(1) finishes: a suspended coroutine holds no slot", async () => {
		const db = Dispatchers.Default.limitedParallelism(1, "db");
		const log: string[] = [];
		await runTest(function* () {
			const r = yield* withContext(db, function* () {
				const child = this.launch(function* () {
					yield* delay(1);
					log.push("child");
				});
				yield* child.join();
				return "joined";
			});
			log.push(r);
		});
		expect(log).toEqual(["child", "joined"]);
		expect(String(db)).toBe("db");
	});

	it("the view runs its tasks one at a time in its own FIFO order; bodies interleave at suspension points, as on one Kotlin thread", async () => {
		const db = Dispatchers.Default.limitedParallelism(1);
		const log: string[] = [];
		await runTest(function* () {
			for (const name of ["a", "b", "c"]) {
				this.launch(db, function* () {
					log.push(`${name}1`);
					yield* yieldNow();
					log.push(`${name}2`);
				});
			}
		});
		expect(log).toEqual(["a1", "b1", "c1", "a2", "b2", "c2"]);
	});

	it("limitedParallelism(2) bounds tasks, not coroutines: six suspended bodies of the view are all unfinished at once", async () => {
		const view = Dispatchers.Default.limitedParallelism(2);
		let unfinished = 0;
		let most = 0;
		await runTest(function* () {
			for (let i = 0; i < 6; i++) {
				this.launch(view, function* () {
					unfinished++;
					most = Math.max(most, unfinished);
					yield* delay(5);
					unfinished--;
				});
			}
		});
		expect(most).toBe(6);
		expect(unfinished).toBe(0);
	});

	it("a nested withContext on the same view does not deadlock", async () => {
		const single = Dispatchers.Default.limitedParallelism(1);
		const r = await runCoroutine(function* () {
			return yield* withContext(single, function* () {
				return yield* withContext(single, function* () {
					yield* yieldNow();
					return "inner";
				});
			});
		});
		expect(r).toBe("inner");
	});

	it("a coroutine of the view cancelled before its first step never runs; the next task runs", async () => {
		const view = Dispatchers.Default.limitedParallelism(1);
		const log: string[] = [];
		await runTest(function* () {
			this.launch(view, function* () {
				log.push("first");
			});
			const second = this.launch(view, function* () {
				log.push("second (never)");
			});
			this.launch(view, function* () {
				log.push("third");
			});
			second.cancel();
		});
		expect(log).toEqual(["first", "third"]);
	});

	it("a view that stays busy for thousands of tasks runs them all, in order", async () => {
		const view = Dispatchers.Default.limitedParallelism(2);
		const order: number[] = [];
		await runTest(function* () {
			for (let i = 0; i < 5_000; i++) {
				this.launch(view, function* () {
					yield* yieldNow();
					order.push(i);
				});
			}
		});
		expect(order).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
	});

	it("rejects a parallelism that is not a positive integer", () => {
		expect(() => Dispatchers.Default.limitedParallelism(0)).toThrow(RangeError);
		expect(() => Dispatchers.Default.limitedParallelism(1.5)).toThrow(
			/integer >= 1/,
		);
	});
});
