/**
 * `asFlow` of asynchronous sources: async iterables (async generators, Node `Readable`) and web
 * `ReadableStream`s (through their reader when they are not async iterable). Each `collect` opens
 * a new iterator; each value waits for `next()` (cancellable at once); when the collection ends
 * early (cancelled, failed, or stopped by `take`) the iterator's `return()` is called (the
 * reader's `cancel()`), without waiting for it: an async generator that is still awaiting inside
 * its body would only run its `finally` after that await.
 */
import { toError } from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import { suspendCancellableCoroutineOn } from "../../intrinsics/suspend-cancellable-coroutine.js";
import {
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";

type Gen<R = void> = Generator<never, R, unknown>;

/** The part of a web `ReadableStream` used here. */
export interface ReadableStreamLike<T> {
	getReader(): {
		read(): PromiseLike<
			{ done: true; value?: undefined } | { done: false; value: T }
		>;
		cancel(reason?: unknown): PromiseLike<void>;
		releaseLock(): void;
	};
}

function awaitNext<R>(p: PromiseLike<R>): Suspend<R> {
	return suspendCancellableCoroutineOn<R>(
		"Flow.asFlow (next value of an async iterable)",
		(cont) => {
			p.then(
				(v) => {
					if (cont.isActive) cont.resume(v);
				},
				(e) => {
					if (cont.isActive) cont.resumeWithException(toError(e));
				},
			);
		},
	);
}

function ignore(p: PromiseLike<unknown> | undefined): void {
	if (p !== undefined && typeof p.then === "function")
		p.then(undefined, () => {});
}

export class AsyncIterableSource<T> implements FlowSource<T> {
	constructor(private readonly source: AsyncIterable<T>) {}
	*[collectTo](collector: FlowCollector<T>): Gen {
		const it = this.source[Symbol.asyncIterator]();
		let finished = false;
		try {
			for (;;) {
				const res = yield* awaitNext(it.next()) as Gen<IteratorResult<T>>;
				if (res.done === true) {
					finished = true;
					return;
				}
				const r = collector.emit(res.value);
				if (r !== DONE) yield* r as Gen;
			}
		} finally {
			if (!finished && it.return !== undefined) {
				try {
					ignore(it.return());
				} catch {
					// A throwing return() must not hide the reason the collection ended.
				}
			}
		}
	}
}

export class ReadableStreamSource<T> implements FlowSource<T> {
	constructor(private readonly stream: ReadableStreamLike<T>) {}
	*[collectTo](collector: FlowCollector<T>): Gen {
		const reader = this.stream.getReader();
		let finished = false;
		try {
			for (;;) {
				const res = yield* awaitNext(reader.read()) as Gen<
					{ done: true } | { done: false; value: T }
				>;
				if (res.done) {
					finished = true;
					return;
				}
				const r = collector.emit(res.value);
				if (r !== DONE) yield* r as Gen;
			}
		} finally {
			if (!finished) ignore(reader.cancel());
			reader.releaseLock();
		}
	}
}
