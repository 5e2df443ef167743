import type { CoroutineContext } from "../context/coroutine-context.js";
import { currentCoroutine } from "../coroutine/abstract-coroutine.js";
import {
	CoroutineDispatcher,
	DISPATCH_TASK,
} from "../dispatchers/coroutine-dispatcher.js";
import type { RandomSource } from "../dispatchers/random-source.js";
import type { Task } from "../dispatchers/task.js";
import { runUnconfined } from "../dispatchers/unconfined.js";
import type { DelayProvider } from "../time/delay-provider.js";
import { TestCoroutineScheduler } from "./test-coroutine-scheduler.js";

/**
 * A dispatcher on a {@link TestCoroutineScheduler}: its coroutines' `delay` and `withTimeout`
 * use the scheduler's virtual clock.
 *
 * @example
 * const dispatcher: TestDispatcher = StandardTestDispatcher(this.testScheduler);
 * this.launch(dispatcher, function* () { yield* delay(1_000); });
 * this.testScheduler.advanceUntilIdle();
 * dispatcher.scheduler.currentTime; // 1000
 */
export abstract class TestDispatcher extends CoroutineDispatcher {
	constructor(readonly scheduler: TestCoroutineScheduler) {
		super();
	}
	/** @internal The clock `delay` and `withTimeout` use (the scheduler). */
	get delayProvider(): DelayProvider {
		return this.scheduler;
	}
	/** @internal The random choices of `selectUnbiased` (the scheduler's, seeded by `seed`). */
	get randomSource(): RandomSource {
		return this.scheduler.choices;
	}
}

class StandardTestDispatcherImpl extends TestDispatcher {
	dispatch(context: CoroutineContext, block: () => void): void {
		this.scheduler.enqueue({ run: block }, context);
	}
	override [DISPATCH_TASK](context: CoroutineContext, task: Task): void {
		this.scheduler.enqueue(task, context);
	}
	override toString(): string {
		return `StandardTestDispatcher[scheduler=${this.scheduler}]`;
	}
}

class UnconfinedTestDispatcherImpl extends TestDispatcher {
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
		return `UnconfinedTestDispatcher[scheduler=${this.scheduler}]`;
	}
}

/** The given scheduler; else the running test coroutine's; else a new one. */
function schedulerOrCurrent(
	scheduler: TestCoroutineScheduler | undefined,
	where: string,
): TestCoroutineScheduler {
	if (scheduler !== undefined) {
		if (!(scheduler instanceof TestCoroutineScheduler)) {
			throw new TypeError(
				`${where}(scheduler): expected a TestCoroutineScheduler, got ${String(scheduler)}`,
			);
		}
		return scheduler;
	}
	const co = currentCoroutine();
	if (co !== null) {
		const own = co.dispatchContext.get(TestCoroutineScheduler.Key);
		if (own !== undefined) return own;
		const clock = testSchedulerOf(co.dispatcher);
		if (clock !== null) return clock;
	}
	return new TestCoroutineScheduler();
}

/**
 * A test dispatcher that queues every task on its scheduler: nothing runs until the scheduler is
 * driven (`runTest` drives it; by hand, `runCurrent`/`advanceTimeBy`/`advanceUntilIdle`). Tasks
 * run in the order they were dispatched (or the seed's order). `runTest` uses one.
 *
 * Without a scheduler, inside `runTest` it shares the test's scheduler (and so its clock);
 * elsewhere it makes a new one.
 *
 * @example
 * yield* withContext(StandardTestDispatcher(this.testScheduler), function* () { yield* delay(10); });
 */
export function StandardTestDispatcher(
	scheduler?: TestCoroutineScheduler,
): TestDispatcher {
	return new StandardTestDispatcherImpl(
		schedulerOrCurrent(scheduler, "StandardTestDispatcher"),
	);
}

/**
 * A test dispatcher that runs coroutines in place, like `Dispatchers.Unconfined` (a `launch`
 * runs its body at once, up to its first suspension), on a scheduler's virtual clock: its
 * `delay`s wait for virtual time to pass.
 *
 * @example
 * let started = false;
 * const job = this.launch(UnconfinedTestDispatcher(this.testScheduler), function* () {
 *   started = true; // already true when launch returns
 *   yield* delay(10);
 * });
 */
export function UnconfinedTestDispatcher(
	scheduler?: TestCoroutineScheduler,
): TestDispatcher {
	return new UnconfinedTestDispatcherImpl(
		schedulerOrCurrent(scheduler, "UnconfinedTestDispatcher"),
	);
}

/** The scheduler behind `dispatcher`'s clock, if it is a test one. */
export function testSchedulerOf(
	dispatcher: CoroutineDispatcher,
): TestCoroutineScheduler | null {
	const clock = (dispatcher as { delayProvider?: unknown }).delayProvider;
	return clock instanceof TestCoroutineScheduler ? clock : null;
}
