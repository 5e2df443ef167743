import { ScopeDelegate } from "../coroutine/scope-delegate.js";
import type { CancellationException } from "../errors/exceptions.js";
import type { CoroutineScope } from "../scope/context-scope.js";
import type { TestCoroutineScheduler } from "./test-coroutine-scheduler.js";

/**
 * The scope of a `runTest` body: the body's own coroutine scope, plus the test's scheduler and a
 * `backgroundScope` for coroutines allowed to outlive the body (cancelled when it ends).
 *
 * @example
 * it("ticks in virtual time", () =>
 *   runTest(function* (scope: TestScope) {
 *     scope.backgroundScope.launch(function* () { while (true) yield* delay(1_000); });
 *     yield* delay(5_000);
 *     expect(scope.testScheduler.currentTime).toBe(5_000);
 *   }));
 */
export interface TestScope extends CoroutineScope {
	/** The virtual clock and task queue of this test. */
	readonly testScheduler: TestCoroutineScheduler;
	/**
	 * A scope for work that runs alongside the test and may never finish (servers, tickers): it
	 * is cancelled when the body ends, `advanceUntilIdle()` does not wait for it, and its failures
	 * still fail the test.
	 */
	readonly backgroundScope: CoroutineScope;
}

/** @internal A TestScope around the body coroutine's scope. */
export class TestScopeImpl extends ScopeDelegate implements TestScope {
	constructor(
		scope: CoroutineScope,
		readonly testScheduler: TestCoroutineScheduler,
		readonly backgroundScope: CoroutineScope,
	) {
		super(scope);
	}
	cancel(cause?: CancellationException | string): void {
		this.scope.cancel(cause);
	}
	override toString(): string {
		return `TestScope[${String(this.scope)}]`;
	}
}
