import {
	CompletableDeferred,
	Dispatchers,
	delay,
	runCoroutine,
	withContext,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";

describe("limitedParallelism", () => {
	it("runs at most n coroutines of the view at a time; the rest wait in order", async () => {
		const view = Dispatchers.Default.limitedParallelism(2);
		let running = 0;
		let maxRunning = 0;
		const started: number[] = [];
		await runCoroutine(function* () {
			for (let i = 1; i <= 6; i++) {
				this.launch(view, function* () {
					running++;
					maxRunning = Math.max(maxRunning, running);
					started.push(i);
					yield* delay(5);
					yield* yieldNow();
					running--;
				});
			}
		});
		expect(maxRunning).toBe(2);
		expect(started).toEqual([1, 2, 3, 4, 5, 6]);
		expect(running).toBe(0);
	});

	it("limitedParallelism(1) serializes withContext blocks like a single thread", async () => {
		const db = Dispatchers.Default.limitedParallelism(1, "db");
		const log: string[] = [];
		await runCoroutine(function* () {
			for (const name of ["a", "b", "c"]) {
				this.launch(function* () {
					yield* withContext(db, function* () {
						log.push(`${name} in`);
						yield* delay(2);
						log.push(`${name} out`);
					});
				});
			}
		});
		expect(log).toEqual(["a in", "a out", "b in", "b out", "c in", "c out"]);
		expect(String(db)).toBe("db");
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

	it("a cancelled waiter gives its turn to the next one", async () => {
		const view = Dispatchers.Default.limitedParallelism(1);
		const gate = CompletableDeferred<void>();
		const log: string[] = [];
		await runCoroutine(function* () {
			this.launch(view, function* () {
				log.push("first");
				yield* gate.await();
			});
			const second = this.launch(view, function* () {
				log.push("second (never)");
			});
			this.launch(view, function* () {
				log.push("third");
			});
			yield* yieldNow();
			second.cancel();
			gate.complete();
		});
		expect(log).toEqual(["first", "third"]);
	});

	it("rejects a parallelism that is not a positive integer", () => {
		expect(() => Dispatchers.Default.limitedParallelism(0)).toThrow(RangeError);
		expect(() => Dispatchers.Default.limitedParallelism(1.5)).toThrow(
			/integer >= 1/,
		);
	});
});
