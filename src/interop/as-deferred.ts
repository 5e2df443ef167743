import { CompletableDeferred } from "../job/completable-deferred.js";
import type { Deferred } from "../job/job.js";
import { toRejection } from "./await-promise.js";
import { PromiseWaiter, waitOn } from "./promise-waiters.js";

/**
 * A {@link Deferred} completed with the outcome of `promise` (Kotlin/JS `Promise.asDeferred()`):
 * its value, or its rejection (a non-`Error` reason wrapped in an `Error` whose `cause` is the
 * reason). The deferred has no parent. Cancelling it completes it at once as cancelled; the
 * promise itself goes on and its outcome is then ignored.
 *
 * @example
 * const user = asDeferred(fetchUser(id));
 * scope.launch(function* () { show(yield* user.await()); });
 */
export function asDeferred<T>(promise: PromiseLike<T>): Deferred<T> {
	if (
		promise === null ||
		(typeof promise !== "object" && typeof promise !== "function") ||
		typeof (promise as PromiseLike<T>).then !== "function"
	) {
		throw new TypeError(
			`asDeferred(promise): expected a Promise or a thenable, got ${promise === null ? "null" : typeof promise}`,
		);
	}
	const deferred = CompletableDeferred<T>();
	const waiter = new DeferredWaiter<T>(deferred);
	waitOn(promise, waiter);
	// Cancelled before the promise settles: leave the promise's waiters (nothing stays behind).
	if (!deferred.isCompleted) deferred.invokeOnCompletion(() => waiter.remove());
	return deferred;
}

/** A deferred completed by a promise it shares with other waiters (one reaction per promise). */
class DeferredWaiter<T> extends PromiseWaiter {
	constructor(private readonly deferred: CompletableDeferred<T>) {
		super();
	}
	settle(failed: boolean, value: unknown): void {
		if (failed) this.deferred.completeExceptionally(toRejection(value));
		else this.deferred.complete(value as T);
	}
}
