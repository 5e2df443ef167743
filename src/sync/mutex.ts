import { IllegalStateException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import { checkSuspendFn } from "../intrinsics/suspend-fn.js";
import { GuardedCall } from "./guarded-call.js";
import { PermitQueue, PermitWaiter } from "./permit-queue.js";

/**
 * Mutual exclusion for coroutines (kotlinx's `Mutex`): locked or unlocked, fair, non-reentrant.
 *
 * `lock()` suspends while another holds the lock; waiters get it in first-come, first-served
 * order, handed over directly by `unlock()` (the mutex stays locked: a `tryLock()` in between
 * fails). A waiter cancelled while waiting leaves the queue; one cancelled after the lock was
 * handed to it, before it ran, passes it on: the lock is never leaked. Cancellation is checked
 * only when `lock()` suspends.
 *
 * The optional `owner` is an identity token for debugging: `unlock(owner)` and `holdsLock(owner)`
 * check it, and locking again with the owner that holds the lock throws instead of deadlocking.
 *
 * DO NOT lock a mutex again from the code that holds it: it is not reentrant, so the coroutine
 * waits for itself forever.
 * ```ts
 * yield* mutex.withLock(function* () {
 *   yield* mutex.withLock(() => {}); // deadlock
 * });
 * ```
 *
 * @example
 * const mutex = Mutex();
 * let counter = 0;
 * yield* mutex.withLock(function* () {
 *   const v = counter;
 *   yield* delay(10);
 *   counter = v + 1;
 * });
 */
export interface Mutex {
	/** Whether the mutex is locked (it stays locked while the lock is handed to a waiter). */
	readonly isLocked: boolean;
	/**
	 * Whether the mutex is locked by `owner` (by identity; `null` or `undefined`: locked with no
	 * owner). A waiter handed the lock holds it at once, before it resumes.
	 */
	holdsLock(owner: unknown): boolean;
	/**
	 * Locks the mutex, suspending while it is locked (FIFO). Cancellable, with prompt
	 * cancellation: a coroutine cancelled while waiting never gets the lock (if it was already
	 * handed to it, it goes to the next waiter). Throws `IllegalStateException` if `owner` (not
	 * null) already holds the lock.
	 */
	lock(owner?: unknown): Suspend<void>;
	/**
	 * Locks the mutex if it is unlocked and no one waits; returns whether it did. Throws
	 * `IllegalStateException` if `owner` (not null) already holds the lock.
	 */
	tryLock(owner?: unknown): boolean;
	/**
	 * Unlocks the mutex, handing the lock to the first waiter if any. Throws
	 * `IllegalStateException` if it is not locked, or locked by another owner than `owner` (when
	 * `owner` is given).
	 */
	unlock(owner?: unknown): void;
	/**
	 * Runs `action` holding the lock and unlocks when it ends, however it ends (Kotlin's
	 * `Mutex.withLock`). `action` is a plain function or a generator function; its result is
	 * `withLock`'s.
	 */
	withLock<R>(action: () => Suspend<R>): Suspend<R>;
	withLock<R>(action: () => R | Suspend<R>): Suspend<R>;
	withLock<R>(action: () => R): Suspend<R>;
	withLock<R>(owner: unknown, action: () => Suspend<R>): Suspend<R>;
	withLock<R>(owner: unknown, action: () => R | Suspend<R>): Suspend<R>;
	withLock<R>(owner: unknown, action: () => R): Suspend<R>;
}

/** The owner of an unlocked mutex (distinct from `null`, the owner of `lock()` without one). */
const NO_OWNER: unique symbol = Symbol("NO_OWNER");

class MutexImpl extends PermitQueue implements Mutex {
	private owner: unknown;

	constructor(locked: boolean) {
		super(locked ? 0 : 1);
		this.owner = locked ? null : NO_OWNER;
	}

	get isLocked(): boolean {
		return this.available === 0;
	}

	holdsLock(owner: unknown): boolean {
		return this.owner === (owner ?? null);
	}

	lock(owner: unknown = null): Suspend<void> {
		return new PermitWaiter(this, owner ?? null);
	}

	tryLock(owner: unknown = null): boolean {
		return this.tryTake(owner ?? null);
	}

	tryTake(owner: unknown): boolean {
		if (this.available !== 0) {
			this.available = 0;
			this.owner = owner;
			return true;
		}
		if (owner !== null && this.owner === owner) {
			throw new IllegalStateException(
				`This mutex is already locked by the specified owner: ${String(owner)}`,
			);
		}
		return false;
	}

	unlock(owner: unknown = null): void {
		const o = owner ?? null;
		const current = this.owner;
		if (current === NO_OWNER) {
			throw new IllegalStateException("This mutex is not locked");
		}
		if (o !== null && current !== o) {
			throw new IllegalStateException(
				`This mutex is locked by ${String(current)}, but ${String(o)} is expected`,
			);
		}
		this.owner = NO_OWNER;
		this.releasePermit();
	}

	protected override onGranted(w: PermitWaiter): void {
		this.owner = w.owner;
	}

	passOn(): void {
		this.owner = NO_OWNER;
		this.releasePermit();
	}

	withLock<R>(
		ownerOrAction: unknown,
		action?: () => R | Suspend<R>,
	): Suspend<R> {
		if (action === undefined) {
			checkSuspendFn(ownerOrAction, "Mutex.withLock(action)");
			return new GuardedCall(
				this,
				null,
				ownerOrAction as () => R | Suspend<R>,
				"Mutex.withLock",
			);
		}
		checkSuspendFn(action, "Mutex.withLock(owner, action)");
		return new GuardedCall(
			this,
			ownerOrAction ?? null,
			action,
			"Mutex.withLock",
		);
	}

	giveBack(owner: unknown): void {
		this.unlock(owner);
	}

	waitName(): string {
		return `lock of Mutex@${this.id}`;
	}

	override toString(): string {
		const owner = this.owner === NO_OWNER ? "NO_OWNER" : String(this.owner);
		return `Mutex@${this.id}[isLocked=${this.isLocked},owner=${owner}]`;
	}
}

/**
 * Creates a {@link Mutex}, unlocked unless `locked` is true (then locked with no owner).
 *
 * @example
 * const cacheLock = Mutex();
 * const cache = new Map<string, string>();
 * function* cached(key: string): Suspend<string> {
 *   return yield* cacheLock.withLock(function* () {
 *     let v = cache.get(key);
 *     if (v === undefined) {
 *       yield* delay(100); // the load, done once per key
 *       v = key.toUpperCase();
 *       cache.set(key, v);
 *     }
 *     return v;
 *   });
 * }
 */
export function Mutex(locked = false): Mutex {
	if (typeof locked !== "boolean") {
		throw new TypeError(
			`Mutex(locked): locked must be a boolean, got ${String(locked)}`,
		);
	}
	return new MutexImpl(locked);
}
