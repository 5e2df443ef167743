import {
	AbstractCoroutineContextElement,
	type CoroutineContext,
	CoroutineContextKey,
} from "../context/coroutine-context.js";

/**
 * Marks the context of `backgroundScope`: tasks and timers of coroutines carrying it are
 * background work, which `advanceUntilIdle()` does not wait for and `runTest` cancels at the end.
 */
export class BackgroundWork extends AbstractCoroutineContextElement {
	static readonly Key = new CoroutineContextKey<BackgroundWork>(
		"BackgroundWork",
	);
	static readonly instance = new BackgroundWork();
	private constructor() {
		super(BackgroundWork.Key);
	}
	override toString(): string {
		return "BackgroundWork";
	}
}

export function isBackground(context: CoroutineContext): boolean {
	return context.get(BackgroundWork.Key) !== undefined;
}
