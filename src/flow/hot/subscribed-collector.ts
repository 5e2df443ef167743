/**
 * `onSubscription(action)`: kotlinx's `SubscribedFlowCollector`. A hot flow's collect loop runs
 * `onSubscription()` right after the collector's slot is registered and before the first value,
 * so every value emitted during or after the action reaches this collector.
 */
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	completeSuspendFn,
	type SuspendFnOn,
} from "../../intrinsics/suspend-fn.js";
import {
	AbstractCollector,
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { requireCoroutine, SafeCollector } from "../safe-collector.js";

export class SubscribedFlowCollector<T> extends AbstractCollector<T> {
	constructor(
		private readonly collector: FlowCollector<T>,
		private readonly action: SuspendFnOn<FlowCollector<T>, [], void>,
	) {
		super();
	}

	emit(value: T): Suspend<void> {
		return this.collector.emit(value);
	}

	/** Runs the action with a safe collector over the downstream, then any inner action. */
	*onSubscription(): Generator<never, void, unknown> {
		const safe = new SafeCollector(
			this.collector,
			requireCoroutine("SharedFlow.onSubscription()"),
		);
		yield* completeSuspendFn(
			this.action.call(safe, safe),
			"SharedFlow.onSubscription(action)",
		) as Generator<never, void, unknown>;
		if (this.collector instanceof SubscribedFlowCollector) {
			yield* this.collector.onSubscription();
		}
	}
}

/** The source of `sharedFlow.onSubscription(action)`: the shared flow with the action wrapped in. */
export class SubscribedSource<T> implements FlowSource<T> {
	constructor(
		private readonly shared: FlowSource<T> & {
			readonly replayCache: readonly T[];
		},
		private readonly action: SuspendFnOn<FlowCollector<T>, [], void>,
	) {}
	get replayCache(): readonly T[] {
		return this.shared.replayCache;
	}
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return this.shared[collectTo](
			new SubscribedFlowCollector(collector, this.action),
		);
	}
}
