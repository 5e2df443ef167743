/**
 * `zip` and `combine` (kotlinx `flow/internal/Combine.kt`).
 *
 * `zip`: the other flow runs in a producer; each value of this flow waits for the next value of
 * the other, and the first flow to end stops both (the other one with an internal abort, its
 * `finally` run). Unlike kotlinx, which also aborts this flow at once when the other ends while
 * this one is suspended elsewhere (by switching contexts per emission), this flow is stopped at
 * its next emission: the values are the same.
 *
 * `combine`: every flow runs in a child sending `(index, value)` updates into a channel of the
 * flows' count; the collector applies the updates it can take at once (at most one per flow, as
 * kotlinx's epochs), then calls `transform` on the latest values once every flow has emitted.
 */
import { BufferOverflow } from "../../channels/buffer-overflow.js";
import { Channel } from "../../channels/channel.js";
import { EmptyCoroutineContext } from "../../context/coroutine-context.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import { isSuspendCall, type SuspendFn } from "../../intrinsics/suspend-fn.js";
import { yieldNow } from "../../intrinsics/yield-now.js";
import { coroutineScope } from "../../scope/scoping-functions.js";
import { abortFlow, checkOwnership } from "../abort.js";
import {
	AbstractCollector,
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { launchProducer, SendingCollector } from "./channel-flow.js";

type Gen<R = void> = Generator<never, R, unknown>;

export function zip<T1, T2, R>(
	first: FlowSource<T1>,
	second: FlowSource<T2>,
	transform: SuspendFn<[T1, T2], R>,
): FlowSource<R> {
	return {
		[collectTo](down: FlowCollector<R>): Suspend<void> {
			return coroutineScope(function* () {
				const other = launchProducer<T2>(
					this,
					EmptyCoroutineContext,
					0,
					BufferOverflow.SUSPEND,
					(producer) => second[collectTo](new SendingCollector(producer)),
				);
				const owner = {};
				function* emitZipped(value: T1): Gen {
					const result = yield* other.receiveCatching() as Gen<
						ReturnType<typeof other.tryReceive>
					>;
					if (result.isClosed)
						throw result.exceptionOrNull() ?? abortFlow(owner);
					let r: unknown = transform(value, result.getOrThrow());
					if (isSuspendCall(r, "Flow.zip")) r = yield* r as Gen<unknown>;
					yield* down.emit(r as R) as Gen;
				}
				try {
					yield* first[collectTo](
						new (class extends AbstractCollector<T1> {
							emit(value: T1): Suspend<void> {
								return emitZipped(value);
							}
						})(),
					) as Gen;
				} catch (e) {
					checkOwnership(e, owner);
				} finally {
					other.cancel();
				}
			});
		},
	};
}

interface Update {
	index: number;
	value: unknown;
}

const UNINITIALIZED = Symbol("uninitialized");

/** kotlinx's `combineInternal`: calls `transform` (which emits) with each new set of latest values. */
export function* combineInternal(
	flows: readonly FlowSource<unknown>[],
	transform: (values: unknown[]) => Suspend<void>,
): Gen {
	const size = flows.length;
	if (size === 0) return;
	yield* coroutineScope(function* (): Gen {
		const latest: unknown[] = new Array(size).fill(UNINITIALIZED);
		const updates = Channel<Update>(size);
		let nonClosed = size;
		let remainingAbsent = size;
		for (let i = 0; i < size; i++) {
			const flow = flows[i] as FlowSource<unknown>;
			this.launch(function* () {
				try {
					yield* flow[collectTo](
						new (class extends AbstractCollector<unknown> {
							*emit(value: unknown): Gen {
								yield* updates.send({ index: i, value }) as Gen;
								yield* yieldNow() as Gen;
							}
						})(),
					) as Gen;
				} finally {
					if (--nonClosed === 0) updates.close();
				}
			});
		}
		const lastEpoch = new Array<number>(size).fill(0);
		let epoch = 0;
		for (;;) {
			++epoch;
			const first = yield* updates.receiveCatching() as Gen<
				ReturnType<typeof updates.tryReceive>
			>;
			let element = first.getOrNull();
			if (element === null) break;
			for (;;) {
				const { index, value } = element;
				const previous = latest[index];
				latest[index] = value;
				if (previous === UNINITIALIZED) --remainingAbsent;
				if (lastEpoch[index] === epoch) break;
				lastEpoch[index] = epoch;
				element = updates.tryReceive().getOrNull();
				if (element === null) break;
			}
			if (remainingAbsent === 0) yield* transform(latest.slice()) as Gen;
		}
	}) as Gen;
}

/** `combine(flows, transform)`: emits `transform(latest values)`. */
export function combine<R>(
	flows: readonly FlowSource<unknown>[],
	transform: (...values: unknown[]) => R | Suspend<R>,
	where = "combine",
): FlowSource<R> {
	return {
		*[collectTo](down: FlowCollector<R>): Gen {
			yield* combineInternal(flows, function* (values) {
				let r: unknown = transform(...values);
				if (isSuspendCall(r, where)) r = yield* r as Gen<unknown>;
				yield* down.emit(r as R) as Gen;
			});
		},
	};
}
