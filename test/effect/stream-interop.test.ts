import { Effect, Stream } from "effect";
import {
	delay,
	flow,
	flowOf,
	NonCancellable,
	runCoroutine,
	withContext,
} from "kocoro";
import { fromStream, toStream } from "kocoro/effect";
import { expect as assert, describe, it } from "vitest";

describe("fromStream", () => {
	it("collects an Effect Stream as a flow", async () => {
		const got = await runCoroutine(function* () {
			return yield* fromStream(Stream.make(1, 2, 3))
				.map((x) => x * 10)
				.toList();
		});
		assert(got).toEqual([10, 20, 30]);
	});
	it("a collector that stops early interrupts the stream and runs its finalizers", async () => {
		const log: string[] = [];
		const infinite = Stream.iterate(1, (n) => n + 1).pipe(
			Stream.ensuring(
				Effect.sync(() => {
					log.push("stream finalized");
				}),
			),
		);
		const got = await runCoroutine(function* () {
			return yield* fromStream(infinite).take(3).toList();
		});
		assert(got).toEqual([1, 2, 3]);
		for (let i = 0; i < 20 && log.length === 0; i++)
			await new Promise((r) => setTimeout(r, 5));
		assert(log).toEqual(["stream finalized"]);
	});
	it("a stream failure fails the collection", async () => {
		await assert(
			runCoroutine(function* () {
				yield* fromStream(Stream.fail(new Error("bad stream"))).collect();
			}),
		).rejects.toThrow("bad stream");
	});
});

describe("toStream", () => {
	it("runs a flow as a Stream", async () => {
		const got = await Effect.runPromise(
			Stream.runCollect(toStream(flowOf(1, 2, 3))),
		);
		assert([...got]).toEqual([1, 2, 3]);
	});
	it("a satisfied Stream.take cancels the flow's coroutine and waits for its finally", async () => {
		const log: string[] = [];
		const numbers = flow<number>(function* () {
			try {
				for (let i = 1; ; i++) yield* this.emit(i);
			} finally {
				yield* withContext(NonCancellable, function* () {
					yield* delay(1);
					log.push("flow finally");
				});
			}
		});
		const got = await Effect.runPromise(
			Stream.runCollect(numbers.let(toStream).pipe(Stream.take(2))),
		);
		assert([...got]).toEqual([1, 2]);
		assert(log).toEqual(["flow finally"]);
	});
	it("a flow failure fails the stream", async () => {
		const failing = flow<number>(function* () {
			yield* this.emit(1);
			throw new Error("bad flow");
		});
		const exit = await Effect.runPromiseExit(
			Stream.runCollect(toStream(failing)),
		);
		assert(exit._tag).toBe("Failure");
		assert(String(exit)).toContain("bad flow");
	});
});
