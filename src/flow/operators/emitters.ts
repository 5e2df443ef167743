/**
 * Operators that emit around the upstream (kotlinx `flow/operators/Emitters.kt`): `onStart`,
 * `onCompletion` (sees every end, handles none), `onEmpty`.
 */
import { addSuppressed, toError } from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	isSuspendCall,
	type SuspendFnOn,
} from "../../intrinsics/suspend-fn.js";
import {
	AbstractCollector,
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { requireCoroutine, SafeCollector } from "../safe-collector.js";

type Gen<R = void> = Generator<never, R, unknown>;

function* invoke<C, A extends unknown[]>(
	f: SuspendFnOn<C, A, void>,
	receiver: C,
	args: A,
	where: string,
): Gen {
	const r = f.call(receiver, ...args, receiver);
	if (isSuspendCall(r, where)) yield* r as Gen<unknown>;
}

export function onStart<T>(
	up: FlowSource<T>,
	action: SuspendFnOn<FlowCollector<T>, [], void>,
): FlowSource<T> {
	return {
		*[collectTo](down: FlowCollector<T>): Gen {
			const safe = new SafeCollector(down, requireCoroutine("Flow.collect()"));
			yield* invoke(action, safe, [], "Flow.onStart");
			yield* up[collectTo](down) as Gen;
		},
	};
}

/** The receiver of `onCompletion`'s action after a failure: emitting rethrows that failure. */
class ThrowingCollector<T> extends AbstractCollector<T> {
	constructor(private readonly e: unknown) {
		super();
	}
	emit(): Suspend<void> {
		throw this.e;
	}
}

export function onCompletion<T>(
	up: FlowSource<T>,
	action: SuspendFnOn<FlowCollector<T>, [Error | null], void>,
): FlowSource<T> {
	return {
		*[collectTo](down: FlowCollector<T>): Gen {
			try {
				yield* up[collectTo](down) as Gen;
			} catch (e) {
				const cause = toError(e);
				try {
					yield* invoke(
						action,
						new ThrowingCollector<T>(e),
						[cause],
						"Flow.onCompletion",
					);
				} catch (e2) {
					if (e2 !== e && e2 instanceof Error) addSuppressed(e2, cause);
					throw e2;
				}
				throw e;
			}
			const safe = new SafeCollector(down, requireCoroutine("Flow.collect()"));
			yield* invoke(action, safe, [null], "Flow.onCompletion");
		},
	};
}

export function onEmpty<T>(
	up: FlowSource<T>,
	action: SuspendFnOn<FlowCollector<T>, [], void>,
): FlowSource<T> {
	return {
		*[collectTo](down: FlowCollector<T>): Gen {
			let isEmpty = true;
			yield* up[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						isEmpty = false;
						return down.emit(value);
					}
				})(),
			) as Gen;
			if (!isEmpty) return;
			const safe = new SafeCollector(down, requireCoroutine("Flow.collect()"));
			yield* invoke(action, safe, [], "Flow.onEmpty");
		},
	};
}
