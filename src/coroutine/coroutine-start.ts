/**
 * How a builder starts its coroutine (Kotlin's `CoroutineStart`).
 * - `DEFAULT`: dispatch the body; cancelled before it runs, it never runs.
 * - `LAZY`: stay New until `start()`, `join()` or `await()`.
 * - `ATOMIC`: dispatch the body; it starts even if cancelled meanwhile (its first suspension throws).
 * - `UNDISPATCHED`: run the body now, in the caller's frame, until its first suspension.
 *
 * @example
 * const job = scope.launch(EmptyCoroutineContext, CoroutineStart.LAZY, function* () {
 *   yield* work();
 * });
 * job.start(); // the body is dispatched only now (join() would start it too)
 */
export enum CoroutineStart {
	DEFAULT = "DEFAULT",
	LAZY = "LAZY",
	ATOMIC = "ATOMIC",
	UNDISPATCHED = "UNDISPATCHED",
}
