/**
 * Exception operators (kotlinx `flow/operators/Errors.kt`). `catch` handles upstream failures only:
 * an exception that came from the downstream (thrown out of an `emit`) or that is the collecting
 * coroutine's own cancellation passes through untouched.
 */
import { currentCoroutine } from "../../coroutine/abstract-coroutine.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	isSuspendCall,
	type SuspendFnOn,
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

const NO_EXCEPTION = Symbol("none");

class DownstreamTracker<T> extends AbstractCollector<T> {
	fromDownstream: unknown = NO_EXCEPTION;
	constructor(private readonly down: FlowCollector<T>) {
		super();
	}
	emit(value: T): Suspend<void> {
		let r: Suspend<void>;
		try {
			r = this.down.emit(value);
		} catch (e) {
			this.fromDownstream = e;
			throw e;
		}
		return r === DONE ? DONE : this.track(r);
	}
	private *track(r: Suspend<void>): Gen {
		try {
			yield* r as Gen;
		} catch (e) {
			this.fromDownstream = e;
			throw e;
		}
	}
}

/**
 * kotlinx's `catchImpl`: collects `up` into `collector`; returns an upstream exception, rethrows a
 * downstream one or the coroutine's own cancellation, returns `NO_EXCEPTION` on completion.
 */
function* catchImpl<T>(
	up: FlowSource<T>,
	collector: FlowCollector<T>,
): Gen<unknown> {
	const tracker = new DownstreamTracker(collector);
	try {
		yield* up[collectTo](tracker) as Gen;
	} catch (e) {
		if (e === tracker.fromDownstream || isCancellationCause(e)) throw e;
		return e;
	}
	return NO_EXCEPTION;
}

function isCancellationCause(e: unknown): boolean {
	const co = currentCoroutine();
	if (co === null || !co.isCancelled) return false;
	return e === co.getCancellationException();
}

export function catchError<T>(
	up: FlowSource<T>,
	action: SuspendFnOn<FlowCollector<T>, [Error], void>,
): FlowSource<T> {
	return {
		*[collectTo](down: FlowCollector<T>): Gen {
			const safe = new SafeCollector(down, requireCoroutine("Flow.collect()"));
			const e = yield* catchImpl(up, safe);
			if (e === NO_EXCEPTION) return;
			const r = action.call(safe, e as Error, safe);
			if (isSuspendCall(r, "Flow.catch")) yield* r as Gen<unknown>;
		},
	};
}

export function retryWhen<T>(
	up: FlowSource<T>,
	predicate: SuspendFnOn<FlowCollector<T>, [Error, number], boolean>,
	where = "Flow.retryWhen",
): FlowSource<T> {
	return {
		*[collectTo](down: FlowCollector<T>): Gen {
			const safe = new SafeCollector(down, requireCoroutine("Flow.collect()"));
			let attempt = 0;
			for (;;) {
				const e = yield* catchImpl(up, safe);
				if (e === NO_EXCEPTION) return;
				let r: unknown = predicate.call(safe, e as Error, attempt, safe);
				if (isSuspendCall(r, where)) r = yield* r as Gen<unknown>;
				if (r !== true) throw e;
				attempt++;
			}
		},
	};
}
