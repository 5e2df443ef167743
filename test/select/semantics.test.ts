import {
	BufferOverflow,
	CancellationException,
	Channel,
	CompletableDeferred,
	CoroutineStart,
	delay,
	EmptyCoroutineContext,
	IllegalStateException,
	type SelectBuilder,
	select,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("select semantics", () => {
	it("biased: an onTimeout(0) registered first beats a ready channel, which keeps its element", async () => {
		await runTest(function* () {
			const ch = Channel<number>(1);
			yield* ch.send(1);
			const r = yield* select<string>((s) => {
				s.onTimeout(0, () => "timeout");
				s.onReceive(ch, (v) => `got ${v}`);
			});
			expect(r).toBe("timeout");
			expect(ch.tryReceive().getOrNull()).toBe(1);
		});
	});

	it("a losing onSend sends nothing, a losing onReceive takes nothing (suspended select)", async () => {
		await runTest(function* () {
			const a = Channel<number>();
			const out = Channel<string>();
			const result = this.async(function* () {
				return yield* select<string>((s) => {
					s.onReceive(a, (v) => `received ${v}`);
					s.onSend(out, "x", () => "sent");
				});
			});
			yield* yieldNow();
			yield* a.send(1);
			expect(yield* result.await()).toBe("received 1");
			// the onSend registration was withdrawn: nothing waits to send on `out`
			expect(out.tryReceive().isFailure).toBe(true);
			expect(out.isEmpty).toBe(true);
		});
	});

	it("an onSend waiting on a full buffer completes when a receive makes room", async () => {
		await runTest(function* () {
			const ch = Channel<number>(1);
			yield* ch.send(1);
			const result = this.async(function* () {
				return yield* select<string>((s) => {
					s.onSend(ch, 2, (c) => (c === ch ? "sent to ch" : "?"));
					s.onTimeout(1000, () => "timeout");
				});
			});
			yield* delay(10);
			expect(yield* ch.receive()).toBe(1);
			expect(yield* result.await()).toBe("sent to ch");
			expect(yield* ch.receive()).toBe(2);
			expect(this.testScheduler.currentTime).toBe(10);
		});
	});

	it("cancellation while selecting: channels as if the select never happened", async () => {
		await runTest(function* () {
			const a = Channel<number>(1);
			const b = Channel<number>();
			yield* a.send(1); // full: an onSend(a) must wait
			const job = this.launch(function* () {
				yield* select<void>((s) => {
					s.onSend(a, 2, () => t.expectUnreached());
					s.onReceive(b, () => t.expectUnreached());
					s.onTimeout(100, () => t.expectUnreached());
				});
			});
			yield* yieldNow();
			job.cancel();
			yield* job.join();
			expect(yield* a.receive()).toBe(1);
			expect(a.tryReceive().isFailure).toBe(true); // 2 was never sent
			expect(b.trySend(5).isFailure).toBe(true); // no receiver left on b
			yield* delay(200); // the timer was withdrawn too
		});
	});

	it("a select whose coroutine is already cancelled still completes with a ready clause (no check)", async () => {
		await runTest(function* () {
			const ch = Channel<number>(1);
			yield* ch.send(4);
			const job = this.launch(function* () {
				this.cancel();
				const v = yield* select<number>((s) => s.onReceive(ch, (x) => x));
				t.expect(1);
				expect(v).toBe(4);
			});
			yield* job.join();
			t.finish(2);
		});
	});

	it("onAwait of a failed deferred fails the select; onAwait/onJoin start a lazy job", async () => {
		await runTest(function* () {
			const d = CompletableDeferred<number>();
			const boom = new Error("boom");
			d.completeExceptionally(boom);
			let failure: unknown;
			try {
				yield* select<number>((s) => s.onAwait(d, (v) => v));
			} catch (e) {
				failure = e;
			}
			expect(failure).toBe(boom);
			const lazy = this.async(
				EmptyCoroutineContext,
				CoroutineStart.LAZY,
				function* () {
					yield* delay(5);
					return 9;
				},
			);
			expect(yield* select<number>((s) => s.onAwait(lazy, (v) => v))).toBe(9);
		});
	});

	it("the chosen body may suspend; its result and failure are select's", async () => {
		await runTest(function* () {
			const ch = Channel<number>(1);
			yield* ch.send(2);
			const r = yield* select<number>((s) =>
				s.onReceive(ch, function* (v) {
					yield* delay(10);
					return v * 10;
				}),
			);
			expect(r).toBe(20);
			yield* ch.send(3);
			let failure: unknown;
			try {
				yield* select<number>((s) =>
					s.onReceive(ch, () => {
						throw new Error("in body");
					}),
				);
			} catch (e) {
				failure = e;
			}
			expect(String(failure)).toBe("Error: in body");
		});
	});

	it("onSend to a closed channel fails the select with the send exception and drops the element", async () => {
		await runTest(function* () {
			const dropped: number[] = [];
			const ch = Channel<number>(1, BufferOverflow.SUSPEND, (e) =>
				dropped.push(e),
			);
			ch.close();
			let failure: unknown;
			try {
				yield* select<void>((s) => s.onSend(ch, 1, () => {}));
			} catch (e) {
				failure = e;
			}
			expect(String(failure)).toBe(
				"ClosedSendChannelException: Channel was closed",
			);
			expect(dropped).toEqual([1]);
		});
	});

	it("closing a channel an onReceive waits on fails the select; cancel gives its cause", async () => {
		await runTest(function* () {
			const ch = Channel<number>();
			const r = this.async(function* () {
				return yield* select<string>((s) =>
					s.onReceiveCatching(ch, (res) => String(res)),
				);
			});
			const f = this.async(function* () {
				return yield* select<string>((s) =>
					s.onReceive(Channel<number>(), () => "no"),
				);
			});
			yield* yieldNow();
			ch.cancel();
			expect(yield* r.await()).toBe(
				"Closed(CancellationException: Channel was cancelled)",
			);
			f.cancel();
			let failure: unknown;
			try {
				yield* f.await();
			} catch (e) {
				failure = e;
			}
			expect(failure).toBeInstanceOf(CancellationException);
		});
	});

	it("bad arguments: a non-function builder or body, a clause after the builder, no clause", async () => {
		await runTest(function* () {
			expect(() => select(3 as never)).toThrow(TypeError);
			const ch = Channel<number>();
			const failures: unknown[] = [];
			for (const build of [
				(s: SelectBuilder<void>) => s.onReceive(ch, 5 as never),
				(s: SelectBuilder<void>) => s.onReceive({} as never, () => {}),
				(s: SelectBuilder<void>) => s.onTimeout(Number.NaN, () => {}),
				(_s: SelectBuilder<void>) => {},
			]) {
				try {
					yield* select<void>(build);
				} catch (e) {
					failures.push(e);
				}
			}
			expect(failures.map((e) => (e as Error).constructor.name)).toEqual([
				"TypeError",
				"TypeError",
				"RangeError",
				"IllegalStateException",
			]);
			expect(String(failures[0])).toBe(
				"TypeError: select: onReceive(channel, block): expected a function or a generator function, got number",
			);
			let kept: SelectBuilder<number> | null = null;
			ch.close();
			yield* select<number>((s) => {
				kept = s;
				s.onReceiveCatching(ch, () => 1);
			});
			expect(() =>
				(kept as unknown as SelectBuilder<number>).onTimeout(1, () => 2),
			).toThrow(IllegalStateException);
		});
	});
});
