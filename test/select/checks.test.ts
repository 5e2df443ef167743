import {
	Channel,
	ClosedReceiveChannelException,
	CompletableDeferred,
	delay,
	IllegalStateException,
	select,
	selectUnbiased,
	whileSelect,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("select checks (exact order, virtual time)", () => {
	it("8. select over two ready channels takes the first; the other keeps its element", async () => {
		await runTest(function* () {
			const a = Channel<string>(1);
			const b = Channel<string>(1);
			yield* a.send("a");
			yield* b.send("b");
			const got = yield* select<string>((s) => {
				s.onReceive(a, (v) => `from ${v}`);
				s.onReceive(b, (v) => `from ${v}`);
			});
			expect(got).toBe("from a");
			expect(b.tryReceive().getOrNull()).toBe("b");
		});
	});

	it("8. selectUnbiased repeats its picks for a seed", async () => {
		const picks = async (seed: number): Promise<string> => {
			let out = "";
			await runTest(
				function* () {
					const a = Channel<string>(Channel.UNLIMITED);
					const b = Channel<string>(Channel.UNLIMITED);
					for (let i = 0; i < 20; i++) {
						a.trySend("a");
						b.trySend("b");
					}
					for (let i = 0; i < 20; i++) {
						out += yield* selectUnbiased<string>((s) => {
							s.onReceive(a, (v) => v);
							s.onReceive(b, (v) => v);
						});
					}
				},
				{ seed },
			);
			return out;
		};
		const first = await picks(7);
		expect(await picks(7)).toBe(first);
		expect(first).toMatch(/a/);
		expect(first).toMatch(/b/);
		const others = await Promise.all([1, 2, 3, 4].map(picks));
		expect(others.some((o) => o !== first)).toBe(true);
	});

	it("9. a select cancelled while suspended on a and b: a later send to a reaches another receiver", async () => {
		await runTest(function* () {
			const a = Channel<number>();
			const b = Channel<number>();
			const selecting = this.launch(function* () {
				yield* select<void>((s) => {
					s.onReceive(a, () => t.expectUnreached());
					s.onReceive(b, () => t.expectUnreached());
				});
			});
			yield* yieldNow();
			selecting.cancel();
			yield* selecting.join();
			const receiver = this.async(function* () {
				return yield* a.receive();
			});
			yield* a.send(5);
			expect(yield* receiver.await()).toBe(5);
			expect(b.isEmpty).toBe(true);
		});
	});

	it("9. onSend(a) with no receiver and onSend(b) with a waiting receiver: only b gets it", async () => {
		await runTest(function* () {
			const a = Channel<string>();
			const b = Channel<string>();
			const receiver = this.async(function* () {
				return yield* b.receive();
			});
			yield* yieldNow();
			const chosen = yield* select<string>((s) => {
				s.onSend(a, "x", () => "a");
				s.onSend(b, "x", () => "b");
			});
			expect(chosen).toBe("b");
			expect(yield* receiver.await()).toBe("x");
			expect(a.tryReceive().isFailure).toBe(true);
		});
	});

	it("10. closed channel: onReceive fails, onReceiveCatching gives isClosed", async () => {
		await runTest(function* () {
			const ch = Channel<number>();
			ch.close();
			let failure: unknown;
			try {
				yield* select<void>((s) => s.onReceive(ch, () => t.expectUnreached()));
			} catch (e) {
				failure = e;
			}
			expect(failure).toBeInstanceOf(ClosedReceiveChannelException);
			const r = yield* select<string>((s) =>
				s.onReceiveCatching(ch, (res) => String(res)),
			);
			expect(r).toBe("Closed(null)");
		});
	});

	it("10. one channel in two clauses throws the 'same object' text", async () => {
		await runTest(function* () {
			const ch = Channel<number>();
			let failure: unknown;
			try {
				yield* select<void>((s) => {
					s.onReceive(ch, () => {});
					s.onReceiveCatching(ch, () => {});
				});
			} catch (e) {
				failure = e;
			}
			expect(failure).toBeInstanceOf(IllegalStateException);
			expect(String(failure)).toMatch(
				/^IllegalStateException: Cannot use select clauses on the same object: Channel@[0-9a-f]+$/,
			);
		});
	});

	it("onTimeout wins on the coroutine's virtual clock", async () => {
		await runTest(function* () {
			const ch = Channel<number>();
			const start = this.testScheduler.currentTime;
			const r = yield* select<string>((s) => {
				s.onReceive(ch, () => "value");
				s.onTimeout(500, () => "timeout");
			});
			expect(r).toBe("timeout");
			expect(this.testScheduler.currentTime - start).toBe(500);
		});
	});

	it("onAwait, onJoin and whileSelect", async () => {
		await runTest(function* () {
			const d = CompletableDeferred<number>();
			const job = this.launch(function* () {
				yield* delay(100);
			});
			this.launch(function* () {
				yield* delay(50);
				d.complete(7);
			});
			const log: string[] = [];
			let awaited = false;
			let joined = false;
			yield* whileSelect((s) => {
				if (!awaited) {
					s.onAwait(d, (v) => {
						awaited = true;
						log.push(`await ${v}`);
						return true;
					});
				}
				if (!joined) {
					s.onJoin(job, () => {
						joined = true;
						log.push("join");
						return true;
					});
				}
				s.onTimeout(1000, () => false);
			});
			expect(log).toEqual(["await 7", "join"]);
			expect(this.testScheduler.currentTime).toBe(1100);
		});
	});
});
