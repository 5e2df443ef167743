import { IllegalStateException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import { checkSuspendFn } from "../intrinsics/suspend-fn.js";
import { GuardedCall } from "./guarded-call.js";
import { PermitQueue, PermitWaiter } from "./permit-queue.js";

/**
 * A counting semaphore for coroutines (kotlinx's `Semaphore`): `acquire()` takes a permit or
 * suspends until one is released; `release()` hands it straight to the first waiter (FIFO), or
 * returns it. A waiter cancelled while waiting leaves the queue; one handed a permit but
 * cancelled before it ran passes it on: permits are never lost. Cancellation is checked only
 * when `acquire()` suspends.
 *
 * Bounding how many whole bodies run at once (say, at most 4 requests in flight) is
 * `withPermit`, not `limitedParallelism`: a dispatcher view bounds running tasks, and a
 * suspended body holds no slot of it.
 *
 * @example
 * const requests = Semaphore(4);
 * for (const url of urls) {
 *   scope.launch(function* () {
 *     yield* requests.withPermit(function* () {
 *       yield* awaitPromise((signal) => fetch(url, { signal }));
 *     });
 *   });
 * }
 */
export interface Semaphore {
	/** Permits available now (0 while someone waits). */
	readonly availablePermits: number;
	/**
	 * Takes a permit, suspending until one is available (FIFO). Cancellable, with prompt
	 * cancellation: a coroutine cancelled while waiting never gets the permit.
	 */
	acquire(): Suspend<void>;
	/** Takes a permit if one is available now; returns whether it did. */
	tryAcquire(): boolean;
	/**
	 * Releases a permit, handing it to the first waiter if any. Throws `IllegalStateException`
	 * when all permits are already available.
	 */
	release(): void;
	/**
	 * Runs `action` holding a permit and releases it when it ends, however it ends (Kotlin's
	 * `Semaphore.withPermit`). `action` is a plain function or a generator function.
	 */
	withPermit<R>(action: () => Suspend<R>): Suspend<R>;
	withPermit<R>(action: () => R | Suspend<R>): Suspend<R>;
	withPermit<R>(action: () => R): Suspend<R>;
}

class SemaphoreImpl extends PermitQueue implements Semaphore {
	constructor(
		private readonly permits: number,
		acquiredPermits: number,
	) {
		super(permits - acquiredPermits);
	}

	get availablePermits(): number {
		return this.available;
	}

	acquire(): Suspend<void> {
		return new PermitWaiter(this, null);
	}

	tryAcquire(): boolean {
		if (this.available === 0) return false;
		this.available--;
		return true;
	}

	tryTake(): boolean {
		return this.tryAcquire();
	}

	release(): void {
		if (this.available >= this.permits) {
			throw new IllegalStateException(
				`The number of released permits cannot be greater than ${this.permits}`,
			);
		}
		this.releasePermit();
	}

	passOn(): void {
		this.releasePermit();
	}

	withPermit<R>(action: () => R | Suspend<R>): Suspend<R> {
		checkSuspendFn(action, "Semaphore.withPermit(action)");
		return new GuardedCall(this, null, action, "Semaphore.withPermit");
	}

	giveBack(): void {
		this.release();
	}

	waitName(): string {
		return `acquire of Semaphore@${this.id}`;
	}

	override toString(): string {
		return `Semaphore@${this.id}[availablePermits=${this.available}]`;
	}
}

/**
 * Creates a {@link Semaphore} of `permits` permits, `acquiredPermits` of them already taken.
 * Throws `RangeError` for fewer than 1 permit or `acquiredPermits` outside `0..permits`.
 *
 * @example
 * const pool = Semaphore(2);
 * yield* pool.withPermit(() => console.log(pool.availablePermits)); // 1
 */
export function Semaphore(permits: number, acquiredPermits = 0): Semaphore {
	if (typeof permits !== "number" || !Number.isSafeInteger(permits)) {
		throw new TypeError(
			`Semaphore(permits): permits must be an integer, got ${String(permits)}`,
		);
	}
	if (permits < 1) {
		throw new RangeError(
			`Semaphore should have at least 1 permit, but had ${permits}`,
		);
	}
	if (
		typeof acquiredPermits !== "number" ||
		!Number.isSafeInteger(acquiredPermits) ||
		acquiredPermits < 0 ||
		acquiredPermits > permits
	) {
		throw new RangeError(
			`The number of acquired permits should be in 0..${permits}`,
		);
	}
	return new SemaphoreImpl(permits, acquiredPermits);
}
