/**
 * `MutableSharedFlow` and `MutableStateFlow`: the public faces of the hot cores in `./hot/`.
 */

import { BufferOverflow } from "../channels/buffer-overflow.js";
import type { Suspend } from "../intrinsics/instruction.js";
import { collectTo, DONE, type FlowSource } from "./collector.js";
import {
	type FlowCollector,
	ReadonlySharedFlow,
	ReadonlyStateFlow,
	SharedFlow,
	StateFlow,
} from "./flow.js";
import { SharedFlowImpl } from "./hot/shared-flow-impl.js";
import { StateFlowImpl } from "./hot/state-flow-impl.js";

/**
 * A {@link SharedFlow} you emit to (kotlinx's `MutableSharedFlow`). `emit` suspends only when
 * some subscriber lags a full buffer behind and the overflow strategy is `SUSPEND`; without
 * subscribers it never suspends and keeps the last `replay` values.
 */
export interface MutableSharedFlow<T> extends SharedFlow<T>, FlowCollector<T> {
	/** Emits without suspending: false when `emit` would suspend (full buffer, `SUSPEND`). */
	tryEmit(value: T): boolean;
	/**
	 * The number of subscribers, as a state flow that does not conflate (kotlinx makes this
	 * exception on purpose): a collector of it sees every change.
	 */
	readonly subscriptionCount: StateFlow<number>;
	/** Empties the replay cache; subscribers keep the values they have yet to take. */
	resetReplayCache(): void;
	/** This flow, read-only. */
	asSharedFlow(): SharedFlow<T>;
}

/**
 * A {@link StateFlow} you set (kotlinx's `MutableStateFlow`): `value = v`, `update(f)`,
 * `compareAndSet`. Setting a value equal (`Object.is`) to the current one does nothing.
 */
export interface MutableStateFlow<T>
	extends StateFlow<T>,
		MutableSharedFlow<T> {
	value: T;
	/** Sets `update` if the value is `expect` (`Object.is`); true also when it is already `update`. */
	compareAndSet(expect: T, update: T): boolean;
	/** Sets `f(value)`. */
	update(f: (value: T) => T): void;
	/** Sets `f(value)` and returns the new value. */
	updateAndGet(f: (value: T) => T): T;
	/** Sets `f(value)` and returns the previous value. */
	getAndUpdate(f: (value: T) => T): T;
	/** This flow, read-only. */
	asStateFlow(): StateFlow<T>;
	/** Not supported: a state flow always holds a value (`IllegalStateException`). */
	resetReplayCache(): never;
}

/**
 * The options of {@link MutableSharedFlow} (the parameters, by name).
 *
 * @example
 * const options: MutableSharedFlowOptions = { replay: 1, onBufferOverflow: BufferOverflow.DROP_OLDEST };
 * const latest = MutableSharedFlow<string>(options);
 */
export interface MutableSharedFlowOptions {
	replay?: number;
	extraBufferCapacity?: number;
	onBufferOverflow?: BufferOverflow;
}

class MutableSharedFlowImpl<T>
	extends SharedFlow<T>
	implements MutableSharedFlow<T>
{
	private countView: StateFlow<number> | null = null;
	constructor(private readonly core: SharedFlowImpl<T>) {
		super();
	}
	get replayCache(): readonly T[] {
		return this.core.replayCache;
	}
	/** @internal */
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return this.core[collectTo](collector);
	}
	emit(value: T): Suspend<void> {
		return this.core.emit(value);
	}
	emitAll(source: FlowSource<T>): Suspend<void> {
		return source[collectTo](this.core);
	}
	tryEmit(value: T): boolean {
		return this.core.tryEmit(value);
	}
	get subscriptionCount(): StateFlow<number> {
		if (this.countView === null) {
			this.countView = new ReadonlyStateFlow(this.core.subscriptionCount, null);
		}
		return this.countView;
	}
	resetReplayCache(): void {
		this.core.resetReplayCache();
	}
	asSharedFlow(): SharedFlow<T> {
		return new ReadonlySharedFlow(this.core, null);
	}
}

class MutableStateFlowImpl<T>
	extends StateFlow<T>
	implements MutableStateFlow<T>
{
	private countView: StateFlow<number> | null = null;
	constructor(private readonly core: StateFlowImpl<T>) {
		super();
	}
	get value(): T {
		return this.core.value;
	}
	set value(v: T) {
		this.core.value = v;
	}
	get replayCache(): readonly T[] {
		return this.core.replayCache;
	}
	/** @internal */
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return this.core[collectTo](collector);
	}
	emit(value: T): Suspend<void> {
		this.core.value = value;
		return DONE;
	}
	emitAll(source: FlowSource<T>): Suspend<void> {
		return source[collectTo](this.core);
	}
	tryEmit(value: T): boolean {
		this.core.value = value;
		return true;
	}
	compareAndSet(expect: T, update: T): boolean {
		return this.core.compareAndSet(expect, update);
	}
	update(f: (value: T) => T): void {
		this.updateAndGet(f);
	}
	updateAndGet(f: (value: T) => T): T {
		for (;;) {
			const prev = this.core.value;
			const next = f(prev);
			if (this.core.compareAndSet(prev, next)) return next;
		}
	}
	getAndUpdate(f: (value: T) => T): T {
		for (;;) {
			const prev = this.core.value;
			const next = f(prev);
			if (this.core.compareAndSet(prev, next)) return prev;
		}
	}
	get subscriptionCount(): StateFlow<number> {
		if (this.countView === null) {
			this.countView = new ReadonlyStateFlow(this.core.subscriptionCount, null);
		}
		return this.countView;
	}
	resetReplayCache(): never {
		return this.core.resetReplayCache();
	}
	asSharedFlow(): SharedFlow<T> {
		return new ReadonlyStateFlow(this.core, null);
	}
	asStateFlow(): StateFlow<T> {
		return new ReadonlyStateFlow(this.core, null);
	}
}

function checkCount(n: unknown, what: string): number {
	if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
		throw new RangeError(`${what} cannot be negative, but was ${String(n)}`);
	}
	return n;
}

/**
 * Makes a {@link MutableSharedFlow} (kotlinx's `MutableSharedFlow(...)`): `replay` values replayed
 * to new subscribers, `extraBufferCapacity` more buffered for slow ones, and what `emit` does when
 * a subscriber lags a full buffer behind: `SUSPEND` (the default), `DROP_OLDEST` or `DROP_LATEST`
 * (these need `replay` or `extraBufferCapacity` above 0). Also takes the parameters as an object.
 *
 * @example
 * const events = MutableSharedFlow<string>({ extraBufferCapacity: 64 });
 * events.tryEmit("clicked"); // never suspends while fewer than 64 are pending
 */
export function MutableSharedFlow<T>(
	replay?: number,
	extraBufferCapacity?: number,
	onBufferOverflow?: BufferOverflow,
): MutableSharedFlow<T>;
export function MutableSharedFlow<T>(
	options: MutableSharedFlowOptions,
): MutableSharedFlow<T>;
export function MutableSharedFlow<T>(
	replayOrOptions: number | MutableSharedFlowOptions = 0,
	extraBufferCapacity = 0,
	onBufferOverflow: BufferOverflow = BufferOverflow.SUSPEND,
): MutableSharedFlow<T> {
	let replay: unknown = replayOrOptions;
	if (replayOrOptions !== null && typeof replayOrOptions === "object") {
		replay = replayOrOptions.replay ?? 0;
		extraBufferCapacity = replayOrOptions.extraBufferCapacity ?? 0;
		onBufferOverflow =
			replayOrOptions.onBufferOverflow ?? BufferOverflow.SUSPEND;
	}
	const r = checkCount(replay, "replay");
	const extra =
		extraBufferCapacity === Number.POSITIVE_INFINITY
			? extraBufferCapacity
			: checkCount(extraBufferCapacity, "extraBufferCapacity");
	if (
		onBufferOverflow !== BufferOverflow.SUSPEND &&
		onBufferOverflow !== BufferOverflow.DROP_OLDEST &&
		onBufferOverflow !== BufferOverflow.DROP_LATEST
	) {
		throw new TypeError(
			`MutableSharedFlow(replay, extraBufferCapacity, onBufferOverflow): onBufferOverflow must be a BufferOverflow (SUSPEND, DROP_OLDEST, DROP_LATEST), got ${String(onBufferOverflow)}`,
		);
	}
	if (r === 0 && extra === 0 && onBufferOverflow !== BufferOverflow.SUSPEND) {
		throw new RangeError(
			`replay or extraBufferCapacity must be positive with non-default onBufferOverflow strategy ${onBufferOverflow}`,
		);
	}
	return new MutableSharedFlowImpl(
		new SharedFlowImpl<T>(r, r + extra, onBufferOverflow),
	);
}

/**
 * Makes a {@link MutableStateFlow} holding `value` (kotlinx's `MutableStateFlow(value)`).
 *
 * @example
 * const query = MutableStateFlow("");
 * query.value = "kotlin"; // collectors see "kotlin" (unless a newer value comes first)
 */
export function MutableStateFlow<T>(value: T): MutableStateFlow<T> {
	return new MutableStateFlowImpl(new StateFlowImpl<T>(value));
}
