import type { CoroutineContext } from "../context/coroutine-context.js";
import { CoroutineDispatcher, DISPATCH_TASK } from "./coroutine-dispatcher.js";
import type { Task } from "./task.js";

/**
 * Kotlin's `Dispatchers.Unconfined`: a resumed coroutine runs in place, in the frame of whoever
 * resumed it. Resumptions that happen while an unconfined task is already running are queued in a
 * local event loop and run after it, so nesting never grows the stack.
 */
export class UnconfinedDispatcher extends CoroutineDispatcher {
	override isDispatchNeeded(): boolean {
		return false;
	}
	dispatch(_context: CoroutineContext, block: () => void): void {
		runUnconfined({ run: block });
	}
	override [DISPATCH_TASK](_context: CoroutineContext, task: Task): void {
		runUnconfined(task);
	}
	override toString(): string {
		return "Dispatchers.Unconfined";
	}
}

const loop: Task[] = [];
let running = false;

/** Runs `task` now, or after the unconfined task currently running. */
export function runUnconfined(task: Task): void {
	if (running) {
		loop.push(task);
		return;
	}
	running = true;
	try {
		runReporting(task);
		for (let i = 0; i < loop.length; i++) runReporting(loop[i]!);
	} finally {
		loop.length = 0;
		running = false;
	}
}

function runReporting(task: Task): void {
	try {
		task.run();
	} catch (e) {
		setTimeout(() => {
			throw e;
		}, 0);
	}
}

/** Whether the unconfined event loop has work queued (Kotlin's `yield()` on Unconfined). */
export function unconfinedHasQueuedWork(): boolean {
	return running && loop.length > 0;
}
