import type { ReceiveChannel, SendChannel } from "../channels/channel-types.js";
import type { CoroutineContext } from "../context/coroutine-context.js";
import type { CancellationException } from "../errors/exceptions.js";
import type { Deferred, Job } from "../job/job.js";
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

/** A TestScope around the body coroutine's scope. */
export class TestScopeImpl implements TestScope {
	constructor(
		private readonly scope: CoroutineScope,
		readonly testScheduler: TestCoroutineScheduler,
		readonly backgroundScope: CoroutineScope,
	) {}
	get coroutineContext(): CoroutineContext {
		return this.scope.coroutineContext;
	}
	get isActive(): boolean {
		return this.scope.isActive;
	}
	ensureActive(): void {
		this.scope.ensureActive();
	}
	cancel(cause?: CancellationException | string): void {
		this.scope.cancel(cause);
	}
	launch(...args: unknown[]): Job {
		return (this.scope.launch as (...a: unknown[]) => Job).apply(
			this.scope,
			args,
		);
	}
	async<T>(...args: unknown[]): Deferred<T> {
		return (this.scope.async as (...a: unknown[]) => Deferred<T>).apply(
			this.scope,
			args,
		);
	}
	promise<T>(...args: unknown[]): Promise<T> {
		return (this.scope.promise as (...a: unknown[]) => Promise<T>).apply(
			this.scope,
			args,
		);
	}
	produce<E>(...args: unknown[]): ReceiveChannel<E> {
		return (this.scope.produce as (...a: unknown[]) => ReceiveChannel<E>).apply(
			this.scope,
			args,
		);
	}
	actor<E>(...args: unknown[]): SendChannel<E> {
		return (this.scope.actor as (...a: unknown[]) => SendChannel<E>).apply(
			this.scope,
			args,
		);
	}
	toString(): string {
		return `TestScope[${String(this.scope)}]`;
	}
}
