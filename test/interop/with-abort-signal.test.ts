import { getEventListeners } from "node:events";
import {
	awaitCancellation,
	CancellationException,
	delay,
	runCoroutine,
	withAbortSignal,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";

const listeners = (signal: AbortSignal) =>
	getEventListeners(signal, "abort").length;

describe("withAbortSignal", () => {
	it("returns the block's value and leaves no abort listener behind", async () => {
		const controller = new AbortController();
		const seen: number[] = [];
		const v = await runCoroutine(function* () {
			return yield* withAbortSignal(controller.signal, function* () {
				seen.push(listeners(controller.signal));
				yield* delay(1);
				return "done";
			});
		});
		expect(v).toBe("done");
		expect(seen).toEqual([1]);
		expect(listeners(controller.signal)).toBe(0);
	});

	it("an abort cancels the block and its children with the signal's reason as cause", async () => {
		const controller = new AbortController();
		const reason = new Error("user left");
		const events: string[] = [];
		const caught = await runCoroutine(function* () {
			try {
				yield* withAbortSignal(controller.signal, function* () {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} finally {
							events.push("child finally");
						}
					});
					try {
						yield* yieldNow();
						events.push("abort");
						controller.abort(reason);
						yield* delay(1000);
						events.push("unreachable");
					} finally {
						events.push("block finally");
					}
				});
				return null;
			} catch (e) {
				events.push("caller caught");
				// The caller itself was not cancelled: it can still suspend.
				yield* delay(1);
				events.push("caller goes on");
				return e;
			}
		});
		// The abort runs in the block's own step: the block's next suspension point throws at once,
		// while the child resumes with its CancellationException through the dispatcher.
		expect(events).toEqual([
			"abort",
			"block finally",
			"child finally",
			"caller caught",
			"caller goes on",
		]);
		expect(caught).toBeInstanceOf(CancellationException);
		expect((caught as Error).cause).toBe(reason);
		expect(String(caught)).toBe(
			"CancellationException: The AbortSignal was aborted: Error: user left",
		);
		expect(listeners(controller.signal)).toBe(0);
	});

	it("an already-aborted signal throws at once without running the block", async () => {
		const controller = new AbortController();
		controller.abort();
		let ran = false;
		const caught = await runCoroutine(function* () {
			try {
				yield* withAbortSignal(controller.signal, function* () {
					ran = true;
				});
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(ran).toBe(false);
		expect(caught).toBeInstanceOf(CancellationException);
		const cause = (caught as Error).cause as DOMException;
		expect(cause).toBe(controller.signal.reason);
		expect(cause.name).toBe("AbortError");
		expect(listeners(controller.signal)).toBe(0);
	});

	it("AbortSignal.timeout cancels the block with the TimeoutError as cause", async () => {
		const signal = AbortSignal.timeout(10);
		const caught = await runCoroutine(function* () {
			try {
				yield* withAbortSignal(signal, function* () {
					yield* awaitCancellation();
				});
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(caught).toBeInstanceOf(CancellationException);
		expect(((caught as Error).cause as DOMException).name).toBe("TimeoutError");
	});

	it("removes its listener after a failure, and a later abort does nothing", async () => {
		const controller = new AbortController();
		const boom = new Error("boom");
		const caught = await runCoroutine(function* () {
			try {
				yield* withAbortSignal(controller.signal, function* () {
					yield* delay(1);
					throw boom;
				});
			} catch (e) {
				return e;
			}
			return null;
		});
		expect(caught).toBe(boom);
		expect(listeners(controller.signal)).toBe(0);
		controller.abort(); // no scope left to cancel, nothing thrown
	});

	it("keeps listening while the scope waits for its children: an abort then cancels them", async () => {
		const controller = new AbortController();
		const events: string[] = [];
		let blockReturned!: () => void;
		const returned = new Promise<void>((r) => {
			blockReturned = r;
		});
		const run = runCoroutine(function* () {
			try {
				yield* withAbortSignal(controller.signal, function* () {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} finally {
							events.push("child cancelled");
						}
					});
					events.push("block returns");
					blockReturned();
				});
			} catch (e) {
				events.push(`caught ${(e as Error).name}`);
			}
			events.push(`listeners after: ${listeners(controller.signal)}`);
		});
		await returned;
		expect(listeners(controller.signal)).toBe(1);
		controller.abort();
		await run;
		expect(events).toEqual([
			"block returns",
			"child cancelled",
			"caught CancellationException",
			"listeners after: 0",
		]);
	});

	it("a caller cancelled from elsewhere cancels the block; the listener goes and the signal stays untouched", async () => {
		const controller = new AbortController();
		const events: string[] = [];
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				try {
					yield* withAbortSignal(controller.signal, function* () {
						try {
							yield* awaitCancellation();
						} finally {
							events.push(
								`block finally, listeners ${listeners(controller.signal)}`,
							);
						}
					});
				} catch (e) {
					events.push(`caller caught ${String(e)}`);
					throw e;
				}
			});
			yield* yieldNow();
			events.push(`listeners while running ${listeners(controller.signal)}`);
			job.cancel("shutting down");
			yield* job.join();
			events.push(`listeners after ${listeners(controller.signal)}`);
		});
		expect(events).toEqual([
			"listeners while running 1",
			"block finally, listeners 1",
			"caller caught CancellationException: shutting down",
			"listeners after 0",
		]);
		expect(controller.signal.aborted).toBe(false);
	});

	it("many calls with one long-lived signal do not accumulate listeners", async () => {
		const controller = new AbortController();
		const total = await runCoroutine(function* () {
			let sum = 0;
			for (let i = 0; i < 1000; i++) {
				sum += yield* withAbortSignal(controller.signal, function* () {
					return i;
				});
			}
			return sum;
		});
		expect(total).toBe(499_500);
		expect(listeners(controller.signal)).toBe(0);
	});

	it("rejects bad arguments with a TypeError", () => {
		expect(() => withAbortSignal({} as AbortSignal, function* () {})).toThrow(
			"withAbortSignal(signal, block): signal must be an AbortSignal, got object",
		);
		expect(() =>
			withAbortSignal(new AbortController().signal, null as never),
		).toThrow(TypeError);
	});
});
