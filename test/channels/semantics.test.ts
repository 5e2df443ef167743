import {
	BufferOverflow,
	CancellationException,
	Channel,
	ChannelResult,
	ClosedSendChannelException,
	delay,
	EmptyCoroutineContext,
	IllegalStateException,
	select,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

/** Sends 1..n with trySend and returns what trySend said for each. */
function fill(ch: Channel<number>, n: number): string[] {
	const out: string[] = [];
	for (let i = 1; i <= n; i++) out.push(String(ch.trySend(i)));
	return out;
}

function drain(ch: Channel<number>): number[] {
	const out: number[] = [];
	for (let r = ch.tryReceive(); r.isSuccess; r = ch.tryReceive())
		out.push(r.getOrThrow());
	return out;
}

describe("capacities and overflow strategies (BufferedChannel, ConflatedBufferedChannel)", () => {
	it("RENDEZVOUS has no buffer: trySend fails without a waiting receiver", () => {
		const ch = Channel<number>();
		expect(fill(ch, 1)).toEqual(["Failed"]);
		expect(ch.isEmpty).toBe(true);
	});

	it("Channel(n) buffers n elements, BUFFERED 64, UNLIMITED any number", () => {
		expect(fill(Channel<number>(3), 4)).toEqual([
			"Value(undefined)",
			"Value(undefined)",
			"Value(undefined)",
			"Failed",
		]);
		const buffered = Channel<number>(Channel.BUFFERED);
		expect(fill(buffered, 65).filter((r) => r === "Failed")).toHaveLength(1);
		expect(drain(buffered)).toHaveLength(64);
		const unlimited = Channel<number>(Channel.UNLIMITED);
		expect(fill(unlimited, 10_000).every((r) => r !== "Failed")).toBe(true);
		expect(drain(unlimited)).toEqual(
			Array.from({ length: 10_000 }, (_, i) => i + 1),
		);
	});

	it("DROP_OLDEST keeps the newest n and hands the dropped ones to onUndeliveredElement, trySend included", () => {
		const dropped: number[] = [];
		const ch = Channel<number>(2, BufferOverflow.DROP_OLDEST, (e) =>
			dropped.push(e),
		);
		fill(ch, 5);
		expect(drain(ch)).toEqual([4, 5]);
		expect(dropped).toEqual([1, 2, 3]);
	});

	it("RENDEZVOUS and BUFFERED with DROP_* buffer one element; UNLIMITED ignores the strategy", () => {
		const r = Channel<number>(Channel.RENDEZVOUS, BufferOverflow.DROP_OLDEST);
		fill(r, 3);
		expect(drain(r)).toEqual([3]);
		const b = Channel<number>(Channel.BUFFERED, BufferOverflow.DROP_LATEST);
		fill(b, 3);
		expect(drain(b)).toEqual([1]);
		const u = Channel<number>(Channel.UNLIMITED, BufferOverflow.DROP_LATEST);
		fill(u, 3);
		expect(drain(u)).toEqual([1, 2, 3]);
	});

	it("the options form takes the same arguments", () => {
		const dropped: number[] = [];
		const ch = Channel<number>({
			capacity: 1,
			onBufferOverflow: BufferOverflow.DROP_OLDEST,
			onUndeliveredElement: (e) => dropped.push(e),
		});
		fill(ch, 2);
		expect(drain(ch)).toEqual([2]);
		expect(dropped).toEqual([1]);
	});

	it("bad arguments get Kotlin's texts", () => {
		expect(() => Channel(-5)).toThrow(
			new RangeError("Invalid channel capacity: -5, should be >=0"),
		);
		expect(() => Channel(-5)).toThrow(RangeError);
		expect(() =>
			Channel(Channel.CONFLATED, BufferOverflow.DROP_LATEST),
		).toThrow(
			"CONFLATED capacity cannot be used with non-default onBufferOverflow",
		);
		expect(() => Channel(1.5)).toThrow(RangeError);
		expect(() => Channel("3" as never)).toThrow(TypeError);
		expect(() => Channel(1, "DROP" as never)).toThrow(TypeError);
		expect(() => Channel(1, BufferOverflow.SUSPEND, 3 as never)).toThrow(
			TypeError,
		);
	});
});

describe("waiters", () => {
	it("suspended senders deliver in suspension order (FIFO)", async () => {
		await runTest(function* () {
			const ch = Channel<string>();
			for (const name of ["a", "b", "c"]) {
				this.launch(function* () {
					yield* ch.send(name);
				});
			}
			yield* yieldNow();
			expect([
				yield* ch.receive(),
				yield* ch.receive(),
				yield* ch.receive(),
			]).toEqual(["a", "b", "c"]);
		});
	});

	it("a receive from a waiting sender returns at once, the sender resumes through its dispatcher", async () => {
		await runTest(function* () {
			const ch = Channel<number>(1);
			yield* ch.send(1);
			this.launch(function* () {
				t.expect(1);
				yield* ch.send(2); // buffer full: suspends
				t.expect(4);
			});
			yield* yieldNow();
			t.expect(2);
			expect(yield* ch.receive()).toBe(1); // moves 2 into the buffer, resumes the sender
			t.expect(3);
			yield* yieldNow();
			expect(ch.tryReceive().getOrNull()).toBe(2);
			t.finish(5);
		});
	});

	it("close(): suspended senders still deliver, then the channel is closed for receive", async () => {
		await runTest(function* () {
			const ch = Channel<number>(1);
			yield* ch.send(1);
			const sender = this.launch(function* () {
				yield* ch.send(2);
			});
			yield* yieldNow();
			ch.close();
			expect(ch.isClosedForReceive).toBe(false);
			expect(yield* ch.receive()).toBe(1);
			expect(yield* ch.receive()).toBe(2);
			expect(ch.isClosedForReceive).toBe(true);
			yield* sender.join();
			expect(sender.isCancelled).toBe(false);
		});
	});

	it("cancel(): the buffer and every waiting sender's element are undelivered oldest first, senders fail", async () => {
		await runTest(function* () {
			const dropped: number[] = [];
			const ch = Channel<number>(2, BufferOverflow.SUSPEND, (e) =>
				dropped.push(e),
			);
			yield* ch.send(1);
			yield* ch.send(2);
			const failures: unknown[] = [];
			for (const v of [3, 4]) {
				this.launch(function* () {
					try {
						yield* ch.send(v);
					} catch (e) {
						failures.push(e);
					}
				});
			}
			yield* yieldNow();
			ch.cancel("stop");
			expect(dropped).toEqual([1, 2, 3, 4]);
			expect(ch.isEmpty).toBe(false);
			expect(ch.isClosedForReceive).toBe(true);
			yield* yieldNow();
			expect(failures).toHaveLength(2);
			expect(String(failures[0])).toBe("CancellationException: stop");
			expect(failures[0]).toBe(failures[1]);
			expect(String(ch.tryReceive())).toBe(
				"Closed(CancellationException: stop)",
			);
		});
	});

	it("invokeOnClose: one handler, run at once when already closed, a second one throws", () => {
		const ch = Channel<number>();
		const seen: (Error | null)[] = [];
		ch.invokeOnClose((c) => seen.push(c));
		expect(() => ch.invokeOnClose(() => {})).toThrow(IllegalStateException);
		const e = new Error("x");
		ch.close(e);
		expect(seen).toEqual([e]);
		const closed = Channel<number>();
		closed.close();
		closed.invokeOnClose((c) => seen.push(c));
		expect(seen).toEqual([e, null]);
		expect(() => closed.invokeOnClose(() => {})).toThrow(
			"Another handler was already registered and successfully invoked",
		);
	});
});

describe("prompt cancellation and onUndeliveredElement", () => {
	it("a cancelled send throws CancellationException and its element is undelivered, not in the channel", async () => {
		await runTest(function* () {
			const dropped: number[] = [];
			const ch = Channel<number>(0, BufferOverflow.SUSPEND, (e) =>
				dropped.push(e),
			);
			const sender = this.launch(function* () {
				try {
					yield* ch.send(1);
				} catch (e) {
					t.expect(2);
					expect(e).toBeInstanceOf(CancellationException);
					throw e;
				}
			});
			yield* yieldNow();
			t.expect(1);
			sender.cancel();
			yield* sender.join();
			expect(dropped).toEqual([1]);
			expect(ch.tryReceive().isFailure).toBe(true);
			t.finish(3);
		});
	});

	it("a send that finds a cancelled coroutine before suspending throws and drops its element", async () => {
		await runTest(function* () {
			const dropped: number[] = [];
			const ch = Channel<number>(0, BufferOverflow.SUSPEND, (e) =>
				dropped.push(e),
			);
			const job = this.launch(function* () {
				this.cancel();
				yield* ch.send(1);
			});
			yield* job.join();
			expect(dropped).toEqual([1]);
		});
	});

	it("a send to a closed channel throws ClosedSendChannelException and drops its element; trySend drops nothing", async () => {
		await runTest(function* () {
			const dropped: number[] = [];
			const ch = Channel<number>(1, BufferOverflow.SUSPEND, (e) =>
				dropped.push(e),
			);
			ch.close();
			expect(ch.trySend(9).isClosed).toBe(true);
			expect(String(ch.trySend(9).exceptionOrNull())).toBe(
				"ClosedSendChannelException: Channel was closed",
			);
			let failure: unknown;
			try {
				yield* ch.send(1);
			} catch (e) {
				failure = e;
			}
			expect(failure).toBeInstanceOf(ClosedSendChannelException);
			expect(dropped).toEqual([1]);
		});
	});

	it("receive, receiveCatching and hasNext cancelled while suspended throw CancellationException and take nothing", async () => {
		for (const op of ["receive", "receiveCatching", "hasNext"] as const) {
			await runTest(function* () {
				const ch = Channel<number>();
				let seen: unknown;
				const job = this.launch(function* () {
					try {
						if (op === "receive") yield* ch.receive();
						else if (op === "receiveCatching") yield* ch.receiveCatching();
						else yield* ch.iterator().hasNext();
					} catch (e) {
						seen = e;
					}
				});
				yield* yieldNow();
				job.cancel();
				yield* job.join();
				expect(seen).toBeInstanceOf(CancellationException);
				expect(ch.trySend(1).isFailure).toBe(true); // no receiver left waiting
			});
		}
	});

	it("an element handed to hasNext or receiveCatching of a coroutine cancelled before it ran is undelivered", async () => {
		for (const op of ["receiveCatching", "hasNext"] as const) {
			await runTest(function* () {
				const dropped: number[] = [];
				const ch = Channel<number>(0, BufferOverflow.SUSPEND, (e) =>
					dropped.push(e),
				);
				let resumed = false;
				const job = this.launch(function* () {
					if (op === "hasNext") yield* ch.iterator().hasNext();
					else yield* ch.receiveCatching();
					resumed = true;
				});
				yield* yieldNow();
				expect(ch.trySend(7).isSuccess).toBe(true);
				job.cancel();
				yield* job.join();
				expect(resumed).toBe(false);
				expect(dropped).toEqual([7]);
			});
		}
	});

	it("an element handed to an onReceive of a select cancelled before it ran is undelivered", async () => {
		await runTest(function* () {
			const dropped: number[] = [];
			const ch = Channel<number>(0, BufferOverflow.SUSPEND, (e) =>
				dropped.push(e),
			);
			const job = this.launch(function* () {
				yield* select<void>((s) => s.onReceive(ch, () => t.expectUnreached()));
			});
			yield* yieldNow();
			expect(ch.trySend(3).isSuccess).toBe(true);
			job.cancel();
			yield* job.join();
			expect(dropped).toEqual([3]);
		});
	});

	it("a throwing onUndeliveredElement is wrapped and thrown to the caller that dropped the element", () => {
		const ch = Channel<number>(1, BufferOverflow.DROP_OLDEST, () => {
			throw new Error("handler");
		});
		ch.trySend(1);
		let failure: unknown;
		try {
			ch.trySend(2);
		} catch (e) {
			failure = e;
		}
		expect(String(failure)).toBe(
			"UndeliveredElementException: Exception in undelivered element handler for 1",
		);
		expect((failure as Error).cause).toEqual(new Error("handler"));
	});
});

describe("iterator and results", () => {
	it("next() without hasNext() throws, after a false hasNext() the close exception", async () => {
		await runTest(function* () {
			const ch = Channel<number>(1);
			const it = ch.iterator();
			expect(() => it.next()).toThrow(
				new IllegalStateException("`hasNext()` has not been invoked"),
			);
			ch.close();
			expect(yield* it.hasNext()).toBe(false);
			expect(() => it.next()).toThrow("Channel was closed");
		});
	});

	it("break leaves the channel open", async () => {
		await runTest(function* () {
			const ch = Channel<number>(Channel.UNLIMITED);
			for (let i = 1; i <= 5; i++) ch.trySend(i);
			for (const it = ch.iterator(); yield* it.hasNext(); ) {
				if (it.next() === 2) break;
			}
			expect(ch.isClosedForSend).toBe(false);
			expect(yield* ch.receive()).toBe(3);
		});
	});

	it("ChannelResult: texts and accessors as Kotlin's", () => {
		const e = new Error("e");
		expect(String(ChannelResult.success(1))).toBe("Value(1)");
		expect(String(ChannelResult.failure())).toBe("Failed");
		expect(String(ChannelResult.closed(e))).toBe("Closed(Error: e)");
		expect(() => ChannelResult.failure().getOrThrow()).toThrow(
			"Trying to call 'getOrThrow' on a failed channel result: Failed",
		);
		expect(() => ChannelResult.closed(e).getOrThrow()).toThrow(e);
		expect(ChannelResult.closed<number>(e).getOrElse(() => 5)).toBe(5);
		const log: string[] = [];
		ChannelResult.success(1)
			.onSuccess((v) => log.push(`s${v}`))
			.onFailure(() => log.push("f"));
		ChannelResult.closed(null)
			.onFailure(() => log.push("f"))
			.onClosed(() => log.push("c"));
		expect(log).toEqual(["s1", "f", "c"]);
	});
});

describe("consume", () => {
	it("consume, consumeEach and toList cancel the channel when they end", async () => {
		await runTest(function* () {
			const ch = Channel<number>(Channel.UNLIMITED);
			ch.trySend(1);
			const first = yield* ch.consume(function* () {
				return yield* this.receive();
			});
			expect(first).toBe(1);
			expect(ch.isClosedForReceive).toBe(true);
			expect(String(ch.tryReceive())).toBe(
				"Closed(CancellationException: Channel was cancelled)",
			);
		});
	});

	it("a failing consume cancels the channel with the failure as cause", async () => {
		await runTest(function* () {
			const ch = Channel<number>();
			const boom = new Error("boom");
			let failure: unknown;
			try {
				yield* ch.consume(() => {
					throw boom;
				});
			} catch (e) {
				failure = e;
			}
			expect(failure).toBe(boom);
			const cause = ch.tryReceive().exceptionOrNull();
			expect(String(cause)).toBe(
				"CancellationException: Channel was consumed, consumer had failed",
			);
			expect(cause?.cause).toBe(boom);
		});
	});

	it("consumeEach runs generator actions in the consumer, element by element", async () => {
		await runTest(function* () {
			const log: string[] = [];
			const ch = this.produce<number>(EmptyCoroutineContext, 2, function* () {
				try {
					for (let i = 1; i <= 3; i++) yield* this.send(i);
				} finally {
					log.push("producer done");
				}
			});
			yield* ch.consumeEach(function* (x) {
				yield* delay(10);
				log.push(`got ${x}`);
			});
			expect(log).toEqual(["producer done", "got 1", "got 2", "got 3"]);
			expect(this.testScheduler.currentTime).toBe(30);
		});
	});
});
