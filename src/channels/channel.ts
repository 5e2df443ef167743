import { BufferOverflow } from "./buffer-overflow.js";
import { BufferedChannel } from "./buffered-channel.js";
import type { ReceiveChannel, SendChannel } from "./channel-types.js";

/**
 * A channel: both sides (Kotlin's `Channel`), made by the `Channel(...)` function. Coroutines
 * talk through it: one `send`s, another `receive`s, with back-pressure from its capacity.
 */
export interface Channel<E> extends SendChannel<E>, ReceiveChannel<E> {}

/**
 * The options form of {@link Channel}.
 *
 * @example
 * const options: ChannelOptions<string> = {
 *   capacity: 10,
 *   onUndeliveredElement: (s) => console.log("dropped", s),
 * };
 * const ch = Channel(options);
 */
export interface ChannelOptions<E> {
	/** An integer >= 0, or `Channel.RENDEZVOUS` (default), `CONFLATED`, `BUFFERED`, `UNLIMITED`. */
	capacity?: number;
	/** What a send to a full buffer does (default `BufferOverflow.SUSPEND`). */
	onBufferOverflow?: BufferOverflow;
	/** Called once with every element that was sent and will never be received. */
	onUndeliveredElement?: (element: E) => void;
}

/** The default capacity of `Channel.BUFFERED` (kotlinx's `CHANNEL_DEFAULT_CAPACITY`). */
const DEFAULT_BUFFER = 64;

/**
 * Creates a channel (Kotlin's `Channel(capacity, onBufferOverflow, onUndeliveredElement)`).
 *
 * - `Channel.RENDEZVOUS` (0, the default): no buffer; a send waits for a receiver.
 * - `n`: a buffer of `n` elements; `Channel.BUFFERED` is 64.
 * - `Channel.UNLIMITED` (Infinity): sends never suspend.
 * - `Channel.CONFLATED`: keeps only the latest element (1 and `DROP_OLDEST`).
 *
 * With `DROP_OLDEST`/`DROP_LATEST`, RENDEZVOUS and BUFFERED buffer one element. `onUndeliveredElement`
 * is called once for every element sent and never received (see `docs/channels.md`); it runs
 * synchronously and must not suspend or throw.
 *
 * @example
 * const ch = Channel<number>();
 * scope.launch(function* () { for (let i = 1; i <= 3; i++) yield* ch.send(i); ch.close(); });
 * for (const it = ch.iterator(); yield* it.hasNext(); ) console.log(it.next());
 */
export function Channel<E>(
	capacity?: number,
	onBufferOverflow?: BufferOverflow,
	onUndeliveredElement?: (element: E) => void,
): Channel<E>;
export function Channel<E>(options: ChannelOptions<E>): Channel<E>;
export function Channel<E>(
	capacityOrOptions?: number | ChannelOptions<E>,
	onBufferOverflow?: BufferOverflow,
	onUndeliveredElement?: (element: E) => void,
): Channel<E> {
	let capacity: unknown = capacityOrOptions;
	let overflow: unknown = onBufferOverflow;
	let undelivered: unknown = onUndeliveredElement;
	if (capacityOrOptions !== null && typeof capacityOrOptions === "object") {
		({
			capacity,
			onBufferOverflow: overflow,
			onUndeliveredElement: undelivered,
		} = capacityOrOptions);
	}
	return makeChannel<E>(capacity ?? 0, overflow, undelivered);
}

/** Kotlin's constants, as properties of the factory (`Channel.BUFFERED`). */
Channel.RENDEZVOUS = 0 as const;
Channel.CONFLATED = -1 as const;
Channel.BUFFERED = -2 as const;
Channel.UNLIMITED = Number.POSITIVE_INFINITY;

/** @internal Checks the arguments and builds the channel (`Channel` and `produce` use it). */
export function makeChannel<
	E,
	C extends BufferedChannel<E> = BufferedChannel<E>,
>(
	capacity: unknown,
	overflow: unknown = BufferOverflow.SUSPEND,
	undelivered: unknown = undefined,
	Kind: new (
		capacity: number,
		overflow: BufferOverflow,
		onUndeliveredElement: ((element: E) => void) | null,
	) => C = BufferedChannel as never,
): C {
	if (
		overflow !== BufferOverflow.SUSPEND &&
		overflow !== BufferOverflow.DROP_OLDEST &&
		overflow !== BufferOverflow.DROP_LATEST
	) {
		throw new TypeError(
			`Channel: onBufferOverflow must be a BufferOverflow (SUSPEND, DROP_OLDEST or DROP_LATEST), got ${String(overflow)}`,
		);
	}
	if (
		undelivered !== undefined &&
		undelivered !== null &&
		typeof undelivered !== "function"
	) {
		throw new TypeError(
			`Channel: onUndeliveredElement must be a function, got ${typeof undelivered}`,
		);
	}
	const onUndelivered = (undelivered ?? null) as ((e: E) => void) | null;
	if (typeof capacity !== "number" || Number.isNaN(capacity)) {
		throw new TypeError(
			`Channel: capacity must be a number, got ${String(capacity)}`,
		);
	}
	const suspend = overflow === BufferOverflow.SUSPEND;
	switch (capacity) {
		case 0:
			return new Kind(suspend ? 0 : 1, overflow, onUndelivered);
		case -1:
			if (!suspend) {
				throw new RangeError(
					"CONFLATED capacity cannot be used with non-default onBufferOverflow",
				);
			}
			return new Kind(1, BufferOverflow.DROP_OLDEST, onUndelivered);
		case -2:
			return new Kind(suspend ? DEFAULT_BUFFER : 1, overflow, onUndelivered);
		case Number.POSITIVE_INFINITY:
			return new Kind(
				Number.POSITIVE_INFINITY,
				BufferOverflow.SUSPEND,
				onUndelivered,
			);
	}
	if (capacity < 0) {
		throw new RangeError(
			`Invalid channel capacity: ${capacity}, should be >=0`,
		);
	}
	if (!Number.isInteger(capacity)) {
		throw new RangeError(
			`Invalid channel capacity: ${capacity}, should be an integer >=0 or one of Channel.RENDEZVOUS, CONFLATED, BUFFERED, UNLIMITED`,
		);
	}
	return new Kind(capacity, overflow, onUndelivered);
}
