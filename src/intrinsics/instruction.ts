import type { CoroutineContext } from "../context/coroutine-context.js";
import type { CoroutineDispatcher } from "../dispatchers/coroutine-dispatcher.js";
import type { CancellationException } from "../errors/exceptions.js";

/** Returned by {@link Instruction.execute} when the coroutine suspended. */
export const SUSPENDED: unique symbol = Symbol("kocoro.suspended");

/**
 * What a suspended coroutine waits on. `cancelWait` is called when the coroutine is cancelled while
 * waiting: it detaches from its source and resumes the coroutine with `cause`, or does nothing
 * when the wait must finish anyway (a scope waits for its block and children).
 */
export interface Suspension {
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void;
	/** For debug dumps: `delay(120ms left)`, `join of X`, ... Never read to decide anything. */
	describe(): string;
	/**
	 * True when code outside the runtime may end this wait (a promise, a callback: a continuation
	 * of `suspendCancellableCoroutine`). `runTest` gives the event loop a turn before it jumps
	 * virtual time while a coroutine waits on such a wait. Absent means false.
	 */
	readonly resumedFromOutside?: boolean;
}

/** The coroutine as instructions see it (implemented by the coroutine runner). */
export interface SuspendingCoroutine {
	readonly context: CoroutineContext;
	readonly dispatcher: CoroutineDispatcher;
	/**
	 * The context given to dispatchers and clocks: the coroutine's context, possibly without its
	 * own Job (built lazily; everything else — name, dispatcher, handler — is there).
	 */
	readonly dispatchContext: CoroutineContext;
	/** Cancelling: every cancellable suspension point must throw `getCancellationException()`. */
	readonly isCancelled: boolean;
	getCancellationException(): CancellationException;
	/** The current wait; set by an instruction right before it returns SUSPENDED. */
	waiting: Suspension | null;
	/**
	 * Resumes the coroutine if it still waits on `s` (else ignores the call: it was already
	 * resumed, for example by its cancellation). `cancellable`: on arrival, a cancelled coroutine
	 * gets its CancellationException instead of the value (prompt cancellation, C4).
	 */
	resume(
		s: Suspension,
		failed: boolean,
		value: unknown,
		cancellable: boolean,
	): void;
}

const yieldResult: { value: Instruction | undefined; done: false } = {
	value: undefined,
	done: false,
};
const doneResult: { value: unknown; done: true } = {
	value: undefined,
	done: true,
};

/**
 * A value a coroutine yields to the runtime: the only thing `yield*` of a kocoro suspend function
 * ever hands to the runner. It is its own one-step iterator, so `yield* instruction` yields it
 * once and evaluates to whatever the runner sends back (or throws what the runner throws in).
 * Users never create or yield instructions directly.
 */
export abstract class Instruction<T = unknown> {
	private yielded = false;

	[Symbol.iterator](): Iterator<Instruction, T, unknown> {
		return this as unknown as Iterator<Instruction, T, unknown>;
	}
	next(value?: unknown): IteratorResult<Instruction, T> {
		// `yield*` reads a result at once and never keeps it, so two shared result objects do:
		// no allocation per step.
		if (!this.yielded) {
			this.yielded = true;
			yieldResult.value = this;
			return yieldResult as IteratorYieldResult<Instruction>;
		}
		const done = doneResult as IteratorReturnResult<T>;
		done.value = value as T;
		return done;
	}
	throw(e?: unknown): IteratorResult<Instruction, T> {
		throw e;
	}
	return(value?: T): IteratorResult<Instruction, T> {
		return { value: value as T, done: true };
	}

	/**
	 * @internal Runs in the coroutine's step: returns the result at once, throws, or arranges a
	 * later `co.resume(...)`, sets `co.waiting` and returns {@link SUSPENDED}.
	 */
	abstract execute(co: SuspendingCoroutine): unknown;
}

/** A suspend function returning `T`: any iterable whose iterator yields kocoro instructions. */
export interface Suspend<T> {
	[Symbol.iterator](): Iterator<Instruction, T, unknown>;
}
