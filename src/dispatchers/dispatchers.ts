import type { CoroutineContext } from "../context/coroutine-context.js";
import {
	CoroutineDispatcher,
	DISPATCH_TASK,
	YIELD_IN_PLACE,
} from "./coroutine-dispatcher.js";
import { enqueue, tryContinueInPlace } from "./run-queue.js";
import type { Task } from "./task.js";
import { UnconfinedDispatcher } from "./unconfined.js";

class DefaultDispatcher extends CoroutineDispatcher {
	dispatch(_context: CoroutineContext, block: () => void): void {
		enqueue({ run: block });
	}
	override [DISPATCH_TASK](_context: CoroutineContext, task: Task): void {
		enqueue(task);
	}
	override [YIELD_IN_PLACE](task: Task): boolean {
		return tryContinueInPlace(task);
	}
	override toString(): string {
		return "Dispatchers.Default";
	}
}

const Default: CoroutineDispatcher = new DefaultDispatcher();

/**
 * The built-in dispatchers.
 * - `Default`: kocoro's run queue on the event loop (FIFO, no promise per step, fair to timers and I/O).
 * - `Unconfined`: runs a resumed coroutine in place; nested resumptions queue instead of nesting.
 * - `Main`, `IO`: aliases of `Default` (Node has one JavaScript thread; blocking I/O is not a thing
 *   here, and the event loop is the main thread). Kept so ported Kotlin code compiles unchanged.
 *
 * @example
 * const data = yield* withContext(Dispatchers.IO, function* () { return yield* loadData(); });
 * scope.launch(Dispatchers.Unconfined, function* () { render(data); });
 */
export const Dispatchers: {
	readonly Default: CoroutineDispatcher;
	readonly Unconfined: CoroutineDispatcher;
	readonly Main: CoroutineDispatcher;
	readonly IO: CoroutineDispatcher;
} = Object.freeze({
	Default,
	Unconfined: new UnconfinedDispatcher(),
	Main: Default,
	IO: Default,
});
