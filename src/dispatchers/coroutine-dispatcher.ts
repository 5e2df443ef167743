import {
	AbstractCoroutineContextElement,
	type CoroutineContext,
	CoroutineContextKey,
} from "../context/coroutine-context.js";
import type { Task } from "./task.js";

/**
 * Decides where and when coroutine steps run. `dispatch` must run `block` later, exactly once;
 * it must not run it in place (return `false` from `isDispatchNeeded` for that).
 *
 * @example
 * class LoggingDispatcher extends CoroutineDispatcher {
 *   dispatch(ctx: CoroutineContext, block: () => void) {
 *     console.log(`dispatch ${ctx.get(CoroutineName.Key)?.name ?? "coroutine"}`);
 *     setImmediate(block);
 *   }
 * }
 */
export abstract class CoroutineDispatcher extends AbstractCoroutineContextElement {
	static readonly Key = new CoroutineContextKey<CoroutineDispatcher>(
		"CoroutineDispatcher",
	);

	constructor() {
		super(CoroutineDispatcher.Key);
	}

	/** Runs `block` soon (not in the caller's frame). */
	abstract dispatch(context: CoroutineContext, block: () => void): void;

	/** Whether resuming must go through `dispatch`; `false` runs the coroutine in place. */
	isDispatchNeeded(_context: CoroutineContext): boolean {
		return true;
	}

	/**
	 * A view of this dispatcher on which at most `parallelism` coroutines run at a time: a
	 * coroutine (or `withContext` block) started on the view waits, in order, until fewer than
	 * `parallelism` others of the view are unfinished. `limitedParallelism(1, "db")` stands in
	 * for Kotlin's `newSingleThreadContext("db")`.
	 */
	limitedParallelism(parallelism: number, name?: string): CoroutineDispatcher {
		return new LimitedDispatcher(this, parallelism, name);
	}

	/** @internal Dispatches a task without allocating a closure where the dispatcher allows. */
	dispatchTask(context: CoroutineContext, task: Task): void {
		this.dispatch(context, () => task.run());
	}

	/**
	 * @internal The first dispatch of a coroutine body on this dispatcher. A dispatcher that admits
	 * bodies (limitedParallelism, see `admitsBodies`) is told that one ended by `bodyFinished`.
	 */
	dispatchStart(context: CoroutineContext, task: Task): void {
		this.dispatchTask(context, task);
	}

	/**
	 * @internal `yieldNow()` of `task`: true when the dispatcher lets it continue in place
	 * because going to the tail of its queue would change nothing (nothing else is queued).
	 */
	yieldInPlace(_task: Task): boolean {
		return false;
	}

	/** @internal A body started through `dispatchStart` has finished. */
	bodyFinished(): void {}

	/** @internal Whether bodies started here must report `bodyFinished`. */
	get admitsBodies(): boolean {
		return false;
	}

	override toString(): string {
		return this.constructor.name;
	}
}

/**
 * `dispatcher.limitedParallelism(n)`: at most `n` coroutine bodies of this view are unfinished at
 * a time; a body started beyond that waits, in start order, for one of them to finish. Steps of
 * admitted bodies go straight to the underlying dispatcher. Clocks (virtual time) are inherited.
 *
 * @internal
 */
export class LimitedDispatcher extends CoroutineDispatcher {
	private running = 0;
	private readonly waiting: { context: CoroutineContext; task: Task }[] = [];
	readonly delayProvider: unknown;

	constructor(
		private readonly base: CoroutineDispatcher,
		private readonly parallelism: number,
		private readonly name: string | undefined,
	) {
		super();
		if (!Number.isInteger(parallelism) || parallelism < 1) {
			throw new RangeError(
				`limitedParallelism(parallelism): expected an integer >= 1, got ${String(parallelism)}`,
			);
		}
		this.delayProvider = (base as { delayProvider?: unknown }).delayProvider;
	}

	dispatch(context: CoroutineContext, block: () => void): void {
		this.base.dispatch(context, block);
	}
	override dispatchTask(context: CoroutineContext, task: Task): void {
		this.base.dispatchTask(context, task);
	}
	override isDispatchNeeded(context: CoroutineContext): boolean {
		return this.base.isDispatchNeeded(context);
	}
	override get admitsBodies(): boolean {
		return true;
	}
	override dispatchStart(context: CoroutineContext, task: Task): void {
		if (this.running < this.parallelism) {
			this.running++;
			this.base.dispatchStart(context, task);
		} else {
			this.waiting.push({ context, task });
		}
	}
	override bodyFinished(): void {
		if (this.base.admitsBodies) this.base.bodyFinished();
		const next = this.waiting.shift();
		if (next === undefined) this.running--;
		else this.base.dispatchStart(next.context, next.task);
	}
	override toString(): string {
		return (
			this.name ??
			`${String(this.base)}.limitedParallelism(${this.parallelism})`
		);
	}
}
