import { Stream } from "effect";
import { asFlow, Flow } from "../index.js";

/**
 * An Effect `Stream` as a cold flow: each collection runs the stream (`Stream.toAsyncIterable`)
 * and emits its elements. Cancelling the collector (or a downstream `take`) ends the iteration,
 * which interrupts the stream's fiber and runs its finalizers; a stream failure fails the
 * collection. Only a stream without requirements (`R = never`) runs: provide it first.
 *
 * @example
 * import { Stream } from "effect";
 * import { fromStream } from "kocoro/effect";
 *
 * const firstThree = yield* fromStream(Stream.iterate(1, (n) => n + 1)).take(3).toList();
 */
export function fromStream<A, E>(stream: Stream.Stream<A, E>): Flow<A> {
	if (!Stream.isStream(stream)) {
		throw new TypeError(
			`fromStream(stream): expected an Effect Stream, got ${stream === null ? "null" : typeof stream}`,
		);
	}
	return asFlow(Stream.toAsyncIterable(stream));
}

/**
 * A flow as an Effect `Stream`: running the stream collects the flow in a new root coroutine
 * (`flow.asAsyncIterable()`), one element per pull, never buffering ahead. Interrupting the
 * stream's fiber (or a `Stream.take` that is satisfied) cancels the coroutine and waits for its
 * `finally` blocks; a flow failure fails the stream with that error.
 *
 * @example
 * import { Effect, Stream } from "effect";
 * import { toStream } from "kocoro/effect";
 *
 * Effect.runPromise(Stream.runCollect(toStream(flowOf(1, 2, 3)))).then((values) => console.log(values));
 */
export function toStream<T>(flow: Flow<T>): Stream.Stream<T, unknown> {
	if (!(flow instanceof Flow)) {
		throw new TypeError(
			`toStream(flow): expected a Flow, got ${flow === null ? "null" : typeof flow}`,
		);
	}
	return Stream.fromAsyncIterable(flow.asAsyncIterable(), (e) => e);
}
