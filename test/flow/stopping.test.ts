import { delay, flow, flowOf } from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";

function tracked(name: string, count: number, log: string[]) {
	return flow<number>(function* () {
		try {
			for (let i = 1; i <= count; i++) {
				yield* delay(10);
				yield* this.emit(i);
			}
			log.push(`${name} completed`);
		} finally {
			log.push(`${name} finally`);
		}
	});
}

describe("operators that stop their upstream run its finally", () => {
	it("zip stops the longer flow when the shorter one ends", async () => {
		await runTest(function* () {
			const log: string[] = [];
			const got = yield* tracked("long", 10, log)
				.zip(tracked("short", 2, log), (a, b) => a * 10 + b)
				.toList();
			assert(got).toEqual([11, 22]);
			assert(log).toEqual(["short completed", "short finally", "long finally"]);
		});
	});
	it("takeWhile and transformWhile stop at the first value that ends them", async () => {
		await runTest(function* () {
			const log: string[] = [];
			assert(
				yield* tracked("a", 5, log)
					.takeWhile((x) => x < 3)
					.toList(),
			).toEqual([1, 2]);
			assert(
				yield* tracked("b", 5, log)
					.transformWhile<number>(function* (x) {
						yield* this.emit(x);
						return x < 2;
					})
					.toList(),
			).toEqual([1, 2]);
			assert(log).toEqual(["a finally", "b finally"]);
		});
	});
	it("first(predicate) stops at the match; firstOrNull of no match runs the whole flow", async () => {
		await runTest(function* () {
			const log: string[] = [];
			assert(yield* tracked("a", 5, log).first((x) => x === 2)).toBe(2);
			assert(yield* tracked("b", 2, log).firstOrNull((x) => x > 5)).toBe(null);
			assert(log).toEqual(["a finally", "b completed", "b finally"]);
		});
	});
	it("a collector's cancellation reaches the upstream finally through every stage", async () => {
		await runTest(function* () {
			const log: string[] = [];
			const job = this.launch(function* () {
				yield* tracked("src", 100, log)
					.map((x) => x + 1)
					.onCompletion((e) => {
						log.push(`onCompletion ${e?.name}`);
					})
					.collect();
			});
			yield* delay(25);
			yield* job.cancelAndJoin();
			assert(log).toEqual([
				"src finally",
				"onCompletion JobCancellationException",
			]);
		});
	});
	it("catch after take does not see take's abort", async () => {
		await runTest(function* () {
			let caught = false;
			const got = yield* flowOf(1, 2, 3)
				.take(1)
				.catch(() => {
					caught = true;
				})
				.toList();
			assert(got).toEqual([1]);
			assert(caught).toBe(false);
		});
	});
});
