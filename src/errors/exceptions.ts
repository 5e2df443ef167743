/**
 * The exception types of kocoro, named as in kotlinx.coroutines. Each is an `Error` subclass whose
 * `name` is its class name, so `String(e)` prints `Name: message` like the Kotlin guide's outputs.
 */

/**
 * Thrown into a cancelled coroutine at its suspension points. A coroutine that ends with it is
 * cancelled, not failed: it never cancels its parent and never reaches an exception handler.
 *
 * DO NOT swallow it in a `catch` that then suspends again: the next suspension point throws it again.
 * Rethrow it, or check `e instanceof CancellationException` first.
 *
 * @example
 * try {
 *   yield* work();
 * } catch (e) {
 *   if (e instanceof CancellationException) throw e; // let cancellation through
 *   console.error("work failed:", e);
 * }
 */
export class CancellationException extends Error {
	constructor(message?: string, options?: { cause?: unknown }) {
		super(message, options);
	}
}
setName(CancellationException);

/**
 * The cancellation exception of a job: what `job.cancel()` uses when no cause is given, and what a
 * child sees when its parent failed. `job` is the job that was cancelled.
 *
 * @example
 * const job = scope.launch(function* () { yield* awaitCancellation(); });
 * job.cancel();
 * const e = job.getCancellationException();
 * e instanceof JobCancellationException && e.job === job; // true
 */
export class JobCancellationException extends CancellationException {
	readonly job: object | null;
	constructor(message: string, cause: Error | null, job: object | null) {
		super(message, cause === null ? undefined : { cause });
		this.job = job;
	}
}
setName(JobCancellationException);

/**
 * Thrown by `withTimeout` when its time is up. It is a {@link CancellationException}: uncaught, it
 * leaves the calling coroutine cancelled rather than failed.
 *
 * @example
 * try {
 *   yield* withTimeout(1_000, function* () { yield* work(); });
 * } catch (e) {
 *   if (!(e instanceof TimeoutCancellationException)) throw e;
 *   console.log("gave up after a second");
 * }
 */
export class TimeoutCancellationException extends CancellationException {}
setName(TimeoutCancellationException);

/**
 * Wraps an exception thrown by a completion handler; the other handlers still run.
 *
 * @example
 * const job = Job();
 * job.invokeOnCompletion(() => { throw new Error("oops"); });
 * try {
 *   job.complete();
 * } catch (e) {
 *   if (e instanceof CompletionHandlerException) console.log(e.cause); // Error: oops
 * }
 */
export class CompletionHandlerException extends Error {
	constructor(message: string, cause: unknown) {
		super(message, { cause });
	}
}
setName(CompletionHandlerException);

/**
 * A call made in a state that does not allow it (resuming twice, completing twice, ...).
 *
 * @example
 * const d = scope.async(function* () { return yield* loadA(); });
 * try {
 *   d.getCompleted();
 * } catch (e) {
 *   if (e instanceof IllegalStateException) console.log("not completed yet");
 * }
 */
export class IllegalStateException extends Error {}
setName(IllegalStateException);

/**
 * Kotlin's `NoSuchElementException`: there is no element to give (an empty or closed source).
 *
 * @example
 * try {
 *   yield* emptyFlow<number>().first();
 * } catch (e) {
 *   if (e instanceof NoSuchElementException) console.log(e.message); // Expected at least one element
 * }
 */
export class NoSuchElementException extends Error {}
setName(NoSuchElementException);

/**
 * Kotlin's `IllegalArgumentException`, for argument errors Kotlin reports with it outside a
 * `require` (`require` failures are `RangeError`/`TypeError` here).
 *
 * @example
 * try {
 *   yield* flowOf(1, 2).single();
 * } catch (e) {
 *   if (e instanceof IllegalArgumentException) console.log(e.message); // Flow has more than one element
 * }
 */
export class IllegalArgumentException extends Error {}
setName(IllegalArgumentException);

function setName(type: { prototype: Error; name: string }): void {
	Object.defineProperty(type.prototype, "name", {
		value: type.name,
		writable: true,
		configurable: true,
		enumerable: false,
	});
}

export function isCancellation(e: unknown): e is CancellationException {
	return e instanceof CancellationException;
}

/** Turns anything thrown into an Error, keeping a non-Error value as `cause`. */
export function toError(e: unknown): Error {
	if (e instanceof Error) return e;
	return new Error(`Non-Error value thrown: ${describe(e)}`, { cause: e });
}

function describe(v: unknown): string {
	try {
		return typeof v === "string" ? JSON.stringify(v) : String(v);
	} catch {
		return Object.prototype.toString.call(v);
	}
}

/**
 * Kotlin's `addSuppressed`: appends `other` to `target.suppressed` (a non-enumerable array created
 * on first use). An exception already there, or the target itself, is not added twice.
 * Never throws: it runs inside job transitions. A target that cannot take the array (frozen, or
 * whose own `suppressed` is not an array, as `SuppressedError`'s) is left as it is.
 */
export function addSuppressed(target: Error, other: Error): void {
	if (other === target) return;
	const holder = target as Error & { suppressed?: Error[] };
	let list: unknown = holder.suppressed;
	if (list === undefined) {
		if (!Object.isExtensible(target)) return;
		list = [];
		Object.defineProperty(target, "suppressed", {
			value: list,
			writable: true,
			configurable: true,
			enumerable: false,
		});
	}
	if (!Array.isArray(list) || Object.isFrozen(list)) return;
	if (!list.includes(other)) list.push(other);
}

/**
 * Creates a cancellation exception without capturing a stack trace: cancellation is control flow,
 * and a tree of 100,000 coroutines must not pay for 100,000 stacks (Kotlin does the same outside
 * debug mode).
 */
export function newJobCancellation(
	message: string,
	cause: Error | null,
	job: object | null,
): JobCancellationException {
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	try {
		return new JobCancellationException(message, cause, job);
	} finally {
		Error.stackTraceLimit = limit;
	}
}

/**
 * The `CancellationException(message)` of Kotlin's `job.cancel(message)`, stackless like
 * {@link newJobCancellation}.
 */
export function newCancellation(message: string): CancellationException {
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	try {
		return new CancellationException(message);
	} finally {
		Error.stackTraceLimit = limit;
	}
}
