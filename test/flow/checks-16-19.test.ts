import { combine, delay, flow, flowOf } from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";

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

describe("collectLatest (§15 check 16)", () => {
	it("prints Collecting 1, 2, 3 and Done 3", async () => {
		await runTest(function* () {
			const log: string[] = [];
			yield* numbers(3, 100).collectLatest(function* (v) {
				log.push(`Collecting ${v}`);
				yield* delay(300);
				log.push(`Done ${v}`);
			});
			assert(log).toEqual([
				"Collecting 1",
				"Collecting 2",
				"Collecting 3",
				"Done 3",
			]);
			assert(this.testScheduler.currentTime).toBe(600);
		});
	});
});

function requestFlow(i: number) {
	return flow<string>(function* () {
		yield* this.emit(`${i}: First`);
		yield* delay(500);
		yield* this.emit(`${i}: Second`);
	});
}

describe("flattening (§15 check 17)", () => {
	it("flatMapConcat: 100, 600, 700, 1200, 1300, 1800", async () => {
		await runTest(function* () {
			const log: string[] = [];
			yield* numbers(3, 100)
				.flatMapConcat(requestFlow)
				.collect((v) => {
					log.push(`${v} at ${this.testScheduler.currentTime}`);
				});
			assert(log).toEqual([
				"1: First at 100",
				"1: Second at 600",
				"2: First at 700",
				"2: Second at 1200",
				"3: First at 1300",
				"3: Second at 1800",
			]);
		});
	});
	it("flatMapMerge: 1F 100, 2F 200, 3F 300, 1S 600, 2S 700, 3S 800", async () => {
		await runTest(function* () {
			const log: string[] = [];
			yield* numbers(3, 100)
				.flatMapMerge(requestFlow)
				.collect((v) => {
					log.push(`${v} at ${this.testScheduler.currentTime}`);
				});
			assert(log).toEqual([
				"1: First at 100",
				"2: First at 200",
				"3: First at 300",
				"1: Second at 600",
				"2: Second at 700",
				"3: Second at 800",
			]);
		});
	});
	it("flatMapMerge(1) is flatMapConcat; concurrency 2 holds the third inner flow back", async () => {
		await runTest(function* () {
			const log: string[] = [];
			yield* flowOf(1, 2, 3)
				.flatMapMerge(2, requestFlow)
				.collect((v) => {
					log.push(`${v} at ${this.testScheduler.currentTime}`);
				});
			assert(log).toEqual([
				"1: First at 0",
				"2: First at 0",
				"1: Second at 500",
				"2: Second at 500",
				"3: First at 500",
				"3: Second at 1000",
			]);
		});
	});
	it("flatMapLatest: 1F 100, 2F 200, 3F 300, 3S 800; a cancelled inner's finally runs before the next starts (the buffered channel lets an inner finish before its last value is collected)", async () => {
		await runTest(function* () {
			const log: string[] = [];
			yield* numbers(3, 100)
				.flatMapLatest((i) =>
					flow<string>(function* () {
						try {
							yield* this.emit(`${i}: First`);
							yield* delay(500);
							yield* this.emit(`${i}: Second`);
						} finally {
							log.push(`finally ${i}`);
						}
					}),
				)
				.collect((v) => {
					log.push(`${v} at ${this.testScheduler.currentTime}`);
				});
			assert(log).toEqual([
				"1: First at 100",
				"finally 1",
				"2: First at 200",
				"finally 2",
				"3: First at 300",
				"finally 3",
				"3: Second at 800",
			]);
		});
	});
});

describe("zip and combine (§15 check 18)", () => {
	const nums = () => numbers(3, 300);
	const strs = () =>
		flow<string>(function* () {
			for (const s of ["one", "two", "three"]) {
				yield* delay(400);
				yield* this.emit(s);
			}
		});
	it("zip: 1->one 400, 2->two 800, 3->three 1200", async () => {
		await runTest(function* () {
			const log: string[] = [];
			yield* nums()
				.zip(strs(), (a, b) => `${a}->${b}`)
				.collect((v) => {
					log.push(`${v} at ${this.testScheduler.currentTime}`);
				});
			assert(log).toEqual([
				"1->one at 400",
				"2->two at 800",
				"3->three at 1200",
			]);
		});
	});
	it("combine: 1->one 400, 2->one 600, 2->two 800, 3->two 900, 3->three 1200", async () => {
		await runTest(function* () {
			const log: string[] = [];
			yield* nums()
				.combine(strs(), (a, b) => `${a}->${b}`)
				.collect((v) => {
					log.push(`${v} at ${this.testScheduler.currentTime}`);
				});
			assert(log).toEqual([
				"1->one at 400",
				"2->one at 600",
				"2->two at 800",
				"3->two at 900",
				"3->three at 1200",
			]);
		});
	});
	it("the variadic combine gives the same", async () => {
		await runTest(function* () {
			const got = yield* combine(
				nums(),
				strs(),
				(a, b) => `${a}->${b}`,
			).toList();
			assert(got).toEqual(["1->one", "2->one", "2->two", "3->two", "3->three"]);
		});
	});
});

describe("debounce and sample (§15 check 19, kotlinx's KDoc cases)", () => {
	it("debounce(1000) gives 3, 4, 5", async () => {
		await runTest(function* () {
			const got = yield* flow<number>(function* () {
				yield* this.emit(1);
				yield* delay(90);
				yield* this.emit(2);
				yield* delay(90);
				yield* this.emit(3);
				yield* delay(1010);
				yield* this.emit(4);
				yield* delay(1010);
				yield* this.emit(5);
			})
				.debounce(1000)
				.toList();
			assert(got).toEqual([3, 4, 5]);
		});
	});
	it("sample(200) gives 1, 3, 5, 7, 9", async () => {
		await runTest(function* () {
			const got = yield* flow<number>(function* () {
				for (let i = 0; i < 10; i++) {
					yield* this.emit(i);
					yield* delay(110);
				}
			})
				.sample(200)
				.toList();
			assert(got).toEqual([1, 3, 5, 7, 9]);
		});
	});
});
