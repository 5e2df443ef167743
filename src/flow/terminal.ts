/**
 * Terminal operators (kotlinx `flow/terminal/*.kt`): suspend functions that collect a flow in the
 * calling coroutine. `first`-like operators stop the upstream with an {@link AbortFlowException}.
 */
import {
	IllegalArgumentException,
	NoSuchElementException,
} from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import { Pending, type SuspendFn, settle } from "../intrinsics/suspend-fn.js";
import { abortFlow, checkOwnership } from "./abort.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowSource,
} from "./collector.js";

type Gen<R = void> = Generator<never, R, unknown>;

/** `collect(action)`'s collector: runs the action, suspending when it does. */
export class ActionCollector<T> extends AbstractCollector<T> {
	constructor(
		private readonly action: SuspendFn<[T], void>,
		private readonly where: string,
	) {
		super();
	}
	emit(value: T): Suspend<void> {
		const r = settle(this.action(value), this.where);
		if (r instanceof Pending) return r as Suspend<void>;
		return DONE;
	}
}

/** A collector that drops every value: `collect()` with no action. */
export class NopCollector<T> extends AbstractCollector<T> {
	emit(): Suspend<void> {
		return DONE;
	}
}

function* setAfter<R>(r: Suspend<R>, set: (v: R) => void): Gen {
	set((yield* r as Gen<R>) as R);
}

class FoldCollector<T, R> extends AbstractCollector<T> {
	constructor(
		public acc: R,
		private readonly op: SuspendFn<[R, T], R>,
		private readonly where: string,
	) {
		super();
	}
	emit(value: T): Suspend<void> {
		const r = settle(this.op(this.acc, value), this.where);
		if (r instanceof Pending) return this.setAfter(r as Suspend<R>);
		this.acc = r as R;
		return DONE;
	}
	private *setAfter(r: Suspend<R>): Gen {
		this.acc = (yield* r as Gen<R>) as R;
	}
}

export function* fold<T, R>(
	up: FlowSource<T>,
	initial: R,
	op: SuspendFn<[R, T], R>,
	where = "Flow.fold",
): Gen<R> {
	const c = new FoldCollector(initial, op, where);
	yield* up[collectTo](c) as Gen;
	return c.acc;
}

const NONE = Symbol("none");

export function* reduce<T>(
	up: FlowSource<T>,
	op: SuspendFn<[T, T], T>,
): Gen<T> {
	let acc: T | typeof NONE = NONE;
	const set = (v: T) => {
		acc = v;
	};
	yield* up[collectTo](
		new (class extends AbstractCollector<T> {
			emit(value: T): Suspend<void> {
				if (acc === NONE) {
					acc = value;
					return DONE;
				}
				const r = settle(op(acc, value), "Flow.reduce");
				if (r instanceof Pending) return setAfter(r as Suspend<T>, set);
				acc = r as T;
				return DONE;
			}
		})(),
	) as Gen;
	if (acc === NONE)
		throw new NoSuchElementException("Empty flow can't be reduced");
	return acc;
}

function* matchOrContinue<T>(
	r: Suspend<unknown>,
	value: T,
	found: (v: T) => void,
	owner: object,
): Gen {
	if ((yield* r as Gen<unknown>) === true) {
		found(value);
		throw abortFlow(owner);
	}
}

/** The first value matching `p` (any value without `p`), or NONE: stops the upstream at it. */
function* firstMatch<T>(
	up: FlowSource<T>,
	p: SuspendFn<[T], boolean> | undefined,
	where: string,
): Gen<T | typeof NONE> {
	let result: T | typeof NONE = NONE;
	const found = (v: T) => {
		result = v;
	};
	const owner = {};
	try {
		yield* up[collectTo](
			new (class extends AbstractCollector<T> {
				emit(value: T): Suspend<void> {
					if (p !== undefined) {
						const r = settle(p(value), where);
						if (r !== true) {
							if (r instanceof Pending)
								return matchOrContinue(r, value, found, owner);
							return DONE;
						}
					}
					result = value;
					throw abortFlow(owner);
				}
			})(),
		) as Gen;
	} catch (e) {
		checkOwnership(e, owner);
	}
	return result;
}

export function* first<T>(
	up: FlowSource<T>,
	p?: SuspendFn<[T], boolean>,
): Gen<T> {
	const r = yield* firstMatch(up, p, "Flow.first");
	if (r === NONE) {
		throw new NoSuchElementException(
			p === undefined
				? "Expected at least one element"
				: `Expected at least one element matching the predicate ${String(p)}`,
		);
	}
	return r;
}

export function* firstOrNull<T>(
	up: FlowSource<T>,
	p?: SuspendFn<[T], boolean>,
): Gen<T | null> {
	const r = yield* firstMatch(up, p, "Flow.firstOrNull");
	return r === NONE ? null : r;
}

function* lastValue<T>(up: FlowSource<T>): Gen<T | typeof NONE> {
	let result: T | typeof NONE = NONE;
	yield* up[collectTo](
		new (class extends AbstractCollector<T> {
			emit(value: T): Suspend<void> {
				result = value;
				return DONE;
			}
		})(),
	) as Gen;
	return result;
}

export function* last<T>(up: FlowSource<T>): Gen<T> {
	const r = yield* lastValue(up);
	if (r === NONE)
		throw new NoSuchElementException("Expected at least one element");
	return r;
}

export function* lastOrNull<T>(up: FlowSource<T>): Gen<T | null> {
	const r = yield* lastValue(up);
	return r === NONE ? null : r;
}

export function* single<T>(up: FlowSource<T>): Gen<T> {
	let result: T | typeof NONE = NONE;
	yield* up[collectTo](
		new (class extends AbstractCollector<T> {
			emit(value: T): Suspend<void> {
				if (result !== NONE)
					throw new IllegalArgumentException("Flow has more than one element");
				result = value;
				return DONE;
			}
		})(),
	) as Gen;
	if (result === NONE) throw new NoSuchElementException("Flow is empty");
	return result;
}

export function* singleOrNull<T>(up: FlowSource<T>): Gen<T | null> {
	let result: T | typeof NONE = NONE;
	let many = false;
	const owner = {};
	try {
		yield* up[collectTo](
			new (class extends AbstractCollector<T> {
				emit(value: T): Suspend<void> {
					if (result !== NONE) {
						many = true;
						throw abortFlow(owner);
					}
					result = value;
					return DONE;
				}
			})(),
		) as Gen;
	} catch (e) {
		checkOwnership(e, owner);
	}
	return many || result === NONE ? null : result;
}

export function* toCollection<
	T,
	C extends { push(v: T): unknown } | { add(v: T): unknown },
>(up: FlowSource<T>, into: C): Gen<C> {
	const add =
		"push" in into
			? (v: T) => into.push(v)
			: (v: T) => (into as { add(v: T): unknown }).add(v);
	yield* up[collectTo](
		new (class extends AbstractCollector<T> {
			emit(value: T): Suspend<void> {
				add(value);
				return DONE;
			}
		})(),
	) as Gen;
	return into;
}

export function* count<T>(
	up: FlowSource<T>,
	p?: SuspendFn<[T], boolean>,
): Gen<number> {
	let n = 0;
	const inc = (r: unknown) => {
		if (r === true) n++;
	};
	yield* up[collectTo](
		new (class extends AbstractCollector<T> {
			emit(value: T): Suspend<void> {
				if (p === undefined) {
					n++;
					return DONE;
				}
				const r = settle(p(value), "Flow.count");
				if (r instanceof Pending) return setAfter(r, inc);
				inc(r);
				return DONE;
			}
		})(),
	) as Gen;
	return n;
}

/** `any`/`all`/`none`: whether some value gives `p(v) === stopOn`; stops at the first one. */
export function* anyMatches<T>(
	up: FlowSource<T>,
	p: SuspendFn<[T], boolean>,
	stopOn: boolean,
	where: string,
): Gen<boolean> {
	let hit = false;
	const owner = {};
	const check = (r: unknown) => {
		if ((r === true) === stopOn) {
			hit = true;
			throw abortFlow(owner);
		}
	};
	try {
		yield* up[collectTo](
			new (class extends AbstractCollector<T> {
				emit(value: T): Suspend<void> {
					const r = settle(p(value), where);
					if (r instanceof Pending) return setAfter(r, check);
					check(r);
					return DONE;
				}
			})(),
		) as Gen;
	} catch (e) {
		checkOwnership(e, owner);
	}
	return hit;
}

export function* collectIndexed<T>(
	up: FlowSource<T>,
	action: SuspendFn<[number, T], void>,
): Gen {
	let index = 0;
	yield* up[collectTo](
		new (class extends AbstractCollector<T> {
			emit(value: T): Suspend<void> {
				const r = settle(action(index++, value), "Flow.collectIndexed");
				if (r instanceof Pending) return r as Suspend<void>;
				return DONE;
			}
		})(),
	) as Gen;
}
