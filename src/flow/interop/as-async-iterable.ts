/**
 * `flow.asAsyncIterable()`: a flow consumed by `for await` in plain async code.
 *
 * The flow is collected in a new root coroutine (a child of the context's Job when it has one),
 * started by the first `next()`. It is a rendezvous: each `emit` hands its value to the waiting
 * `next()` and suspends until the following `next()`, so a consumer that stops calling `next()`
 * holds the upstream suspended and nothing is buffered. `return()` (a `break`) cancels the
 * coroutine and resolves once it completed, its `finally` blocks run. A failure rejects `next()`.
 */
import type { CoroutineContext } from "../../context/coroutine-context.js";
import { isCancellation } from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	type CancellableContinuation,
	suspendCancellableCoroutineOn,
} from "../../intrinsics/suspend-cancellable-coroutine.js";
import type { Deferred } from "../../job/job.js";
import { GlobalScope } from "../../scope/context-scope.js";
import { AbstractCollector, collectTo, type FlowSource } from "../collector.js";

type Gen<R = void> = Generator<never, R, unknown>;

interface Waiter<T> {
	resolve(r: IteratorResult<T, undefined>): void;
	reject(e: unknown): void;
}

const DONE_RESULT: IteratorReturnResult<undefined> = {
	done: true,
	value: undefined,
};

class FlowAsyncIterator<T>
	extends AbstractCollector<T>
	implements AsyncIterator<T, undefined>
{
	private job: Deferred<void> | null = null;
	private waiter: Waiter<T> | null = null;
	private demand: CancellableContinuation<void> | null = null;
	private closed = false;
	private failure: unknown = null;
	private last: Promise<unknown> = Promise.resolve();

	constructor(
		private readonly source: FlowSource<T>,
		private readonly context: CoroutineContext,
	) {
		super();
	}

	next(): Promise<IteratorResult<T, undefined>> {
		// Calls that overlap are served one after another.
		const p = this.last.then(() => this.nextNow());
		this.last = p.catch(() => {});
		return p;
	}

	private nextNow(): Promise<IteratorResult<T, undefined>> {
		if (this.closed) {
			if (this.failure !== null) {
				const e = this.failure;
				this.failure = null;
				return Promise.reject(e);
			}
			return Promise.resolve(DONE_RESULT);
		}
		return new Promise((resolve, reject) => {
			this.waiter = { resolve, reject };
			if (this.job === null) this.start();
			else {
				const d = this.demand;
				this.demand = null;
				d?.resume();
			}
		});
	}

	async return(): Promise<IteratorResult<T, undefined>> {
		const job = this.job;
		this.closed = true;
		this.failure = null;
		if (job !== null && !job.isCompleted) {
			job.cancel();
			await new Promise<void>((resolve) => {
				job.invokeOnCompletion(() => resolve());
			});
		}
		return DONE_RESULT;
	}

	emit(value: T): Suspend<void> {
		const w = this.waiter;
		this.waiter = null;
		w?.resolve({ done: false, value });
		return suspendCancellableCoroutineOn<void>(
			"Flow.asAsyncIterable (waiting for the next next() call)",
			(cont) => {
				this.demand = cont;
			},
		);
	}

	private start(): void {
		const self = this;
		const job = GlobalScope.async(this.context, function* (): Gen {
			yield* self.source[collectTo](self) as Gen;
		});
		this.job = job;
		job.invokeOnCompletion((cause) => {
			this.closed = true;
			const w = this.waiter;
			this.waiter = null;
			if (cause === null || isCancellation(cause)) w?.resolve(DONE_RESULT);
			else if (w !== null) w.reject(cause);
			else this.failure = cause;
		});
	}
}

export function asAsyncIterable<T>(
	source: FlowSource<T>,
	context: CoroutineContext,
): AsyncIterable<T> {
	return {
		[Symbol.asyncIterator]: () => new FlowAsyncIterator(source, context),
	};
}
