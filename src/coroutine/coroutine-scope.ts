import type { CoroutineContext } from "../context/coroutine-context.js";
import type { CancellationException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import type { Deferred, Job } from "../job/job.js";
import type { CoroutineStart } from "./coroutine-start.js";

/**
 * The body of a coroutine: a generator function. Its scope is both `this` and the first argument,
 * so children can be launched with `this.launch(...)` or `scope.launch(...)`.
 */
export type Block<T> = (
	this: CoroutineScope,
	scope: CoroutineScope,
) => Suspend<T>;

/**
 * Where coroutines are launched: a context whose job becomes the parent of every coroutine
 * launched in it.
 *
 * @example
 * const scope = CoroutineScope(Dispatchers.Default);
 * scope.launch(function* () { yield* delay(100); console.log("done"); });
 * scope.cancel(); // cancels everything launched in it
 */
export interface CoroutineScope {
	readonly coroutineContext: CoroutineContext;
	/** The scope's job is active (true when the scope has no job). */
	readonly isActive: boolean;
	ensureActive(): void;
	/** Cancels the scope's job and so every coroutine in it. */
	cancel(cause?: CancellationException | string): void;
	/** Starts a coroutine that returns nothing; its failure cancels the scope (not under a supervisor). */
	launch(block: Block<void>): Job;
	launch(context: CoroutineContext, block: Block<void>): Job;
	launch(
		context: CoroutineContext,
		start: CoroutineStart,
		block: Block<void>,
	): Job;
	/** Starts a coroutine with a result; `await()` gives the value or rethrows the failure. */
	async<T>(block: Block<T>): Deferred<T>;
	async<T>(context: CoroutineContext, block: Block<T>): Deferred<T>;
	async<T>(
		context: CoroutineContext,
		start: CoroutineStart,
		block: Block<T>,
	): Deferred<T>;
	/** Kotlin/JS `CoroutineScope.promise`: `async(block).asPromise()`. */
	promise<T>(block: Block<T>): Promise<T>;
	promise<T>(context: CoroutineContext, block: Block<T>): Promise<T>;
}
