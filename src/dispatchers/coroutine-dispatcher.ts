import {
	AbstractCoroutineContextElement,
	type CoroutineContext,
	CoroutineContextKey,
} from "../context/coroutine-context.js";
import type { Task } from "./task.js";

/**
 * The runtime's hooks on a dispatcher, keyed by symbols that are not exported from the package:
 * a user subclass cannot override them by accident by defining a method of the same name.
 */
export const DISPATCH_TASK: unique symbol = Symbol("kocoro.dispatchTask");
export const YIELD_IN_PLACE: unique symbol = Symbol("kocoro.yieldInPlace");

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
	 * A view of this dispatcher that runs at most `parallelism` of its tasks at a time, in its own
	 * FIFO order (Kotlin's `limitedParallelism`). It bounds tasks, not coroutines: a coroutine of
	 * the view that suspends holds no slot, so `withContext(db) { launch(...).join() }` never
	 * deadlocks. On one thread every view runs one task at a time; `limitedParallelism(1, "db")`
	 * stands in for Kotlin's `newSingleThreadContext("db")`. To bound how many whole blocks run
	 * at once (a connection pool), use a `Semaphore` and `withPermit`, not a dispatcher.
	 */
	limitedParallelism(parallelism: number, name?: string): CoroutineDispatcher {
		return new LimitedDispatcher(this, parallelism, name);
	}

	/** @internal Dispatches a task without allocating a closure where the dispatcher allows. */
	[DISPATCH_TASK](context: CoroutineContext, task: Task): void {
		this.dispatch(context, () => task.run());
	}

	/**
	 * @internal `yieldNow()` of `task`: true when the dispatcher lets it continue in place
	 * because going to the tail of its queue would change nothing (nothing else is queued).
	 */
	[YIELD_IN_PLACE](_task: Task): boolean {
		return false;
	}

	override toString(): string {
		return this.constructor.name;
	}
}

/**
 * `dispatcher.limitedParallelism(n)` (Kotlin's `LimitedDispatcher`): the view's tasks wait in
 * its own FIFO queue; up to `n` workers, each a task of the underlying dispatcher, take them one
 * at a time (a worker runs one task per turn and goes back to the tail of the underlying queue,
 * so the view shares it fairly). A suspended coroutine has no task queued: it takes no slot.
 * Clocks (virtual time) are inherited.
 */
export class LimitedDispatcher extends CoroutineDispatcher implements Task {
	private workers = 0;
	/** Context, task, context, task, ... from `head` on (the contexts go to the base). */
	private queue: unknown[] = [];
	private head = 0;
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
		this[DISPATCH_TASK](context, { run: block });
	}
	override [DISPATCH_TASK](context: CoroutineContext, task: Task): void {
		this.queue.push(context, task);
		if (this.workers < this.parallelism) {
			this.workers++;
			this.base[DISPATCH_TASK](context, this);
		}
	}
	override isDispatchNeeded(context: CoroutineContext): boolean {
		return this.base.isDispatchNeeded(context);
	}

	/** A worker's turn: the oldest task of the view, then back to the base's queue if more wait. */
	run(): void {
		const q = this.queue;
		if (this.head >= q.length) {
			// Another worker took the tasks this one was dispatched for.
			this.retireWorker();
			return;
		}
		const task = q[this.head + 1] as Task;
		q[this.head] = undefined;
		q[this.head + 1] = undefined;
		this.head += 2;
		try {
			task.run();
		} finally {
			if (this.head >= 2048 && 2 * this.head >= q.length) {
				// A view that never runs dry: drop the consumed half.
				this.queue = q.slice(this.head);
				this.head = 0;
			}
			if (this.head < this.queue.length) {
				this.base[DISPATCH_TASK](
					this.queue[this.head] as CoroutineContext,
					this,
				);
			} else this.retireWorker();
		}
	}

	private retireWorker(): void {
		this.workers--;
		if (this.workers === 0 && this.head >= this.queue.length) {
			this.queue = [];
			this.head = 0;
		}
	}

	override toString(): string {
		return (
			this.name ??
			`${String(this.base)}.limitedParallelism(${this.parallelism})`
		);
	}
}
