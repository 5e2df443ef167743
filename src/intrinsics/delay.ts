import type { Task } from "../dispatchers/task.js";
import type { CancellationException } from "../errors/exceptions.js";
import { checkTime } from "../time/check-time.js";
import { delayProviderOf } from "../time/delay-provider.js";
import type { TimerHandle } from "../time/timer-handle.js";
import {
	Instruction,
	SUSPENDED,
	type Suspend,
	type SuspendingCoroutine,
	type Suspension,
} from "./instruction.js";

/** A coroutine waiting for its timer; the timer runs it as a task when due. */
class DelayWait implements Suspension, Task {
	handle: TimerHandle | null = null;
	constructor(
		private readonly co: SuspendingCoroutine,
		private readonly deadline: number,
		private readonly now: () => number,
	) {}
	run(): void {
		this.handle = null;
		this.co.resume(this, false, undefined, true);
	}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.handle?.dispose();
		this.handle = null;
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return `delay(${Math.max(0, Math.round(this.deadline - this.now()))}ms left)`;
	}
}

/** Waits until cancelled: `delay(Infinity)` and `awaitCancellation()`. */
class ForeverWait implements Suspension {
	constructor(private readonly what: string) {}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return this.what;
	}
}

const foreverDelay = new ForeverWait("delay(Infinity)");
const awaitingCancellation = new ForeverWait("awaitCancellation()");

class DelayInstruction extends Instruction<void> {
	constructor(private readonly timeMillis: number) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		const t = this.timeMillis;
		if (t <= 0) return undefined; // C13: at once, no cancellation check
		if (co.isCancelled) throw co.getCancellationException();
		if (t === Number.POSITIVE_INFINITY) {
			co.waiting = foreverDelay;
			return SUSPENDED;
		}
		const provider = delayProviderOf(co.dispatcher);
		const wait = new DelayWait(co, provider.now() + t, provider.now);
		co.waiting = wait;
		wait.handle = provider.scheduleTimer(t, wait, co.dispatchContext);
		return SUSPENDED;
	}
}

/**
 * Suspends for `timeMillis` milliseconds, cancellably. `timeMillis <= 0` returns at once;
 * `Infinity` suspends until cancelled. NaN or a non-number throws.
 *
 * @example
 * yield* delay(100);
 */
export function delay(timeMillis: number): Suspend<void> {
	return new DelayInstruction(checkTime(timeMillis, "delay(timeMillis)"));
}

class AwaitCancellationInstruction extends Instruction<never> {
	execute(co: SuspendingCoroutine): unknown {
		if (co.isCancelled) throw co.getCancellationException();
		co.waiting = awaitingCancellation;
		return SUSPENDED;
	}
}

/**
 * Suspends until the coroutine is cancelled, then throws its CancellationException.
 *
 * @example
 * scope.launch(function* () {
 *   const server = yield* awaitPromise(startServer());
 *   try {
 *     yield* awaitCancellation(); // serve until cancelled
 *   } finally {
 *     yield* withContext(NonCancellable, function* () { yield* awaitPromise(server.close()); });
 *   }
 * });
 */
export function awaitCancellation(): Suspend<never> {
	return new AwaitCancellationInstruction();
}
