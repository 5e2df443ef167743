/**
 * The built-in {@link SharingStarted} strategies (kotlinx's `SharingStarted.kt`).
 */

import { delay } from "../intrinsics/delay.js";
import { checkTime } from "../time/check-time.js";
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
		const { stopTimeout, replayExpiration } = this;
		return subscriptionCount
			.transformLatest<SharingCommand>(function* (count) {
				if (count > 0) {
					yield* this.emit(SharingCommand.START);
				} else {
					yield* delay(stopTimeout);
					if (replayExpiration > 0) {
						yield* this.emit(SharingCommand.STOP);
						yield* delay(replayExpiration);
					}
					yield* this.emit(SharingCommand.STOP_AND_RESET_REPLAY_CACHE);
				}
			})
			.dropWhile((c) => c !== SharingCommand.START) // no STOP before the first START
			.distinctUntilChanged();
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
 * const ticks = flow<number>(function* (c) {
 *   for (let i = 0; ; i++) {
 *     yield* c.emit(i);
 *     yield* delay(1_000);
 *   }
 * });
 * const latest = ticks.stateIn(scope, SharingStarted.WhileSubscribed(5_000), -1);
 */
export type SharingStarted = SharingStartedType;

/**
 * The built-in strategies: `SharingStarted.Eagerly`, `SharingStarted.Lazily` and
 * `SharingStarted.WhileSubscribed(stopTimeoutMillis, replayExpirationMillis)` (see the type above).
 *
 * @example
 * const users = asFlow(["ada", "grace"]).shareIn(scope, SharingStarted.Lazily, 1);
 */
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
