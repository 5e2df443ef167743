/**
 * Flow sources: `flow {}` (safe: its collector checks cancellation and the flow invariants),
 * `flowOf`/`asFlow` of iterables and `emptyFlow` (unsafe, as kotlinx's `unsafeFlow`: no
 * cancellation check per emit; `.cancellable()` adds one).
 */
import type { Suspend } from "../intrinsics/instruction.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "./collector.js";
import { requireCoroutine, SafeCollector } from "./safe-collector.js";

/** A `flow {}` body: the collector is `this` and the argument. */
export type FlowBlock<T> = (
	this: FlowCollector<T>,
	collector: FlowCollector<T>,
) => Suspend<void>;

/** `flow { ... }`: runs `block` per collect, in the collecting coroutine, behind a SafeCollector. */
export class SafeFlowSource<T> implements FlowSource<T> {
	constructor(private readonly block: FlowBlock<T>) {}
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return collectSafely(this.block, collector);
	}
}

function* collectSafely<T>(
	block: FlowBlock<T>,
	collector: FlowCollector<T>,
): Generator<never, void, unknown> {
	const safe = new SafeCollector(collector, requireCoroutine("Flow.collect()"));
	yield* block.call(safe, safe) as Generator<never, void, unknown>;
}

/** `flowOf(...)`, `asFlow(array)`: emits the elements; synchronous while the downstream is. */
export class IterableSource<T> implements FlowSource<T> {
	constructor(private readonly values: Iterable<T>) {}
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		const values = this.values;
		if (Array.isArray(values)) return emitArray(values as T[], collector);
		return emitIterable(values, collector);
	}
}

function* emitArray<T>(
	values: readonly T[],
	collector: FlowCollector<T>,
): Generator<never, void, unknown> {
	for (let i = 0; i < values.length; i++) {
		const r = collector.emit(values[i] as T);
		if (r !== DONE) yield* r as Generator<never, void, unknown>;
	}
}

function* emitIterable<T>(
	values: Iterable<T>,
	collector: FlowCollector<T>,
): Generator<never, void, unknown> {
	for (const v of values) {
		const r = collector.emit(v);
		if (r !== DONE) yield* r as Generator<never, void, unknown>;
	}
}

/** `.cancellable()`: each emission first checks the collecting coroutine's cancellation. */
export class CancellableSource<T> implements FlowSource<T> {
	constructor(readonly upstream: FlowSource<T>) {}
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return this.upstream[collectTo](new CancellableCollector(collector));
	}
}

class CancellableCollector<T> extends AbstractCollector<T> {
	constructor(private readonly downstream: FlowCollector<T>) {
		super();
	}
	emit(value: T): Suspend<void> {
		requireCoroutine("FlowCollector.emit()").ensureActive();
		return this.downstream.emit(value);
	}
}
