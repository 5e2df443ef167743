import { checkBlock } from "../coroutine/coroutine.js";
import { CancellationException } from "../errors/exceptions.js";
import { type Suspend, suspendOf } from "../intrinsics/instruction.js";
import { Job } from "../job/job.js";
import type { Block, CoroutineScope } from "../scope/coroutine-scope.js";
import { coroutineScope } from "../scope/scoping-functions.js";

/**
 * Runs `block` in a new scope (as `coroutineScope` does) that is cancelled when `signal` aborts:
 * the block and its children get a `CancellationException` whose `cause` is `signal.reason`, and
 * that exception is rethrown to the caller (like `withTimeout`'s `TimeoutCancellationException`).
 *
 * An already-aborted signal throws at once without running the block. The abort listener is
 * removed as soon as the scope completes, so a long-lived signal does not accumulate listeners
 * nor keep finished scopes reachable.
 *
 * @example
 * // In a request handler: stop the work when the client goes away.
 * const page = yield* withAbortSignal(req.signal, function* () {
 *   return yield* renderPage(url);
 * });
 */
export function withAbortSignal<T>(
	signal: AbortSignal,
	block: Block<T>,
): Suspend<T> {
	if (!(signal instanceof AbortSignal)) {
		throw new TypeError(
			`withAbortSignal(signal, block): signal must be an AbortSignal, got ${signal === null ? "null" : typeof signal}`,
		);
	}
	const body = checkBlock<T>(block, "withAbortSignal(signal, block)");
	return suspendOf(() => runWithAbortSignal(signal, body)[Symbol.iterator]());
}

function* runWithAbortSignal<T>(
	signal: AbortSignal,
	block: Block<T>,
): Suspend<T> {
	if (signal.aborted) throw abortedBy(signal);
	return yield* coroutineScope<T>(function* (scope) {
		listen(signal, scope);
		return yield* block.call(scope, scope);
	});
}

/** Cancels `scope` on abort; the listener goes away when the scope's job completes. */
function listen(signal: AbortSignal, scope: CoroutineScope): void {
	const job = scope.coroutineContext.get(Job.Key);
	if (job === undefined) {
		throw new Error("withAbortSignal: the scope has no Job");
	}
	const onAbort = (): void => {
		job.cancel(abortedBy(signal));
	};
	signal.addEventListener("abort", onAbort, { once: true });
	job.invokeOnCompletion(() => {
		signal.removeEventListener("abort", onAbort);
	});
}

function abortedBy(signal: AbortSignal): CancellationException {
	const reason: unknown = signal.reason;
	return new CancellationException(
		`The AbortSignal was aborted: ${describeReason(reason)}`,
		{ cause: reason },
	);
}

function describeReason(reason: unknown): string {
	try {
		return String(reason);
	} catch {
		return Object.prototype.toString.call(reason);
	}
}
