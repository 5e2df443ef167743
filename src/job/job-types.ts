import type { CoroutineContextElement } from "../context/coroutine-context.js";
import type { CancellationException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import type { DisposableHandle } from "./disposable-handle.js";

// The job interfaces, below every job implementation: `job.ts` re-exports them beside the
// `Job()` factory, which needs the implementations.

/**
 * A cancellable piece of work with a life cycle, and a node of the job tree.
 *
 * | state      | isActive | isCompleted | isCancelled |
 * |------------|----------|-------------|-------------|
 * | New        | false    | false       | false       |
 * | Active     | true     | false       | false       |
 * | Completing | true     | false       | false       |
 * | Cancelling | false    | false       | true        |
 * | Cancelled  | false    | true        | true        |
 * | Completed  | false    | true        | false       |
 *
 * A job completes only after all its children. Cancellation flows down to every descendant; a
 * child's failure (anything but a CancellationException) cancels its parent and so its siblings;
 * a failed job is also `isCancelled`.
 *
 * @example
 * const job = scope.launch(function* () { yield* delay(1000); });
 * job.cancel();
 * yield* job.join();   // returns after the coroutine's finally blocks ran
 */
export interface Job extends CoroutineContextElement {
	readonly isActive: boolean;
	readonly isCompleted: boolean;
	readonly isCancelled: boolean;
	readonly parent: Job | null;
	/** Unfinished children, in the order they were attached. */
	readonly children: Iterable<Job>;
	/** Starts a New (lazy) job; true only for the call that started it. */
	start(): boolean;
	/** Cancels this job and its descendants; never fails the parent. No-op once complete. */
	cancel(cause?: CancellationException | string): void;
	/** Cancels the children and leaves this job itself active (Kotlin's `cancelChildren`). */
	cancelChildren(cause?: CancellationException | string): void;
	/** Waits for completion; throws only if the *caller* is cancelled. Starts a lazy job. */
	join(): Suspend<void>;
	cancelAndJoin(): Suspend<void>;
	/** Throws the cancellation exception unless active. */
	ensureActive(): void;
	getCancellationException(): CancellationException;
	/**
	 * Runs `handler` once when the job completes (null: normally; else the CancellationException
	 * or failure), or when it starts cancelling with `{ onCancelling: true }`. Handlers run in
	 * registration order and must be fast and must not throw (a throw becomes a
	 * CompletionHandlerException; the other handlers still run).
	 */
	invokeOnCompletion(
		handler: (cause: Error | null) => void,
		options?: { onCancelling?: boolean },
	): DisposableHandle;
	/** An AbortSignal aborted, with the CancellationException as reason, when this job is cancelled. */
	asAbortSignal(): AbortSignal;
}

/**
 * A job completed by hand: `Job()`, `SupervisorJob()`.
 *
 * @example
 * const parent: CompletableJob = Job();
 * scope.launch(parent, function* () { yield* work(); });
 * parent.complete(); // completes once the child is done
 * yield* parent.join();
 */
export interface CompletableJob extends Job {
	/** Completes (waiting for children); false if already completing or complete. */
	complete(): boolean;
	/** Fails with `exception`; false if already completing or complete. */
	completeExceptionally(exception: Error): boolean;
}

/**
 * A job with a result: `async`'s handle.
 *
 * @example
 * const user: Deferred<User> = scope.async(function* () { return yield* loadUser(id); });
 * render((yield* user.await()).name);
 */
export interface Deferred<T> extends Job {
	/** The value; or rethrows the failure (or CancellationException) of this deferred. */
	await(): Suspend<T>;
	/** The value of a completed deferred; throws if not complete, rethrows its failure. */
	getCompleted(): T;
	getCompletionExceptionOrNull(): Error | null;
	/** A Promise settled with this deferred's outcome. */
	asPromise(): Promise<T>;
}
