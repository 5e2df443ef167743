import type { CoroutineContext } from "../context/coroutine-context.js";
import type { Task } from "../dispatchers/task.js";
import { defaultDelay } from "./default-delay.js";
import type { TimerHandle } from "./timer-handle.js";

/**
 * A clock that runs tasks after a delay. A dispatcher that owns a clock (the test dispatcher's
 * virtual time) exposes one as its `delayProvider` property; every other dispatcher uses the
 * real-time timer heap. `timeMillis` is finite and > 0: callers handle `<= 0` and `Infinity`.
 */
export interface DelayProvider {
	now(): number;
	scheduleTimer(
		timeMillis: number,
		task: Task,
		context: CoroutineContext,
	): TimerHandle;
}

export function delayProviderOf(dispatcher: object): DelayProvider {
	const own = (dispatcher as { delayProvider?: DelayProvider }).delayProvider;
	return own ?? defaultDelay;
}
