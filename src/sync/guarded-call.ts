/**
 * One `withLock`/`withPermit` call: take the lock or permit (waiting if needed), run the action,
 * give it back on every exit. Written as a hand-made iterator rather than a generator function:
 * the uncontended call (take, run a plain action, give back) is then a few plain calls, with no
 * generator object and no `yield*` frame (about 3× faster).
 *
 * The coroutine runs it with `yield*`, which forwards `next`/`throw`/`return` here (a stored
 * call yielded again runs as a new one):
 * - START: take at once, or yield a {@link PermitWaiter} (WAITING); a throw while WAITING is the
 *   waiter's cancellation: nothing is held, it propagates.
 * - then run the action: a plain result gives back and completes; a suspend call is driven here
 *   (INNER), every instruction it yields passed up, and its end (a value or a throw) gives back.
 */
import type { Instruction, Suspend } from "../intrinsics/instruction.js";
import { isSuspendCall } from "../intrinsics/suspend-fn.js";
import { type PermitQueue, PermitWaiter } from "./permit-queue.js";

const START = 0;
const WAITING = 1;
const INNER = 2;
const DONE = 3;

/** `yield*` reads a step's result at once and keeps nothing: one shared object suffices. */
const doneResult: { value: unknown; done: true } = {
	value: undefined,
	done: true,
};

function done<R>(value: R): IteratorReturnResult<R> {
	doneResult.value = value;
	return doneResult as IteratorReturnResult<R>;
}

export class GuardedCall<R>
	implements Iterator<Instruction, R, unknown>, Suspend<R>
{
	private state = START;
	private inner: Iterator<unknown, R, unknown> | null = null;

	constructor(
		private readonly guard: PermitQueue,
		private readonly owner: unknown,
		private readonly action: () => R | Suspend<R>,
		/** Names the call in the TypeError for an action that returned a promise. */
		private readonly where: string,
	) {}

	[Symbol.iterator](): Iterator<Instruction, R, unknown> {
		// The first `yield*` runs this object itself (no allocation on the fast path); any later
		// one, or one while a run is still under way in another coroutine, runs a fresh call, so
		// a stored withLock/withPermit takes, runs and gives back again every time.
		return this.state === START
			? this
			: new GuardedCall(this.guard, this.owner, this.action, this.where);
	}

	next(value?: unknown): IteratorResult<Instruction, R> {
		const state = this.state;
		if (state === START) {
			if (!this.guard.tryTake(this.owner)) {
				this.state = WAITING;
				// Handed over through the instruction's own next(), as `yield*` would: the runner
				// takes an instruction only that way (a plain `yield` of one is a TypeError).
				return new PermitWaiter(
					this.guard,
					this.owner,
				).next() as IteratorYieldResult<Instruction>;
			}
			return this.runAction();
		}
		if (state === WAITING) return this.runAction(); // resumed holding it
		if (state === INNER) {
			const inner = this.inner as Iterator<unknown, R, unknown>;
			return this.forward(inner, false, value);
		}
		return done(undefined as R);
	}

	throw(e?: unknown): IteratorResult<Instruction, R> {
		if (this.state === INNER) {
			const inner = this.inner as Iterator<unknown, R, unknown>;
			if (inner.throw !== undefined) return this.forward(inner, true, e);
			this.finish();
			inner.return?.();
		}
		this.state = DONE;
		throw e;
	}

	return(value?: R): IteratorResult<Instruction, R> {
		if (this.state === INNER) {
			const inner = this.inner as Iterator<unknown, R, unknown>;
			try {
				inner.return?.(value);
			} finally {
				this.finish();
			}
		}
		this.state = DONE;
		return done(value as R);
	}

	private runAction(): IteratorResult<Instruction, R> {
		let value: R | Suspend<R>;
		try {
			value = this.action();
		} catch (e) {
			this.finish();
			throw e;
		}
		let isCall: boolean;
		try {
			// A promise is rejected with the house TypeError; any other object is the result.
			isCall = isSuspendCall(value, this.where);
		} catch (e) {
			this.finish();
			throw e;
		}
		if (isCall) {
			const inner = (value as Suspend<R>)[Symbol.iterator]() as Iterator<
				unknown,
				R,
				unknown
			>;
			this.inner = inner;
			this.state = INNER;
			return this.forward(inner, false, undefined);
		}
		this.finish();
		return done(value as R);
	}

	/** One step of the action's suspend call; gives back when it ends either way. */
	private forward(
		inner: Iterator<unknown, R, unknown>,
		failed: boolean,
		value: unknown,
	): IteratorResult<Instruction, R> {
		let r: IteratorResult<unknown, R>;
		try {
			r = failed
				? (inner.throw?.(value) as IteratorResult<unknown, R>)
				: inner.next(value);
		} catch (e) {
			this.finish();
			throw e;
		}
		if (r.done === true) {
			this.finish();
			return done(r.value);
		}
		return r as IteratorYieldResult<Instruction>;
	}

	/** Gives the lock or permit back (once). */
	private finish(): void {
		this.state = DONE;
		this.inner = null;
		this.guard.giveBack(this.owner);
	}
}
