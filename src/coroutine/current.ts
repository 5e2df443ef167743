import type { CoroutineContext } from "../context/coroutine-context.js";
import { IllegalStateException } from "../errors/exceptions.js";
import {
	type AbstractCoroutine,
	currentCoroutine,
} from "./abstract-coroutine.js";

function requireCurrent(
	what: string,
	instead: string,
): AbstractCoroutine<unknown> {
	const co = currentCoroutine();
	if (co === null) {
		throw new IllegalStateException(
			`${what} was called outside a coroutine step: call it inside a coroutine body (a generator run by launch/async/runCoroutine), or use ${instead} on a scope or job you hold`,
		);
	}
	return co;
}

/**
 * Whether the running coroutine is still active: false once it is cancelled. For CPU-bound
 * loops that do not suspend: `while (isActive()) { ... }`.
 *
 * @example
 * scope.launch(function* () {
 *   while (isActive()) {
 *     render(Date.now());
 *     yield* delay(1_000);
 *   }
 * });
 */
export function isActive(): boolean {
	return requireCurrent("isActive()", "scope.isActive / job.isActive").isActive;
}

/**
 * Throws the running coroutine's CancellationException if it is no longer active (C7).
 *
 * @example
 * for (const item of items) {
 *   ensureActive(); // throws here once the coroutine is cancelled
 *   render(item);
 * }
 */
export function ensureActive(): void {
	requireCurrent(
		"ensureActive()",
		"scope.ensureActive() / job.ensureActive()",
	).ensureActive();
}

/**
 * The context of the running coroutine: `currentCoroutineContext().get(CoroutineName.Key)`.
 *
 * @example
 * function log(message: string): void {
 *   const name = currentCoroutineContext().get(CoroutineName.Key)?.name ?? "coroutine";
 *   console.log(`[${name}] ${message}`);
 * }
 */
export function currentCoroutineContext(): CoroutineContext {
	return requireCurrent("currentCoroutineContext()", "scope.coroutineContext")
		.context;
}
