import { ensureActive } from "../coroutine/current.js";
import { CancellationException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import {
	type CancellableContinuation,
	suspendCancellableCoroutineOn,
} from "../intrinsics/suspend-cancellable-coroutine.js";
import { PromiseWaiter, waitOn } from "./promise-waiters.js";

/**
 * What a promise's `then` callbacks hold: the continuation while the coroutine waits, null once
 * it was resumed or cancelled. A promise may stay pending for the life of the process (a request
 * that never answers, a shared "ready" promise); the box keeps it from holding the cancelled
 * coroutine, its context and its whole job tree reachable.
 */
interface ContinuationBox<T> {
	cont: CancellableContinuation<T> | null;
}

/**
 * Suspends until `promise` settles and returns its value, or throws its rejection. The
 * coroutine-friendly `await`: Kotlin/JS's `Promise.await()`.
 *
 * Cancellation is prompt: a cancelled coroutine stops waiting at once (the promise itself goes
 * on; JavaScript cannot cancel it) and leaves nothing behind on the promise: however many
 * coroutines wait on one promise, it holds one reaction, and a cancelled waiter is unlinked. To cancel the operation too, pass a function: it gets a fresh
 * `AbortSignal`, aborted with the `CancellationException` as reason when the coroutine is
 * cancelled. The function is not called at all when the coroutine is already cancelled.
 *
 * A rejection with an `Error` is rethrown as is; any other reason is wrapped in an `Error` whose
 * `cause` is the original reason.
 *
 * DO NOT `yield` a promise: `yield p` fails with a `TypeError`; write `yield* awaitPromise(p)`.
 *
 * @example
 * function* loadUser(id: string): Suspend<User> {
 *   const res = yield* awaitPromise((signal) => fetch(`/users/${id}`, { signal }));
 *   return (yield* awaitPromise(res.json())) as User;
 * }
 */
export function awaitPromise<T>(
	promise: PromiseLike<T> | ((signal: AbortSignal) => PromiseLike<T>),
): Suspend<T> {
	if (typeof promise === "function") return awaitStarted(promise);
	if (!isThenable(promise)) {
		throw new TypeError(
			`awaitPromise(promise): expected a Promise, a thenable or a function (signal) => Promise, got ${describe(promise)}`,
		);
	}
	return suspendCancellableCoroutineOn<T>(
		"awaitPromise (a promise)",
		(cont) => {
			const waiter = new ContinuationWaiter<T>(cont);
			cont.invokeOnCancellation(() => waiter.remove());
			waitOn(promise, waiter);
		},
	);
}

/** A coroutine waiting on a promise it shares with others (one reaction per promise). */
class ContinuationWaiter<T> extends PromiseWaiter {
	constructor(private readonly cont: CancellableContinuation<T>) {
		super();
	}
	settle(failed: boolean, value: unknown): void {
		if (failed) this.cont.resumeWithException(toRejection(value));
		else this.cont.resume(value as T);
	}
}

function awaitStarted<T>(
	start: (signal: AbortSignal) => PromiseLike<T>,
): Suspend<T> {
	return suspendCancellableCoroutineOn<T>(
		"awaitPromise (a promise started with an AbortSignal)",
		(cont) => {
			// Already cancelled: throw at the suspension point without starting the operation.
			ensureActive();
			const controller = new AbortController();
			let promise: PromiseLike<T>;
			try {
				promise = start(controller.signal);
			} catch (e) {
				cont.resumeWithException(toRejection(e));
				return;
			}
			if (!isThenable(promise)) {
				cont.resumeWithException(
					new TypeError(
						`awaitPromise(start): start(signal) must return a Promise or a thenable, got ${describe(promise)}`,
					),
				);
				return;
			}
			const box: ContinuationBox<T> = { cont };
			cont.invokeOnCancellation((cause) => {
				box.cont = null;
				controller.abort(
					cause ?? new CancellationException("The coroutine was cancelled"),
				);
			});
			subscribe(promise, box);
		},
	);
}

/** Attaches callbacks that close over the box only, never over the continuation itself. */
function subscribe<T>(promise: PromiseLike<T>, box: ContinuationBox<T>): void {
	const onValue = (value: T): void => {
		const cont = box.cont;
		if (cont === null) return;
		box.cont = null;
		cont.resume(value);
	};
	const onReason = (reason: unknown): void => {
		const cont = box.cont;
		if (cont === null) return;
		box.cont = null;
		cont.resumeWithException(toRejection(reason));
	};
	try {
		promise.then(onValue, onReason);
	} catch (e) {
		// A thenable whose `then` throws: treat it as a rejection.
		onReason(e);
	}
}

/** The Error a rejection becomes: itself if it is an Error, else an Error with it as `cause`. */
export function toRejection(reason: unknown): Error {
	if (reason instanceof Error) return reason;
	return new Error(
		`Promise rejected with a non-Error reason: ${describe(reason)}`,
		{
			cause: reason,
		},
	);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
	return (
		value !== null &&
		(typeof value === "object" || typeof value === "function") &&
		typeof (value as PromiseLike<unknown>).then === "function"
	);
}

function describe(value: unknown): string {
	if (value === null) return "null";
	if (typeof value === "string") return JSON.stringify(value);
	if (typeof value === "object") {
		return Object.prototype.toString.call(value);
	}
	try {
		return `${typeof value} ${String(value)}`;
	} catch {
		return typeof value;
	}
}
