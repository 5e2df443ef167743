import type { ReceiveChannel, SendChannel } from "../channels/channel-types.js";
import {
	type CoroutineContext,
	checkContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import {
	actorIn,
	asyncIn,
	launchIn,
	produceIn,
} from "../coroutine/coroutine.js";
import { Dispatchers } from "../dispatchers/dispatchers.js";
import type { CancellationException } from "../errors/exceptions.js";
import { IllegalStateException } from "../errors/exceptions.js";
import type { Deferred, Job as JobType } from "../job/job.js";
import { Job, SupervisorJob } from "../job/job.js";
import { JobKey } from "../job/job-key.js";
import type { CoroutineScope as Scope } from "./coroutine-scope.js";

/** Where coroutines are launched (see the interface in coroutine-scope.ts). */
export interface CoroutineScope extends Scope {}

/** A scope made from a context (Kotlin's ContextScope). */
class ContextScope implements CoroutineScope {
	constructor(
		readonly coroutineContext: CoroutineContext,
		private readonly label: string,
	) {}
	get isActive(): boolean {
		return this.coroutineContext.get(JobKey)?.isActive ?? true;
	}
	ensureActive(): void {
		this.coroutineContext.get(JobKey)?.ensureActive();
	}
	cancel(cause?: CancellationException | string): void {
		const job = this.coroutineContext.get(JobKey);
		if (job === undefined) {
			throw new IllegalStateException(
				`Scope cannot be cancelled because it does not have a job: ${this}`,
			);
		}
		job.cancel(cause);
	}
	launch(...args: unknown[]): JobType {
		return launchIn(this.coroutineContext, args, "launch");
	}
	async<T>(...args: unknown[]): Deferred<T> {
		return asyncIn<T>(this.coroutineContext, args, "async");
	}
	promise<T>(...args: unknown[]): Promise<T> {
		return asyncIn<T>(this.coroutineContext, args, "promise").asPromise();
	}
	produce<E>(...args: unknown[]): ReceiveChannel<E> {
		return produceIn<E>(this.coroutineContext, args);
	}
	actor<E>(...args: unknown[]): SendChannel<E> {
		return actorIn<E>(this.coroutineContext, args);
	}
	toString(): string {
		return `${this.label}(coroutineContext=${String(this.coroutineContext)})`;
	}
}

/**
 * A scope for `context`, with a new `Job()` added when the context has none, so that
 * `scope.cancel()` cancels everything launched in it.
 *
 * @example
 * const scope = CoroutineScope(CoroutineName("worker").plus(Dispatchers.Default));
 * scope.launch(function* () { yield* work(); });
 * scope.cancel(); // on shutdown: cancels everything launched in it
 */
export function CoroutineScope(context: CoroutineContext): CoroutineScope {
	const ctx = checkContext(context, "CoroutineScope(context)");
	return new ContextScope(
		ctx.get(JobKey) === undefined ? ctx.plus(Job()) : ctx,
		"CoroutineScope",
	);
}

/**
 * A scope for UI-style code: `SupervisorJob() + Dispatchers.Main`.
 *
 * @example
 * const ui = MainScope();
 * ui.launch(function* () { render(yield* loadData()); });
 * ui.cancel(); // when the view goes away
 */
export function MainScope(): CoroutineScope {
	return new ContextScope(SupervisorJob().plus(Dispatchers.Main), "MainScope");
}

/**
 * A scope with no job: coroutines launched in it are roots that nothing cancels or awaits.
 * Delicate, as in Kotlin: prefer a scope you can cancel.
 *
 * @example
 * GlobalScope.launch(function* () { yield* flushLogs(); }); // nothing cancels it or waits for it
 */
export const GlobalScope: CoroutineScope = new ContextScope(
	EmptyCoroutineContext,
	"GlobalScope",
);
