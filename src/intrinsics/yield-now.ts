import { YIELD_IN_PLACE } from "../dispatchers/coroutine-dispatcher.js";
import type { Task } from "../dispatchers/task.js";
import { unconfinedHasQueuedWork } from "../dispatchers/unconfined.js";
import type { CancellationException } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type Suspend,
	type SuspendingCoroutine,
	type Suspension,
} from "./instruction.js";

/** The wait of a coroutine sitting in its dispatcher's queue after `yieldNow()`. */
class QueuedAfterYield implements Suspension {
	cancelWait(_co: SuspendingCoroutine, _cause: CancellationException): void {
		// Already queued: the resumption itself checks for cancellation (prompt, C12).
	}
	describe(): string {
		return "yield";
	}
}
const queued = new QueuedAfterYield();

class YieldInstruction extends Instruction<void> {
	execute(co: SuspendingCoroutine): unknown {
		if (co.isCancelled) throw co.getCancellationException(); // C12.1
		if (
			!co.dispatcher.isDispatchNeeded(co.dispatchContext) &&
			!unconfinedHasQueuedWork()
		) {
			return undefined; // C12.3: nothing else to run
		}
		// Nothing else is queued: going to the tail and being dequeued at once is going on.
		if (co.dispatcher[YIELD_IN_PLACE](co as unknown as Task)) return undefined;
		co.waiting = queued;
		co.resume(queued, false, undefined, true); // C12.2: to the tail of the queue
		return SUSPENDED;
	}
}

/**
 * Kotlin's `yield()`: checks for cancellation, then lets every other ready coroutine run before
 * this one continues (it goes to the tail of its dispatcher's queue). Also exported as `yield`.
 *
 * @example
 * for (const item of items) { yield* yieldNow(); render(item); }
 */
export function yieldNow(): Suspend<void> {
	return new YieldInstruction();
}
