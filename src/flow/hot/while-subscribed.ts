/**
 * The commands of `SharingStarted.WhileSubscribed(stop, expire)`, kotlinx's
 *
 *     subscriptionCount.transformLatest { count ->
 *         if (count > 0) emit(START)
 *         else { delay(stop); if (expire > 0) { emit(STOP); delay(expire) }; emit(STOP_AND_RESET_REPLAY_CACHE) }
 *     }.dropWhile { it != START }.distinctUntilChanged()
 *
 * written out: a child coroutine collects the count and, for each new count, cancels the timer
 * the previous zero started (the "latest" part); commands reach the collecting coroutine through
 * a queue, so the downstream always runs in the collector's own coroutine.
 */

import { delay } from "../../intrinsics/delay.js";
import type { Instruction, Suspend } from "../../intrinsics/instruction.js";
import type { CancellableContinuation } from "../../intrinsics/suspend-cancellable-coroutine.js";
import { suspendCancellableCoroutineOn } from "../../intrinsics/suspend-cancellable-coroutine.js";
import type { Job } from "../../job/job.js";
import { coroutineScope } from "../../scope/scoping-functions.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { SharingCommand } from "./sharing-command.js";

export class WhileSubscribedCommands implements FlowSource<SharingCommand> {
	constructor(
		private readonly count: FlowSource<number>,
		private readonly stopTimeout: number,
		private readonly replayExpiration: number,
	) {}

	[collectTo](down: FlowCollector<SharingCommand>): Suspend<void> {
		const { count, stopTimeout, replayExpiration } = this;
		return coroutineScope(function* (scope): Generator<
			Instruction,
			void,
			unknown
		> {
			const queue: SharingCommand[] = [];
			let waiter: CancellableContinuation<void> | null = null;
			const push = (c: SharingCommand): void => {
				queue.push(c);
				const w = waiter;
				waiter = null;
				w?.resume();
			};
			let timer: Job | null = null;
			const counting = scope.launch(function* (inner) {
				yield* count[collectTo](
					new (class extends AbstractCollector<number> {
						emit(n: number): Suspend<void> {
							timer?.cancel();
							timer = null;
							if (n > 0) push(SharingCommand.START);
							else {
								timer = inner.launch(function* () {
									yield* delay(stopTimeout);
									if (replayExpiration > 0) {
										push(SharingCommand.STOP);
										yield* delay(replayExpiration);
									}
									push(SharingCommand.STOP_AND_RESET_REPLAY_CACHE);
								});
							}
							return DONE;
						}
					})(),
				);
			});
			let started = false;
			let last: SharingCommand | null = null;
			try {
				for (;;) {
					while (queue.length === 0) {
						yield* suspendCancellableCoroutineOn<void>(
							"WhileSubscribed: waiting for a command",
							(cont) => {
								waiter = cont;
							},
						);
					}
					const c = queue.shift() as SharingCommand;
					if (!started) {
						if (c !== SharingCommand.START) continue; // dropWhile
						started = true;
					}
					if (c === last) continue; // distinctUntilChanged
					last = c;
					const r = down.emit(c);
					if (r !== DONE) yield* r;
				}
			} finally {
				counting.cancel();
			}
		});
	}
}
