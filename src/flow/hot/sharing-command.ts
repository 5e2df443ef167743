/**
 * What a `SharingStarted` strategy tells the sharing coroutine (kotlinx's `SharingCommand`), and
 * the marker by which the sharing coroutine recognizes the built-in `Eagerly` and `Lazily`
 * strategies (their fast paths) without importing them.
 */

/**
 * A command of a `SharingStarted` strategy to the coroutine that shares a flow.
 *
 * @example
 * // A strategy of one's own: collect while anyone subscribes, keep the replay cache after.
 * const whileAnyone: SharingStarted = {
 *   command: (subscriptionCount) =>
 *     subscriptionCount.map((n) => (n > 0 ? SharingCommand.START : SharingCommand.STOP)),
 * };
 */
export enum SharingCommand {
	/** Start collecting the upstream (no effect when it runs already). */
	START = "START",
	/** Stop collecting the upstream; keep the replay cache. */
	STOP = "STOP",
	/**
	 * Stop collecting the upstream and reset the replay cache: empty for `shareIn`, the initial
	 * value for `stateIn`.
	 */
	STOP_AND_RESET_REPLAY_CACHE = "STOP_AND_RESET_REPLAY_CACHE",
}

/** @internal Key of the built-in strategies' kind. */
export const startKind: unique symbol = Symbol("kocoro.sharingStartKind");

/** @internal The kinds with a fast path; any other strategy runs through its commands. */
export const EAGERLY = 1;
export const LAZILY = 2;
