import {
	CompletableDeferred,
	CoroutineStart,
	Dispatchers,
	GlobalScope,
	runCoroutine,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";

describe("Dispatchers.Unconfined", () => {
	it("runs a launched coroutine in place, before launch returns", async () => {
		const log: string[] = [];
		await runCoroutine(function* () {
			this.launch(Dispatchers.Unconfined, function* () {
				log.push("child");
			});
			log.push("parent");
		});
		expect(log).toEqual(["child", "parent"]);
	});

	it("resumes in the frame of whoever resumed it", async () => {
		const log: string[] = [];
		const ready = CompletableDeferred<number>();
		await runCoroutine(function* () {
			this.launch(Dispatchers.Unconfined, function* () {
				log.push("waiting");
				const v = yield* ready.await();
				log.push(`resumed with ${v}`);
			});
			log.push("completing");
			ready.complete(7);
			log.push("completed");
		});
		expect(log).toEqual([
			"waiting",
			"completing",
			"resumed with 7",
			"completed",
		]);
	});

	it("queues nested resumptions instead of growing the stack", async () => {
		// A chain of 100,000 unconfined coroutines, each resumed by the previous one.
		const n = 100_000;
		const gates = Array.from({ length: n + 1 }, () =>
			CompletableDeferred<number>(),
		);
		const order: number[] = [];
		for (let i = 0; i < n; i++) {
			const gate = gates[i]!;
			const next = gates[i + 1]!;
			GlobalScope.launch(Dispatchers.Unconfined, function* () {
				const v = yield* gate.await();
				if (i < 3) order.push(i);
				next.complete(v + 1);
			});
		}
		gates[0]!.complete(0);
		const last = await gates[n]!.asPromise();
		expect(last).toBe(n);
		expect(order).toEqual([0, 1, 2]);
	});

	it("yieldNow() does not suspend when no unconfined work is queued (C12.3)", async () => {
		const log: string[] = [];
		await runCoroutine(function* () {
			this.launch(Dispatchers.Unconfined, CoroutineStart.DEFAULT, function* () {
				log.push("before");
				yield* yieldNow();
				log.push("after");
			});
			log.push("parent");
		});
		expect(log).toEqual(["before", "after", "parent"]);
	});
});
