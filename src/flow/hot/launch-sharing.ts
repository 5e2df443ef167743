/**
 * The coroutine behind `shareIn`/`stateIn` (kotlinx's `launchSharing` and
 * `launchSharingDeferred`, in `flow/operators/Share.kt`).
 *
 * One coroutine, launched in the scope given to `shareIn`, owns the upstream collection, so its
 * failure fails that scope. It starts as kotlinx starts it: `Eagerly` dispatched (it runs at the
 * scope's next dispatch, so subscribers made right after `shareIn` see the first values), every
 * other strategy undispatched (it subscribes to the subscription count before `shareIn` returns,
 * so a subscriber that comes and goes at once is still counted).
 */

import {
	type CoroutineContext,
	EmptyCoroutineContext,
} from "../../context/coroutine-context.js";
import { CoroutineStart } from "../../coroutine/coroutine-start.js";
import { NoSuchElementException } from "../../errors/exceptions.js";
import type { Instruction, Suspend } from "../../intrinsics/instruction.js";
import { CompletableDeferred } from "../../job/completable-deferred.js";
import type { Job } from "../../job/job.js";
import { JobKey } from "../../job/job-key.js";
import type { CoroutineScope } from "../../scope/coroutine-scope.js";
import { TransformLatestSource } from "../channel-flow/latest.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { distinctUntilChangedBy } from "../operators/transform.js";
import { first, NopCollector } from "../terminal.js";
import type {
	SharedFlowImpl,
	SubscriptionCountFlow,
} from "./shared-flow-impl.js";
import { EAGERLY, LAZILY, SharingCommand } from "./sharing-command.js";
import type { StateFlowImpl } from "./state-flow-impl.js";

/** The shared flow a sharing coroutine fills: a shared flow core or a state flow core. */
export type SharingTarget<T> = (SharedFlowImpl<T> | StateFlowImpl<T>) &
	FlowCollector<T> & { readonly subscriptionCount: SubscriptionCountFlow };

/** `stateIn`'s reset value, or this marker for `shareIn` (reset = empty the replay cache). */
export const NO_INITIAL: unique symbol = Symbol("NO_INITIAL");

/**
 * Launches the sharing coroutine. `kind` is the strategy's built-in kind (or 0), `commands`
 * calls the strategy's `command(subscriptionCount)`.
 */
export function launchSharing<T>(
	scope: CoroutineScope,
	context: CoroutineContext,
	upstream: FlowSource<T>,
	shared: SharingTarget<T>,
	kind: number,
	commands: () => FlowSource<SharingCommand>,
	initialValue: T | typeof NO_INITIAL,
): Job {
	const start =
		kind === EAGERLY ? CoroutineStart.DEFAULT : CoroutineStart.UNDISPATCHED;
	return scope.launch(context, start, function* () {
		if (kind === EAGERLY) {
			yield* upstream[collectTo](shared);
		} else if (kind === LAZILY) {
			yield* first(shared.subscriptionCount, (n) => n > 0);
			yield* upstream[collectTo](shared);
		} else {
			yield* runCommands(commands(), upstream, shared, initialValue);
		}
	});
}

/**
 * kotlinx's `command(...).distinctUntilChanged().collectLatest { ... }`: each new command cancels
 * (and waits for) the upstream collection the previous START began, then acts.
 */
function runCommands<T>(
	commands: FlowSource<SharingCommand>,
	upstream: FlowSource<T>,
	shared: SharingTarget<T>,
	initialValue: T | typeof NO_INITIAL,
): Suspend<void> {
	const act = function* (
		this: FlowCollector<void>,
		command: SharingCommand,
	): Generator<Instruction, void, unknown> {
		if (command === SharingCommand.START) {
			yield* upstream[collectTo](shared); // cancelled by the next command
		} else if (command === SharingCommand.STOP_AND_RESET_REPLAY_CACHE) {
			if (initialValue === NO_INITIAL) shared.resetReplayCache();
			else shared.tryEmit(initialValue);
		}
	};
	return new TransformLatestSource<SharingCommand, void>(
		distinctUntilChangedBy(commands, identity, Object.is),
		act,
		"SharingStarted.command",
	)
		.fuse(EmptyCoroutineContext, 0)
		[collectTo](new NopCollector<void>());
}

function identity<T>(v: T): T {
	return v;
}

/**
 * `stateIn(scope)`: launches the upstream collection in `scope` and returns the state flow made
 * by `create` from the first value (later values set it). An upstream failure before the first
 * value is rethrown here and fails `scope`; an upstream that ends empty throws
 * `NoSuchElementException("Flow is empty")` here.
 */
export function* stateInAwait<T, V>(
	scope: CoroutineScope,
	context: CoroutineContext,
	upstream: FlowSource<T>,
	create: (first: T, job: Job) => { state: StateFlowImpl<T>; view: V },
): Generator<Instruction, V, unknown> {
	const result = CompletableDeferred<V>();
	scope.launch(context, function* (sharing) {
		let state: StateFlowImpl<T> | null = null;
		try {
			yield* upstream[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						if (state !== null) state.value = value;
						else {
							const made = create(
								value,
								sharing.coroutineContext.get(JobKey) as Job,
							);
							state = made.state;
							result.complete(made.view);
						}
						return DONE;
					}
				})(),
			);
		} catch (e) {
			result.completeExceptionally(e as Error);
			throw e;
		}
		if (state === null) {
			result.completeExceptionally(new NoSuchElementException("Flow is empty"));
		}
	});
	return (yield* result.await()) as V;
}
