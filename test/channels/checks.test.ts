import {
	BufferOverflow,
	CancellationException,
	Channel,
	ClosedReceiveChannelException,
	ClosedSendChannelException,
	delay,
	IllegalStateException,
	NoSuchElementException,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("channel checks (exact order, virtual time)", () => {
	it("1. rendezvous: a send returns at once to a waiting receiver and waits for the next one", async () => {
		const log: string[] = [];
		await runTest(function* () {
			const ch = Channel<number>();
			this.launch(function* () {
				for (let i = 1; i <= 3; i++) {
					log.push(`send ${i}`);
					yield* ch.send(i);
					log.push(`sent ${i}`);
				}
			});
			for (let i = 0; i < 3; i++) log.push(`got ${yield* ch.receive()}`);
		});
		expect(log).toEqual([
			"send 1",
			"sent 1",
			"send 2",
			"got 1",
			"got 2",
			"sent 2",
			"send 3",
			"sent 3",
			"got 3",
		]);
	});

	it("2. Channel(4): the 5th send suspends; cancelling it and then the channel hands 4, then 0..3 to onUndeliveredElement", async () => {
		const log: string[] = [];
		await runTest(function* () {
			const ch = Channel<number>(4, BufferOverflow.SUSPEND, (e) =>
				log.push(`undelivered ${e}`),
			);
			const sender = this.launch(function* () {
				for (let i = 0; i < 10; i++) {
					log.push(`Sending ${i}`);
					yield* ch.send(i);
				}
			});
			yield* delay(1000);
			expect(ch.isEmpty).toBe(false);
			sender.cancel();
			yield* sender.join();
			log.push("cancel");
			ch.cancel();
			expect(ch.isClosedForReceive).toBe(true);
		});
		expect(log).toEqual([
			"Sending 0",
			"Sending 1",
			"Sending 2",
			"Sending 3",
			"Sending 4",
			"undelivered 4",
			"cancel",
			"undelivered 0",
			"undelivered 1",
			"undelivered 2",
			"undelivered 3",
		]);
	});

	it("3. CONFLATED keeps the latest; Channel(2, DROP_LATEST) keeps the first two, trySend succeeds silently", async () => {
		const log: string[] = [];
		await runTest(function* () {
			const conflated = Channel<number>(Channel.CONFLATED, undefined, (e) =>
				log.push(`undelivered ${e}`),
			);
			yield* conflated.send(1);
			yield* conflated.send(2);
			yield* conflated.send(3);
			log.push(`received ${yield* conflated.receive()}`);
			const latest = Channel<number>(2, BufferOverflow.DROP_LATEST, (e) =>
				log.push(`dropped ${e}`),
			);
			yield* latest.send(1);
			yield* latest.send(2);
			yield* latest.send(3);
			const r = latest.trySend(4);
			log.push(`trySend ${r}`);
			log.push(
				`${latest.tryReceive()} ${latest.tryReceive()} ${latest.tryReceive()}`,
			);
		});
		expect(log).toEqual([
			"undelivered 1",
			"undelivered 2",
			"received 3",
			"dropped 3",
			"trySend Value(undefined)",
			"Value(1) Value(2) Failed",
		]);
	});

	it("4. close(): the buffer is received, then ClosedReceiveChannelException; after close(e), e itself", async () => {
		await runTest(function* () {
			const ch = Channel<number>(2);
			yield* ch.send(1);
			yield* ch.send(2);
			expect(ch.close()).toBe(true);
			expect(ch.close()).toBe(false);
			expect(ch.isClosedForSend).toBe(true);
			expect(ch.isClosedForReceive).toBe(false);
			expect(yield* ch.receive()).toBe(1);
			expect(yield* ch.receive()).toBe(2);
			expect(ch.isClosedForReceive).toBe(true);
			let failure: unknown;
			try {
				yield* ch.receive();
			} catch (e) {
				failure = e;
			}
			expect(failure).toBeInstanceOf(ClosedReceiveChannelException);
			expect(failure).toBeInstanceOf(NoSuchElementException);
			expect(String(failure)).toBe(
				"ClosedReceiveChannelException: Channel was closed",
			);
			let sendFailure: unknown;
			try {
				yield* ch.send(3);
			} catch (e) {
				sendFailure = e;
			}
			expect(sendFailure).toBeInstanceOf(ClosedSendChannelException);
			expect(sendFailure).toBeInstanceOf(IllegalStateException);
			expect(String(sendFailure)).toBe(
				"ClosedSendChannelException: Channel was closed",
			);
			const e = new Error("boom");
			const failed = Channel<number>(1);
			yield* failed.send(1);
			failed.close(e);
			expect(yield* failed.receive()).toBe(1);
			let got: unknown;
			try {
				yield* failed.receive();
			} catch (x) {
				got = x;
			}
			expect(got).toBe(e);
			expect((yield* failed.receiveCatching()).exceptionOrNull()).toBe(e);
		});
	});

	it("5. an element handed to a receiver cancelled before it runs goes to onUndeliveredElement", async () => {
		await runTest(function* () {
			const undelivered: number[] = [];
			const ch = Channel<number>(Channel.RENDEZVOUS, undefined, (e) =>
				undelivered.push(e),
			);
			const receiver = this.launch(function* () {
				t.expect(1);
				yield* ch.receive();
				t.expectUnreached();
			});
			yield* yieldNow();
			t.expect(2);
			yield* ch.send(42); // handed over: the receiver is resumed, not yet run
			receiver.cancel();
			yield* receiver.join();
			expect(undelivered).toEqual([42]);
			t.finish(3);
		});
	});

	it("6. three suspended receivers get 1, 2, 3 in suspension order", async () => {
		const log: string[] = [];
		await runTest(function* () {
			const ch = Channel<number>();
			for (const name of ["a", "b", "c"]) {
				this.launch(function* () {
					log.push(`${name} ${yield* ch.receive()}`);
				});
			}
			yield* yieldNow();
			for (let i = 1; i <= 3; i++) yield* ch.send(i);
		});
		expect(log).toEqual(["a 1", "b 2", "c 3"]);
	});

	it("cancel() fails waiting receivers with its CancellationException", async () => {
		await runTest(function* () {
			const ch = Channel<number>();
			const d = this.async(function* () {
				return yield* ch.receive();
			});
			yield* yieldNow();
			ch.cancel();
			let failure: unknown;
			try {
				yield* d.await();
			} catch (e) {
				failure = e;
			}
			expect(failure).toBeInstanceOf(CancellationException);
			expect(String(failure)).toBe(
				"CancellationException: Channel was cancelled",
			);
		});
	});
});
