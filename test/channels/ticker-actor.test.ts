import {
	CancellationException,
	CoroutineExceptionHandler,
	delay,
	EmptyCoroutineContext,
	Job,
	TickerMode,
	ticker,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";

describe("ticker", () => {
	it("FIXED_PERIOD ticks on the caller's virtual clock and skips missed periods", async () => {
		await runTest(function* () {
			const tick = ticker(100, 50);
			const times: number[] = [];
			for (let i = 0; i < 3; i++) {
				yield* tick.receive();
				times.push(this.testScheduler.currentTime);
			}
			yield* delay(250); // falls behind: ticks due at 350 and 450 were missed
			yield* tick.receive();
			times.push(this.testScheduler.currentTime);
			yield* tick.receive();
			times.push(this.testScheduler.currentTime);
			tick.cancel();
			yield* yieldNow(); // the ticker's coroutine ends
			expect(times).toEqual([50, 150, 250, 500, 550]);
		});
	});

	it("FIXED_DELAY waits the delay after each tick was sent", async () => {
		await runTest(function* () {
			const tick = ticker(
				100,
				0,
				EmptyCoroutineContext,

				TickerMode.FIXED_DELAY,
			);
			const times: number[] = [];
			for (let i = 0; i < 2; i++) {
				yield* tick.receive();
				times.push(this.testScheduler.currentTime);
				yield* delay(30);
			}
			yield* tick.receive();
			times.push(this.testScheduler.currentTime);
			tick.cancel();
			yield* yieldNow();
			expect(times).toEqual([0, 100, 200]);
		});
	});

	it("negative delays get Kotlin's texts", () => {
		expect(() => ticker(-1)).toThrow(
			new RangeError("Expected non-negative delay, but has -1 ms"),
		);
		expect(() => ticker(1, -2)).toThrow(
			"Expected non-negative initial delay, but has -2 ms",
		);
	});
});

describe("actor", () => {
	it("receives what is sent to it; closing the channel ends it, its end cancels the channel", async () => {
		await runTest(function* () {
			const seen: number[] = [];
			const counter = this.actor<number>(function* () {
				for (const it = this.channel.iterator(); yield* it.hasNext(); )
					seen.push(it.next());
			});
			yield* counter.send(1);
			yield* counter.send(2);
			counter.close();
			yield* yieldNow();
			expect(seen).toEqual([1, 2]);
			expect(counter.isClosedForSend).toBe(true);
		});
	});

	it("an actor that fails cancels its channel: senders get a CancellationException caused by the failure", async () => {
		const boom = new Error("actor failed");
		await runTest(function* () {
			const parent = Job();
			const reported: Error[] = [];
			const handler = CoroutineExceptionHandler((_, e) => reported.push(e));
			const a = this.actor<number>(parent.plus(handler), 0, function* () {
				yield* this.receive();
				throw boom;
			});
			yield* a.send(1);
			yield* yieldNow();
			let sendFailure: unknown;
			try {
				yield* a.send(2);
			} catch (e) {
				sendFailure = e;
			}
			expect(sendFailure).toBeInstanceOf(CancellationException);
			expect((sendFailure as Error).cause).toBe(boom);
			expect(parent.isCancelled).toBe(true);
			expect(reported).toEqual([boom]); // as launch: a root Job() does not handle it
		});
	});
});
