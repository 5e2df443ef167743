/**
 * Size-limiting operators (kotlinx `flow/operators/Limit.kt`). `take` and `takeWhile` stop the
 * upstream by throwing an {@link AbortFlowException} from the `emit` that delivered their last
 * value: the upstream's `finally` blocks run, and the operator completes normally.
 */
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	Pending,
	type SuspendFn,
	type SuspendFnOn,
	settle,
} from "../../intrinsics/suspend-fn.js";
import { abortFlow, checkOwnership } from "../abort.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { requireCoroutine, SafeCollector } from "../safe-collector.js";

type Gen<R = void> = Generator<never, R, unknown>;

function* emitThenAbort<_T>(r: Suspend<void>, owner: object): Gen {
	yield* r as Gen;
	throw abortFlow(owner);
}

export function take<T>(up: FlowSource<T>, count: number): FlowSource<T> {
	if (!(count > 0) || (!Number.isInteger(count) && count !== Infinity)) {
		throw new RangeError(`Requested element count ${count} should be positive`);
	}
	return {
		*[collectTo](down: FlowCollector<T>): Gen {
			const owner = {};
			let consumed = 0;
			try {
				yield* up[collectTo](
					new (class extends AbstractCollector<T> {
						emit(value: T): Suspend<void> {
							if (++consumed < count) return down.emit(value);
							const r = down.emit(value);
							if (r !== DONE) return emitThenAbort(r, owner);
							throw abortFlow(owner);
						}
					})(),
				) as Gen;
			} catch (e) {
				checkOwnership(e, owner);
			}
		},
	};
}

export function drop<T>(up: FlowSource<T>, count: number): FlowSource<T> {
	if (!(count >= 0) || !Number.isInteger(count)) {
		throw new RangeError(`Drop count should be non-negative, but had ${count}`);
	}
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			let skipped = 0;
			return up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						if (skipped >= count) return down.emit(value);
						skipped++;
						return DONE;
					}
				})(),
			);
		},
	};
}

function* dropWhileSlow<T>(
	r: Suspend<unknown>,
	value: T,
	down: FlowCollector<T>,
	stop: () => void,
): Gen {
	if ((yield* r as Gen<unknown>) === true) return;
	stop();
	yield* down.emit(value) as Gen;
}

export function dropWhile<T>(
	up: FlowSource<T>,
	p: SuspendFn<[T], boolean>,
): FlowSource<T> {
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			let matched = false;
			const stop = () => {
				matched = true;
			};
			return up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						if (matched) return down.emit(value);
						const r = settle(p(value), "Flow.dropWhile");
						if (r instanceof Pending)
							return dropWhileSlow(r, value, down, stop);
						if (r === true) return DONE;
						matched = true;
						return down.emit(value);
					}
				})(),
			);
		},
	};
}

function* continueOrAbort(r: Suspend<unknown>, owner: object): Gen {
	if ((yield* r as Gen<unknown>) !== true) throw abortFlow(owner);
}

/**
 * kotlinx's `transformWhile`: `f` emits through a SafeCollector and returns whether to go on; a
 * false stops the upstream (the abort mechanism of `take`).
 */
export function transformWhile<T, R>(
	up: FlowSource<T>,
	f: SuspendFnOn<FlowCollector<R>, [T], boolean>,
	where = "Flow.transformWhile",
): FlowSource<R> {
	return {
		*[collectTo](down: FlowCollector<R>): Gen {
			const safe = new SafeCollector(down, requireCoroutine("Flow.collect()"));
			const owner = {};
			try {
				yield* up[collectTo](
					new (class extends AbstractCollector<T> {
						emit(value: T): Suspend<void> {
							const r = settle(f.call(safe, value, safe), where);
							if (r === true) return DONE;
							if (r instanceof Pending) return continueOrAbort(r, owner);
							throw abortFlow(owner);
						}
					})(),
				) as Gen;
			} catch (e) {
				checkOwnership(e, owner);
			}
		},
	};
}

function* emitWhileTrue<T>(
	r: Suspend<unknown>,
	value: T,
	down: FlowCollector<T>,
	owner: object,
): Gen {
	if ((yield* r as Gen<unknown>) !== true) throw abortFlow(owner);
	yield* down.emit(value) as Gen;
}

/** `takeWhile`: emits while `p` holds; the first failing value stops the upstream. */
export function takeWhile<T>(
	up: FlowSource<T>,
	p: SuspendFn<[T], boolean>,
): FlowSource<T> {
	return {
		*[collectTo](down: FlowCollector<T>): Gen {
			const owner = {};
			try {
				yield* up[collectTo](
					new (class extends AbstractCollector<T> {
						emit(value: T): Suspend<void> {
							const r = settle(p(value), "Flow.takeWhile");
							if (r === true) return down.emit(value);
							if (r instanceof Pending)
								return emitWhileTrue(r, value, down, owner);
							throw abortFlow(owner);
						}
					})(),
				) as Gen;
			} catch (e) {
				checkOwnership(e, owner);
			}
		},
	};
}
