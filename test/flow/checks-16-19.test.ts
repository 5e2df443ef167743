import { delay, flow } from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect as assert, it } from "vitest";

function numbers(count: number, every: number) {
	return flow<number>(function* () {
		for (let i = 1; i <= count; i++) {
			yield* delay(every);
			yield* this.emit(i);
		}
	});
}

describe("buffering (§15 check 16)", () => {
	it("a 300 ms collector of three values emitted every 100 ms is done at 1200 ms", async () => {
		await runTest(function* () {
			yield* numbers(3, 100).collect(function* () {
				yield* delay(300);
			});
			assert(this.testScheduler.currentTime).toBe(1200);
		});
	});
	it("with buffer() it is done at 1000 ms", async () => {
		await runTest(function* () {
			yield* numbers(3, 100)
				.buffer()
				.collect(function* () {
					yield* delay(300);
				});
			assert(this.testScheduler.currentTime).toBe(1000);
		});
	});
	it("conflate() collects 1 and 3", async () => {
		await runTest(function* () {
			const got: number[] = [];
			yield* numbers(3, 100)
				.conflate()
				.collect(function* (v) {
					got.push(v);
					yield* delay(300);
				});
			assert(got).toEqual([1, 3]);
			assert(this.testScheduler.currentTime).toBe(700);
		});
	});
});
