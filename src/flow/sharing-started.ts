/**
 * The built-in {@link SharingStarted} strategies (kotlinx's `SharingStarted.kt`).
 */
import { checkTime } from "../time/check-time.js";
import type { FlowSource } from "./collector.js";
import {
	type Flow,
	flow,
	flowOf,
	type SharingStarted as SharingStartedType,
	type StateFlow,
} from "./flow.js";
import {
	EAGERLY,
	LAZILY,
	SharingCommand,
	startKind,
} from "./hot/sharing-command.js";
import { WhileSubscribedCommands } from "./hot/while-subscribed.js";

function fromSource<T>(source: FlowSource<T>): Flow<T> {
	return flow<T>(function* (c) {
		yield* c.emitAll(source);
	});
}

const Eagerly = {
	[startKind]: EAGERLY,
	command: (): Flow<SharingCommand> => flowOf(SharingCommand.START),
	toString: () => "SharingStarted.Eagerly",
};

const Lazily = {
	[startKind]: LAZILY,
	command: (subscriptionCount: StateFlow<number>): Flow<SharingCommand> =>
		flow<SharingCommand>(function* (c) {
			let started = false;
			yield* subscriptionCount.collect(function* (n: number) {
				if (n > 0 && !started) {
					started = true;
					yield* c.emit(SharingCommand.START);
				}
			});
		}),
	toString: () => "SharingStarted.Lazily",
};

class StartedWhileSubscribed implements SharingStartedType {
	constructor(
		readonly stopTimeout: number,
		readonly replayExpiration: number,
	) {}
	command(subscriptionCount: StateFlow<number>): Flow<SharingCommand> {
		return fromSource(
			new WhileSubscribedCommands(
				subscriptionCount,
				this.stopTimeout,
				this.replayExpiration,
			),
		);
	}
	toString(): string {
		const params: string[] = [];
		if (this.stopTimeout > 0) params.push(`stopTimeout=${this.stopTimeout}ms`);
		if (this.replayExpiration < Number.POSITIVE_INFINITY)
			params.push(`replayExpiration=${this.replayExpiration}ms`);
		return `SharingStarted.WhileSubscribed(${params.join(", ")})`;
	}
}

function checkMillis(ms: number, name: string): number {
	const t = checkTime(ms, `SharingStarted.WhileSubscribed(${name})`);
	if (t < 0) {
		throw new RangeError(`${name}(${t} ms) cannot be negative`);
	}
	return t;
}

/**
 * The built-in strategies of `shareIn`/`stateIn` (kotlinx's `SharingStarted` companion):
 *
 * - `Eagerly`: the upstream is collected from the scope's next dispatch on, and never stopped.
 * - `Lazily`: collected from the first subscriber on (even one that leaves at once), never stopped.
 * - `WhileSubscribed(stopTimeoutMillis = 0, replayExpirationMillis = Infinity)`: collected while
 *   there are subscribers; `stopTimeoutMillis` after the last one leaves it is cancelled, and
 *   `replayExpirationMillis` after that the replay cache is reset (`stateIn`: to its initial
 *   value). A subscriber coming back within `stopTimeoutMillis` keeps the same collection.
 *
 * @example
 * const user = userFlow.stateIn(scope, SharingStarted.WhileSubscribed(5_000), null);
 */
/** When `shareIn`/`stateIn` collect their upstream: see the `SharingStarted` constant. */
export type SharingStarted = SharingStartedType;

export const SharingStarted: {
	readonly Eagerly: SharingStartedType;
	readonly Lazily: SharingStartedType;
	WhileSubscribed(
		stopTimeoutMillis?: number,
		replayExpirationMillis?: number,
	): SharingStartedType;
} = {
	Eagerly,
	Lazily,
	WhileSubscribed(
		stopTimeoutMillis = 0,
		replayExpirationMillis = Number.POSITIVE_INFINITY,
	): SharingStartedType {
		return new StartedWhileSubscribed(
			checkMillis(stopTimeoutMillis, "stopTimeout"),
			checkMillis(replayExpirationMillis, "replayExpiration"),
		);
	},
};
