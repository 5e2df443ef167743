import {
	CancellationException,
	Channel,
	coroutineScope,
	delay,
	EmptyCoroutineContext,
	IllegalStateException,
	Job,
	JobCancellationException,
	type ReceiveChannel,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("produce", () => {
	it("the channel closes when the body ends: the consumer gets every element, then the loop ends", async () => {
		await runTest(function* () {
			const squares = this.produce<number>(function* () {
				for (let x = 1; x <= 5; x++) yield* this.send(x * x);
			});
			const got: number[] = [];
			for (const it = squares.iterator(); yield* it.hasNext(); )
				got.push(it.next());
			expect(got).toEqual([1, 4, 9, 16, 25]);
			expect(squares.isClosedForReceive).toBe(true);
		});
	});

	it("7. a producer failing with e: the consumer gets the buffer, then e; the parent fails with e", async () => {
		const e = new Error("producer failed");
		await runTest(function* () {
			const parent = Job();
			let parentCause: Error | null = null;
			parent.invokeOnCompletion((cause) => {
				parentCause = cause;
			});
			const ch = this.produce<number>(parent, Channel.BUFFERED, function* () {
				yield* this.send(1);
				yield* this.send(2);
				throw e;
			});
			yield* delay(10);
			const received: number[] = [];
			let seen: unknown;
			try {
				for (const it = ch.iterator(); yield* it.hasNext(); )
					received.push(it.next());
			} catch (x) {
				seen = x;
			}
			expect(received).toEqual([1, 2]);
			expect(seen).toBe(e);
			expect(parentCause).toBe(e);
		});
	});

	it("7. a throw in consumeEach's action runs the producer's finally, then is rethrown", async () => {
		const boom = new Error("consumer failed");
		await runTest(function* () {
			let failure: unknown;
			try {
				yield* coroutineScope(function* (scope) {
					const ch = scope.produce<number>(function* () {
						try {
							for (let i = 1; ; i++) yield* this.send(i);
						} finally {
							t.expect(3);
						}
					});
					yield* ch.consumeEach((x) => {
						t.expect(x);
						if (x === 2) throw boom;
					});
				});
			} catch (x) {
				failure = x;
			}
			expect(failure).toBe(boom);
			t.finish(4);
		});
	});

	it("cancelling the channel cancels the producer (ProducerCoroutine was cancelled)", async () => {
		await runTest(function* () {
			let producerFailure: unknown;
			const ch = this.produce<number>(function* () {
				try {
					yield* this.send(1);
					yield* this.send(2);
				} catch (x) {
					producerFailure = x;
					throw x;
				}
			});
			expect(yield* ch.receive()).toBe(1);
			ch.cancel();
			yield* yieldNow();
			expect(producerFailure).toBeInstanceOf(JobCancellationException);
			expect(String(producerFailure)).toBe(
				"JobCancellationException: ProducerCoroutine was cancelled",
			);
			expect(ch.isClosedForReceive).toBe(true);
		});
	});

	it("cancelling the producer's parent closes the channel with the cancellation after the buffer", async () => {
		await runTest(function* () {
			let ch: ReceiveChannel<number> | null = null;
			const parent = this.launch(function* () {
				ch = this.produce<number>(
					EmptyCoroutineContext,
					Channel.UNLIMITED,
					function* () {
						yield* this.send(1);
						yield* this.send(2);
						yield* delay(1000);
					},
				);
			});
			yield* delay(10);
			parent.cancel();
			yield* parent.join();
			const c = ch as unknown as ReceiveChannel<number>;
			expect(yield* c.receive()).toBe(1);
			expect(yield* c.receive()).toBe(2);
			const r = yield* c.receiveCatching();
			expect(r.isClosed).toBe(true);
			expect(r.exceptionOrNull()).toBeInstanceOf(CancellationException);
		});
	});

	it("awaitClose waits until the consumer cancels, then runs its block", async () => {
		await runTest(function* () {
			const ch = this.produce<string>(function* () {
				this.trySend("hello");
				t.expect(1);
				yield* this.awaitClose(() => t.expect(3));
				t.expectUnreached();
			});
			yield* yieldNow();
			t.expect(2);
			ch.cancel();
			yield* yieldNow();
			t.finish(4);
		});
	});

	it("awaitClose returns when the producer itself closes the channel", async () => {
		await runTest(function* () {
			const ch = this.produce<string>(function* () {
				const self = this;
				this.launch(function* () {
					yield* delay(10);
					self.close();
				});
				yield* this.awaitClose(() => t.expect(2));
				t.expect(3);
			});
			expect((yield* ch.receiveCatching()).isClosed).toBe(true);
			t.expect(1); // close() resumes the waiting receivers first, then the close handler
			yield* yieldNow();
			t.finish(4);
		});
	});

	it("awaitClose from another coroutine throws IllegalStateException", async () => {
		let failure: unknown;
		await runTest(function* () {
			const producer = this.produce<string>(function* () {
				const self = this;
				yield* this.launch(function* () {
					try {
						yield* self.awaitClose(() => t.expectUnreached());
					} catch (e) {
						failure = e;
					}
				}).join();
			});
			expect(yield* producer.toList()).toEqual([]);
		});
		expect(failure).toBeInstanceOf(IllegalStateException);
		expect(String(failure)).toBe(
			"IllegalStateException: awaitClose() can only be invoked from the producer context",
		);
	});
});
