/**
 * Element-wise intermediate operators (kotlinx `flow/operators/Transform.kt`, `Emitters.kt`'s
 * `transform`): each one wraps the downstream collector in a collector that calls the user's
 * callback synchronously and emits synchronously while the callback returns a plain value.
 */
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	Pending,
	type SuspendFn,
	type SuspendFnOn,
	settle,
} from "../../intrinsics/suspend-fn.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { requireCoroutine, SafeCollector } from "../safe-collector.js";

type Gen<R = void> = Generator<never, R, unknown>;

/** A source that collects `upstream` into `wrap(downstream)`. */
export class OperatorSource<T, R> implements FlowSource<R> {
	constructor(
		readonly upstream: FlowSource<T>,
		private readonly wrap: (downstream: FlowCollector<R>) => FlowCollector<T>,
	) {}
	[collectTo](collector: FlowCollector<R>): Suspend<void> {
		return this.upstream[collectTo](this.wrap(collector));
	}
}

function* emitAfter<R>(r: Suspend<R>, down: FlowCollector<R>): Gen {
	const v = (yield* r as Gen<R>) as R;
	yield* down.emit(v) as Gen;
}

class MapCollector<T, R> extends AbstractCollector<T> {
	constructor(
		private readonly f: SuspendFn<[T], R>,
		private readonly down: FlowCollector<R>,
	) {
		super();
	}
	emit(value: T): Suspend<void> {
		const r = settle(this.f(value), "Flow.map");
		if (r instanceof Pending) return emitAfter(r as Suspend<R>, this.down);
		return this.down.emit(r as R);
	}
}

export function map<T, R>(
	up: FlowSource<T>,
	f: SuspendFn<[T], R>,
): FlowSource<R> {
	return new OperatorSource<T, R>(up, (down) => new MapCollector(f, down));
}

function* emitIfTrue<T>(
	r: Suspend<unknown>,
	v: T,
	expected: boolean,
	down: FlowCollector<T>,
): Gen {
	if (((yield* r as Gen<unknown>) === true) === expected)
		yield* down.emit(v) as Gen;
}

class FilterCollector<T> extends AbstractCollector<T> {
	constructor(
		private readonly p: SuspendFn<[T], boolean>,
		private readonly expected: boolean,
		private readonly down: FlowCollector<T>,
		private readonly where: string,
	) {
		super();
	}
	emit(value: T): Suspend<void> {
		const r = settle(this.p(value), this.where);
		if (r === this.expected) return this.down.emit(value);
		if (typeof r === "boolean") return DONE;
		if (r instanceof Pending)
			return emitIfTrue(r, value, this.expected, this.down);
		return (r === true) === this.expected ? this.down.emit(value) : DONE;
	}
}

export function filter<T>(
	up: FlowSource<T>,
	p: SuspendFn<[T], boolean>,
	expected = true,
	where = "Flow.filter",
): FlowSource<T> {
	return new OperatorSource<T, T>(
		up,
		(down) => new FilterCollector(p, expected, down, where),
	);
}

function* emitIfNotNull<R>(
	r: Suspend<R | null | undefined>,
	down: FlowCollector<R>,
): Gen {
	const v = yield* r as Gen<R | null | undefined>;
	if (v !== null && v !== undefined) yield* down.emit(v) as Gen;
}

class MapNotNullCollector<T, R> extends AbstractCollector<T> {
	constructor(
		private readonly f: SuspendFn<[T], R | null | undefined>,
		private readonly down: FlowCollector<R>,
	) {
		super();
	}
	emit(value: T): Suspend<void> {
		const r = settle(this.f(value), "Flow.mapNotNull");
		if (r === null || r === undefined) return DONE;
		if (r instanceof Pending)
			return emitIfNotNull(r as Suspend<R | null | undefined>, this.down);
		return this.down.emit(r as R);
	}
}

export function mapNotNull<T, R>(
	up: FlowSource<T>,
	f: SuspendFn<[T], R | null | undefined>,
): FlowSource<R> {
	return new OperatorSource<T, R>(
		up,
		(down) => new MapNotNullCollector(f, down),
	);
}

function* emitAfterCall<T>(
	r: Suspend<unknown>,
	v: T,
	down: FlowCollector<T>,
): Gen {
	yield* r as Gen<unknown>;
	yield* down.emit(v) as Gen;
}

class OnEachCollector<T> extends AbstractCollector<T> {
	constructor(
		private readonly f: SuspendFn<[T], void>,
		private readonly down: FlowCollector<T>,
	) {
		super();
	}
	emit(value: T): Suspend<void> {
		const r = settle(this.f(value), "Flow.onEach");
		if (r instanceof Pending) return emitAfterCall(r, value, this.down);
		return this.down.emit(value);
	}
}

export function onEach<T>(
	up: FlowSource<T>,
	f: SuspendFn<[T], void>,
): FlowSource<T> {
	return new OperatorSource<T, T>(up, (down) => new OnEachCollector(f, down));
}

/** Calls a receiver callback on each value; its result is ignored unless it suspends. */
class TransformCollector<T, R> extends AbstractCollector<T> {
	constructor(
		private readonly f: SuspendFnOn<FlowCollector<R>, [T], unknown>,
		private readonly receiver: FlowCollector<R>,
		private readonly where: string,
	) {
		super();
	}
	emit(value: T): Suspend<void> {
		const r = settle(
			this.f.call(this.receiver, value, this.receiver),
			this.where,
		);
		if (r instanceof Pending) return r as Suspend<void>;
		return DONE;
	}
}

/** `transform`: the callback emits through a SafeCollector over the downstream (kotlinx: `flow {}`). */
export function transform<T, R>(
	up: FlowSource<T>,
	f: SuspendFnOn<FlowCollector<R>, [T], void>,
	where = "Flow.transform",
): FlowSource<R> {
	return {
		*[collectTo](down: FlowCollector<R>): Gen {
			const safe = new SafeCollector(down, requireCoroutine("Flow.collect()"));
			yield* up[collectTo](new TransformCollector(f, safe, where)) as Gen;
		},
	};
}

/**
 * kotlinx's `IndexedValue`: a value with its position in the flow.
 *
 * @example
 * const labelled = flowOf("a", "b").withIndex().map((v: IndexedValue<string>) => `${v.index}:${v.value}`);
 */
export interface IndexedValue<T> {
	readonly index: number;
	readonly value: T;
}

export function withIndex<T>(up: FlowSource<T>): FlowSource<IndexedValue<T>> {
	return {
		[collectTo](down: FlowCollector<IndexedValue<T>>): Suspend<void> {
			let index = 0;
			return up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						return down.emit({ index: index++, value });
					}
				})(),
			);
		},
	};
}

function* accumulateThenEmit<R>(
	r: Suspend<R>,
	set: (v: R) => void,
	down: FlowCollector<R>,
): Gen {
	const v = (yield* r as Gen<R>) as R;
	set(v);
	yield* down.emit(v) as Gen;
}

/** `runningFold`/`scan`: emits `initial`, then each accumulation. */
export function runningFold<T, R>(
	up: FlowSource<T>,
	initial: R,
	op: SuspendFn<[R, T], R>,
	where = "Flow.runningFold",
): FlowSource<R> {
	return {
		*[collectTo](down: FlowCollector<R>): Gen {
			let acc = initial;
			const set = (v: R) => {
				acc = v;
			};
			yield* down.emit(acc) as Gen;
			yield* up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						const r = settle(op(acc, value), where);
						if (r instanceof Pending)
							return accumulateThenEmit(r as Suspend<R>, set, down);
						acc = r as R;
						return down.emit(acc);
					}
				})(),
			) as Gen;
		},
	};
}

/** `runningReduce`: emits the first value, then each accumulation. */
export function runningReduce<T>(
	up: FlowSource<T>,
	op: SuspendFn<[T, T], T>,
): FlowSource<T> {
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			let empty = true;
			let acc: T;
			const set = (v: T) => {
				acc = v;
			};
			return up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						if (empty) {
							empty = false;
							acc = value;
							return down.emit(value);
						}
						const r = settle(op(acc, value), "Flow.runningReduce");
						if (r instanceof Pending)
							return accumulateThenEmit(r as Suspend<T>, set, down);
						acc = r as T;
						return down.emit(acc);
					}
				})(),
			);
		},
	};
}

const NONE = Symbol("none");

/** `distinctUntilChanged(By)`: drops a value whose key equals the previous value's key. */
export function distinctUntilChangedBy<T, K>(
	up: FlowSource<T>,
	keySelector: (v: T) => K,
	areEquivalent: (a: K, b: K) => boolean,
): FlowSource<T> {
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			let previous: K | typeof NONE = NONE;
			return up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						const key = keySelector(value);
						if (previous !== NONE && areEquivalent(previous, key)) return DONE;
						previous = key;
						return down.emit(value);
					}
				})(),
			);
		},
	};
}

/** kotlinx's `chunked(size)`: arrays of `size` values, the last one possibly shorter. */
export function chunked<T>(up: FlowSource<T>, size: number): FlowSource<T[]> {
	if (!(size >= 1) || !Number.isInteger(size)) {
		throw new RangeError(`Expected positive chunk size, but got ${size}`);
	}
	return {
		*[collectTo](down: FlowCollector<T[]>): Gen {
			let chunk: T[] = [];
			yield* up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						chunk.push(value);
						if (chunk.length < size) return DONE;
						const full = chunk;
						chunk = [];
						return down.emit(full);
					}
				})(),
			) as Gen;
			if (chunk.length > 0) yield* down.emit(chunk) as Gen;
		},
	};
}
