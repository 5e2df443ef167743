import {
	type CoroutineContext,
	CoroutineDispatcher,
	currentCoroutineContext,
	Dispatchers,
	delay,
	runCoroutine,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";

describe("Dispatchers.Default run queue", () => {
	it("runs launched coroutines in FIFO order, after the parent suspends (L1)", async () => {
		const log: string[] = [];
		await runCoroutine(function* () {
			for (const name of ["a", "b", "c"]) {
				this.launch(function* () {
					log.push(`${name}1`);
					yield* yieldNow();
					log.push(`${name}2`);
				});
			}
			log.push("parent");
		});
		expect(log).toEqual(["parent", "a1", "b1", "c1", "a2", "b2", "c2"]);
	});

	it("yieldNow() puts the coroutine at the tail of the queue: round-robin", async () => {
		const log: number[] = [];
		await runCoroutine(function* () {
			for (let id = 1; id <= 3; id++) {
				this.launch(function* () {
					for (let i = 0; i < 3; i++) {
						log.push(id);
						yield* yieldNow();
					}
				});
			}
		});
		expect(log).toEqual([1, 2, 3, 1, 2, 3, 1, 2, 3]);
	});

	it("is fair: a setTimeout(0) fires while a coroutine loops on yieldNow()", async () => {
		let timerFired = false;
		let stepsBeforeTimer = 0;
		let steps = 0;
		setTimeout(() => {
			timerFired = true;
			stepsBeforeTimer = steps;
		}, 0);
		await runCoroutine(function* () {
			// Event-based: loop until the timer has fired (bounded so a starving queue fails, not hangs).
			while (!timerFired && steps < 50_000_000) {
				steps++;
				yield* yieldNow();
			}
		});
		expect(timerFired).toBe(true);
		expect(stepsBeforeTimer).toBeGreaterThan(0);
		expect(stepsBeforeTimer).toBeLessThan(50_000_000);
	});

	it("keeps its slice short when steps are heavy: the clock is read often enough", async () => {
		// Each step busy-waits 100 µs. The slice is 1 ms, so a timer due at once fires after a
		// dozen steps; reading the clock only every 256 tasks let 256 heavy steps (25 ms) run first.
		let timerFired = false;
		let stepsBeforeTimer = 0;
		let steps = 0;
		setTimeout(() => {
			timerFired = true;
			stepsBeforeTimer = steps;
		}, 0);
		await runCoroutine(function* () {
			while (!timerFired && steps < 1_000) {
				steps++;
				const start = performance.now();
				while (performance.now() - start < 0.1);
				yield* yieldNow();
			}
		});
		expect(timerFired).toBe(true);
		expect(stepsBeforeTimer).toBeGreaterThan(0);
		expect(stepsBeforeTimer).toBeLessThan(100);
	});

	it("is fair to promise callbacks and I/O of plain code", async () => {
		let immediateRan = false;
		setImmediate(() => {
			immediateRan = true;
		});
		let steps = 0;
		await runCoroutine(function* () {
			while (!immediateRan && steps < 50_000_000) {
				steps++;
				yield* yieldNow();
			}
		});
		expect(immediateRan).toBe(true);
	});

	it("runs a million yieldNow() steps in a row without stack growth", async () => {
		const n = await runCoroutine(function* () {
			let i = 0;
			for (; i < 1_000_000; i++) yield* yieldNow();
			return i;
		});
		expect(n).toBe(1_000_000);
	});

	it("Main and IO are aliases of Default", () => {
		expect(Dispatchers.Main).toBe(Dispatchers.Default);
		expect(Dispatchers.IO).toBe(Dispatchers.Default);
	});

	it("a user dispatcher receives every step through dispatch()", async () => {
		const seen: string[] = [];
		class Recording extends CoroutineDispatcher {
			dispatch(_ctx: CoroutineContext, block: () => void): void {
				seen.push("dispatch");
				setImmediate(block);
			}
		}
		const d = new Recording();
		const r = await runCoroutine(function* () {
			const inner = currentCoroutineContext().get(CoroutineDispatcher.Key);
			yield* yieldNow();
			yield* delay(1);
			return inner === d;
		}, d);
		expect(r).toBe(true);
		// start, after yieldNow, after delay
		expect(seen).toEqual(["dispatch", "dispatch", "dispatch"]);
	});
});
