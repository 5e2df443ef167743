/**
 * The low-level flow protocol, below every flow class and operator.
 *
 * How the flow code is layered (imports go one way, top to bottom):
 * - this file: {@link FlowSource} (anything with a `[collectTo](collector)` method), {@link
 *   FlowCollector}, {@link DONE}. It imports no flow class.
 * - `safe-collector.ts`, `builders.ts`, `operators/*.ts`, `terminal.ts`: functions over sources.
 *   An operator takes a `FlowSource` and returns a new `FlowSource`; it never imports `Flow`.
 * - `flow.ts` (top): the public `Flow` class. Its methods are one-line delegations that wrap the
 *   operator's source in a `Flow` (R1: operators are methods), plus `AbstractFlow` and `flow {}`.
 *
 * Hot flows plug in the same way. Their machinery (slots, replay buffer, the sharing coroutine)
 * lives in `src/flow/hot/` and imports only these lower files. The public classes that extend
 * `Flow` (`SharedFlow`, `StateFlow`, the mutable ones and the read-only views returned by
 * `shareIn`/`stateIn`) must be defined where `Flow` is visible AND reachable from `Flow.shareIn`:
 * they are declared in `flow.ts` itself, after `Flow`, as thin delegating classes over the cores
 * (a separate file would form an import cycle with `Flow.shareIn`). A hot flow's core implements
 * `[collectTo]` like any source.
 *
 * Fast path: `emit` runs the downstream synchronously, at the call, and returns {@link DONE}
 * (an empty suspend call: `yield* DONE` costs two method calls and no allocation) when nothing
 * suspended, or the suspend call that finishes the emission when some callback suspended. So a
 * pipeline of plain lambdas pays no suspension; internal loops skip `yield*` when they get DONE.
 * A consequence: `collector.emit(v)` must always be run with `yield*`.
 */
import type { ReceiveChannel } from "../channels/channel-types.js";
import type { Instruction, Suspend } from "../intrinsics/instruction.js";
import { emitAllChannel } from "./channel-flow/emit-all-channel.js";

/** The key of the raw collect method of a {@link FlowSource}. */
export const collectTo: unique symbol = Symbol("kocoro.collectTo");

/**
 * Anything that can be collected: the protocol under `Flow`. `[collectTo](collector)` runs the
 * flow into `collector` in the calling coroutine, with no safety wrapper.
 *
 * @example
 * const source: FlowSource<number> = flowOf(1, 2, 3); // every Flow is a FlowSource
 */
export interface FlowSource<T> {
	[collectTo](collector: FlowCollector<T>): Suspend<void>;
}

/**
 * The receiver of a flow's values: `emit(v)` hands one value downstream and returns when the
 * downstream took it (it suspends while the downstream suspends).
 *
 * Always `yield*` an emit: `yield* this.emit(v)`. `emitAll(flow)` emits every value of another flow.
 *
 * @example
 * const log = FlowCollector<number>((v) => console.log(v));
 * yield* flowOf(1, 2).collect(log);
 */
export interface FlowCollector<T> {
	emit(value: T): Suspend<void>;
	/** Emits every value of a flow, or every element of a channel until it closes (then cancels it). */
	emitAll(source: FlowSource<T> | ReceiveChannel<T>): Suspend<void>;
}

const doneResult: IteratorReturnResult<void> = { value: undefined, done: true };
const doneIterator: Iterator<Instruction, void, unknown> = {
	next: () => doneResult,
};

/** The suspend call that is already finished: what `emit` returns when nothing suspended. */
export const DONE: Suspend<void> = {
	[Symbol.iterator]: () => doneIterator,
};

/** A collector of the internal operators: `emitAll` for free. */
export abstract class AbstractCollector<T> implements FlowCollector<T> {
	abstract emit(value: T): Suspend<void>;
	emitAll(source: FlowSource<T> | ReceiveChannel<T>): Suspend<void> {
		return emitAllOf(this, source);
	}
}

/** `collector.emitAll(source)`: a flow is collected into it, a channel received into it and consumed. */
export function emitAllOf<T>(
	collector: FlowCollector<T>,
	source: FlowSource<T> | ReceiveChannel<T>,
): Suspend<void> {
	if (source !== null && typeof source === "object" && collectTo in source) {
		return (source as FlowSource<T>)[collectTo](collector);
	}
	if (
		source !== null &&
		typeof source === "object" &&
		typeof (source as ReceiveChannel<T>).receiveCatching === "function"
	) {
		return emitAllChannel(collector, source as ReceiveChannel<T>, true);
	}
	throw new TypeError(
		`FlowCollector.emitAll(source): expected a Flow or a ReceiveChannel, got ${source === null ? "null" : typeof source}`,
	);
}
