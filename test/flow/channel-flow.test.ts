import {
	callbackFlow,
	channelFlow,
	delay,
	flow,
	IllegalStateException,
} from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";
import { failureOf } from "./flow-support.js";

describe("channelFlow and callbackFlow (§15 check 23)", () => {
	it("channelFlow lets launched children send; it ends when the block and its children end", async () => {
		await runTest(function* () {
			const got = yield* channelFlow<string>(function* () {
				const producer = this;
				this.launch(function* () {
					yield* delay(20);
					yield* producer.send("child");
				});
				yield* this.send("block");
			}).toList();
			assert(got).toEqual(["block", "child"]);
			assert(this.testScheduler.currentTime).toBe(20);
		});
	});
	it("callbackFlow without awaitClose fails with kotlinx's text", async () => {
		const e = await failureOf(function* () {
			yield* callbackFlow<number>(function* () {
				this.trySend(1);
			}).collect();
		});
		assert(e).toBeInstanceOf(IllegalStateException);
		assert(e.message).toBe(
			"'awaitClose { yourCallbackOrListener.cancel() }' should be used in the end of callbackFlow block.\nOtherwise, a callback/listener may leak in case of external cancellation.\nSee callbackFlow API documentation for the details.",
		);
	});
	it("awaitClose's block runs when the collector stops (take)", async () => {
		await runTest(function* () {
			const log: string[] = [];
			let listener: ((v: number) => void) | null = null;
			const source = callbackFlow<number>(function* () {
				listener = (v) => {
					this.trySend(v);
				};
				log.push("registered");
				yield* this.awaitClose(() => {
					listener = null;
					log.push("unregistered");
				});
			});
			const job = this.launch(function* () {
				const got = yield* source.take(2).toList();
				log.push(`got ${got.join(",")}`);
			});
			yield* delay(1);
			listener!(1);
			listener!(2);
			yield* job.join();
			assert(log).toEqual(["registered", "unregistered", "got 1,2"]);
			assert(listener).toBe(null);
		});
	});
	it("a channelFlow is cold: the block runs per collection", async () => {
		await runTest(function* () {
			let runs = 0;
			const f = channelFlow<number>(function* () {
				runs++;
				yield* this.send(runs);
			});
			assert(yield* f.toList()).toEqual([1]);
			assert(yield* f.toList()).toEqual([2]);
		});
	});
	it("a collector's failure cancels the producer and runs its finally", async () => {
		const log: string[] = [];
		const e = await failureOf(function* () {
			yield* channelFlow<number>(function* () {
				try {
					for (let i = 0; ; i++) yield* this.send(i);
				} finally {
					log.push("producer finally");
				}
			}).collect((v) => {
				if (v === 3) throw new Error("enough");
			});
		});
		assert(e.message).toBe("enough");
		assert(log).toEqual(["producer finally"]);
	});
	it("flow {} upstream of buffer() runs in the producer and keeps its invariants", async () => {
		await runTest(function* () {
			const got = yield* flow<number>(function* () {
				yield* this.emit(1);
				yield* this.emit(2);
			})
				.buffer(0)
				.map((x) => x + 1)
				.toList();
			assert(got).toEqual([2, 3]);
		});
	});
});
