import { Readable } from "node:stream";
import {
	asFlow,
	delay,
	flow,
	NonCancellable,
	runCoroutine,
	withContext,
} from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";

describe("asAsyncIterable", () => {
	it("hands over one value per next() and runs the upstream's finally on break before return() resolves", async () => {
		const log: string[] = [];
		const f = flow<number>(function* () {
			try {
				for (let i = 1; i <= 5; i++) {
					log.push(`emit ${i}`);
					yield* this.emit(i);
				}
			} finally {
				yield* withContext(NonCancellable, function* () {
					yield* delay(1);
					log.push("upstream finally");
				});
			}
		});
		for await (const v of f.asAsyncIterable()) {
			log.push(`got ${v}`);
			if (v === 2) break;
		}
		log.push("after loop");
		assert(log).toEqual([
			"emit 1",
			"got 1",
			"emit 2",
			"got 2",
			"upstream finally",
			"after loop",
		]);
	});
	it("never runs ahead of the consumer: an idle consumer holds the upstream suspended", async () => {
		let emitted = 0;
		const f = flow<number>(function* () {
			for (let i = 1; i <= 1000; i++) {
				emitted++;
				yield* this.emit(i);
			}
		});
		const it = f.asAsyncIterable()[Symbol.asyncIterator]();
		assert(await it.next()).toEqual({ done: false, value: 1 });
		await new Promise((r) => setTimeout(r, 5));
		assert(emitted).toBe(1);
		await it.return?.();
	});
	it("a failure rejects next()", async () => {
		const boom = new Error("boom");
		const f = flow<number>(function* () {
			yield* this.emit(1);
			throw boom;
		});
		const got: number[] = [];
		await assert(
			(async () => {
				for await (const v of f.asAsyncIterable()) got.push(v);
			})(),
		).rejects.toBe(boom);
		assert(got).toEqual([1]);
	});
	it("a completed flow ends the loop", async () => {
		const got: number[] = [];
		for await (const v of asFlow([1, 2, 3]).asAsyncIterable()) got.push(v);
		assert(got).toEqual([1, 2, 3]);
	});
});

describe("asFlow of async sources", () => {
	it("collects an async generator, and cancelling the collector calls its return()", async () => {
		const log: string[] = [];
		async function* numbers() {
			try {
				for (let i = 1; ; i++) yield i;
			} finally {
				log.push("generator finally");
			}
		}
		const got = await runCoroutine(function* () {
			return yield* asFlow(numbers()).take(3).toList();
		});
		assert(got).toEqual([1, 2, 3]);
		await new Promise((r) => setTimeout(r, 0));
		assert(log).toEqual(["generator finally"]);
	});
	it("collects a Node Readable, destroying it when the collection stops early", async () => {
		const readable = Readable.from(["a", "b", "c", "d"]);
		const got = await runCoroutine(function* () {
			return yield* asFlow<string>(readable).take(2).toList();
		});
		assert(got).toEqual(["a", "b"]);
		await new Promise((r) => setTimeout(r, 0));
		assert(readable.destroyed).toBe(true);
	});
	it("collects a web ReadableStream and cancels it on early end", async () => {
		let cancelled = false;
		let n = 0;
		const stream = new ReadableStream<number>({
			pull(c) {
				c.enqueue(++n);
			},
			cancel() {
				cancelled = true;
			},
		});
		const got = await runCoroutine(function* () {
			return yield* asFlow(stream).take(3).toList();
		});
		assert(got).toEqual([1, 2, 3]);
		assert(cancelled).toBe(true);
	});
	it("a cancelled collector stops waiting for next() at once", async () => {
		await runTest(function* () {
			const never: AsyncIterable<number> = {
				[Symbol.asyncIterator]: () => ({
					next: () => new Promise<IteratorResult<number>>(() => {}),
					return: () => Promise.resolve({ done: true, value: undefined }),
				}),
			};
			const job = this.launch(function* () {
				yield* asFlow(never).collect();
			});
			yield* delay(10);
			yield* job.cancelAndJoin();
			assert(job.isCancelled).toBe(true);
		});
	});
});
