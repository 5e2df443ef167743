import {
	CoroutineName,
	CoroutineScope,
	currentCoroutineContext,
	delay,
	type Job,
	SupervisorJob,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import {
	runTest,
	StandardTestDispatcher,
	TestCoroutineScheduler,
	UnconfinedTestDispatcher,
} from "kocoro/test";
import { describe, expect, it } from "vitest";

/** A scope on a fresh scheduler, driven by hand. */
function manual(seed?: number) {
	const scheduler = new TestCoroutineScheduler(
		seed === undefined ? {} : { seed },
	);
	const scope = CoroutineScope(
		StandardTestDispatcher(scheduler).plus(SupervisorJob()),
	);
	return { scheduler, scope };
}

describe("TestCoroutineScheduler driven by hand", () => {
	it("runs nothing until driven, then tasks in dispatch order", () => {
		const { scheduler, scope } = manual();
		const log: string[] = [];
		for (const name of ["a", "b", "c"])
			scope.launch(function* () {
				log.push(name);
			});
		expect(log).toEqual([]);
		scheduler.runCurrent();
		expect(log).toEqual(["a", "b", "c"]);
		expect(scheduler.currentTime).toBe(0);
	});

	it("advanceTimeBy runs what is due before the target, not at it; runCurrent runs the rest", () => {
		const { scheduler, scope } = manual();
		const log: string[] = [];
		for (const t of [5, 10, 15])
			scope.launch(function* () {
				yield* delay(t);
				log.push(`${t}@${scheduler.currentTime}`);
			});
		scheduler.advanceTimeBy(10);
		expect(log).toEqual(["5@5"]);
		expect(scheduler.currentTime).toBe(10);
		scheduler.runCurrent();
		expect(log).toEqual(["5@5", "10@10"]);
		scheduler.advanceUntilIdle();
		expect(log).toEqual(["5@5", "10@10", "15@15"]);
		expect(scheduler.currentTime).toBe(15);
	});

	it("timers due at the same time fire in the order they were scheduled", () => {
		const { scheduler, scope } = manual();
		const log: string[] = [];
		for (const name of ["x", "y", "z"])
			scope.launch(function* () {
				yield* delay(7);
				log.push(name);
			});
		scheduler.advanceUntilIdle();
		expect(log).toEqual(["x", "y", "z"]);
	});

	it("advanceUntilIdle does not wait for background work", async () => {
		await runTest(function* () {
			let ticks = 0;
			this.backgroundScope.launch(function* () {
				for (;;) {
					yield* delay(100);
					ticks++;
				}
			});
			this.launch(function* () {
				yield* delay(250);
			});
			this.testScheduler.advanceUntilIdle();
			expect(this.testScheduler.currentTime).toBe(250);
			expect(ticks).toBe(2);
		});
	});

	it("rejects a negative or non-finite advanceTimeBy", () => {
		const scheduler = new TestCoroutineScheduler();
		expect(() => scheduler.advanceTimeBy(-1)).toThrow(RangeError);
		expect(() => scheduler.advanceTimeBy(Number.NaN)).toThrow(
			"advanceTimeBy(delayTimeMillis): expected a finite number >= 0, got NaN",
		);
		expect(() => new TestCoroutineScheduler({ seed: 1.5 })).toThrow(
			"TestCoroutineScheduler({ seed }): seed must be an integer between -2^31 and 2^32 - 1, got 1.5",
		);
	});

	it("a due delay resumes its coroutine in its own event, before a timeout due at the same time (L2)", async () => {
		await runTest(function* () {
			let seen = "";
			let inner: Job | null = null;
			this.launch(function* () {
				yield* delay(10);
				seen = `inner cancelled: ${inner?.isCancelled}`;
			});
			yield* yieldNow(); // the launched coroutine schedules its timer first
			const result = yield* withTimeoutOrNull(10, function* () {
				inner = this.launch(function* () {
					yield* delay(1_000);
				});
				yield* delay(1_000);
			});
			expect(result).toBeNull();
			expect(seen).toBe("inner cancelled: false");
		});
	});
});

describe("seeded order", () => {
	function orderFor(seed: number | undefined): string[] {
		const { scheduler, scope } = manual(seed);
		const log: string[] = [];
		for (let i = 0; i < 6; i++)
			scope.launch(function* () {
				yield* delay(1);
				log.push(`${i}`);
				yield* yieldNow();
				log.push(`${i}'`);
			});
		scheduler.advanceUntilIdle();
		return log;
	}

	it("without a seed, tasks due at the same instant run in FIFO order", () => {
		expect(orderFor(undefined)).toEqual([
			..."012345".split(""),
			..."012345".split("").map((i) => `${i}'`),
		]);
	});

	it("the same seed replays the same order; different seeds explore different orders", () => {
		for (const seed of [0, 1, 42, 0xffffffff, -7]) {
			expect(orderFor(seed)).toEqual(orderFor(seed));
		}
		const distinct = new Set<string>();
		for (let seed = 0; seed < 20; seed++) distinct.add(orderFor(seed).join());
		expect(distinct.size).toBeGreaterThan(10);
		for (let seed = 0; seed < 20; seed++) {
			const order = orderFor(seed);
			// Each coroutine still runs its own steps in order.
			for (let i = 0; i < 6; i++)
				expect(order.indexOf(`${i}`)).toBeLessThan(order.indexOf(`${i}'`));
		}
	});
});

describe("test dispatchers", () => {
	it("StandardTestDispatcher() inside runTest shares the test's scheduler and clock", async () => {
		await runTest(function* () {
			const scheduler = currentCoroutineContext().get(
				TestCoroutineScheduler.Key,
			);
			expect(scheduler).toBe(this.testScheduler);
			const other = StandardTestDispatcher();
			expect(other.scheduler).toBe(this.testScheduler);
			let at = -1;
			yield* this.launch(other, function* () {
				yield* delay(500);
				at = scheduler!.currentTime;
			}).join();
			expect(at).toBe(500);
		});
	});

	it("UnconfinedTestDispatcher starts coroutines in place and delays them in virtual time", async () => {
		await runTest(function* () {
			const log: string[] = [];
			const job = this.launch(
				UnconfinedTestDispatcher(this.testScheduler).plus(
					CoroutineName("eager"),
				),
				function* () {
					log.push("started");
					yield* delay(1_000);
					log.push(`resumed at ${currentTime()}`);
				},
			);
			const currentTime = () => this.testScheduler.currentTime;
			log.push("launch returned");
			yield* job.join();
			expect(log).toEqual(["started", "launch returned", "resumed at 1000"]);
		});
	});

	it("a dispatcher's toString names its scheduler and time", () => {
		const scheduler = new TestCoroutineScheduler({ seed: 3 });
		expect(String(StandardTestDispatcher(scheduler))).toBe(
			"StandardTestDispatcher[scheduler=TestCoroutineScheduler[currentTime=0, seed=3]]",
		);
		expect(String(UnconfinedTestDispatcher(scheduler))).toBe(
			"UnconfinedTestDispatcher[scheduler=TestCoroutineScheduler[currentTime=0, seed=3]]",
		);
	});
});
