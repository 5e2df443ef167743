/**
 * Sequential flattening (kotlinx `flow/operators/Merge.kt`'s `flattenConcat`/`flatMapConcat`):
 * each inner flow is collected to its end before the next upstream value is taken.
 */
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	Pending,
	type SuspendFn,
	settle,
} from "../../intrinsics/suspend-fn.js";
import {
	AbstractCollector,
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";

type Gen<R = void> = Generator<never, R, unknown>;

function* emitAllAfter<R>(
	r: Suspend<FlowSource<R>>,
	down: FlowCollector<R>,
): Gen {
	const inner = (yield* r as Gen<FlowSource<R>>) as FlowSource<R>;
	yield* inner[collectTo](down) as Gen;
}

export function flatMapConcat<T, R>(
	up: FlowSource<T>,
	f: SuspendFn<[T], FlowSource<R>>,
): FlowSource<R> {
	return {
		[collectTo](down: FlowCollector<R>): Suspend<void> {
			return up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						const r = settle(f(value), "Flow.flatMapConcat");
						if (r instanceof Pending)
							return emitAllAfter(r as Suspend<FlowSource<R>>, down);
						return (r as FlowSource<R>)[collectTo](down);
					}
				})(),
			);
		},
	};
}

export function flattenConcat<T>(up: FlowSource<FlowSource<T>>): FlowSource<T> {
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			return up[collectTo](
				new (class extends AbstractCollector<FlowSource<T>> {
					emit(inner: FlowSource<T>): Suspend<void> {
						return inner[collectTo](down);
					}
				})(),
			);
		},
	};
}
