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
 * The instruction whose `next()` last handed itself over: set by `yield*` delegation, cleared by
 * the runner as it takes the instruction. An instruction the runner receives without it was
 * yielded with a plain `yield` (see {@link takenByDelegation}).
 */
let handed: Instruction | null = null;

/**
 * A value a coroutine yields to the runtime: the only thing `yield*` of a kocoro suspend function
 * ever hands to the runner. It is its own one-step iterator, so `yield* instruction` yields it
 * once and evaluates to whatever the runner sends back (or throws what the runner throws in).
 * Each `yield*` starts the iteration again (`[Symbol.iterator]()` rewinds it), so a stored
 * instruction performs its operation again every time: its per-wait state lives in the wait
 * objects it creates, never in the instruction. Users never create or yield instructions directly.
 *
 * @example
 * // What the generator of a suspend function yields, when its type is spelled out:
 * function* total(): Generator<Instruction, number, unknown> {
 *   return (yield* loadA()) + (yield* loadB());
 * }
 */
export abstract class Instruction<T = unknown> {
	private yielded = false;

	[Symbol.iterator](): Iterator<Instruction, T, unknown> {
		// `yield*` calls this and then next() at once: nothing else runs in between, so two
		// coroutines delegating to the same stored instruction do not disturb each other.
		this.yielded = false;
		return this as unknown as Iterator<Instruction, T, unknown>;
	}
	next(value?: unknown): IteratorResult<Instruction, T> {
		// `yield*` reads a result at once and never keeps it, so two shared result objects do:
		// no allocation per step.
		if (!this.yielded) {
			this.yielded = true;
			handed = this;
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

/**
 * Whether the runner got `instruction` through `yield*` (its `next()` handed it over just now),
 * not through a plain `yield instruction`; resets the record for the next step.
 */
export function takenByDelegation(instruction: Instruction): boolean {
	const ok = handed === instruction;
	handed = null;
	return ok;
}

/**
 * A suspend function returning `T`: any iterable whose iterator yields kocoro instructions.
 *
 * Every `yield*` of a `Suspend` value that kocoro returns performs the operation again, as
 * calling a Kotlin suspend function twice would: `const d = delay(50); yield* d; yield* d;`
 * waits 100 ms, and a stored `job.join()`, `awaitPromise(p)` or `coroutineScope(block)` can be
 * run as often as needed. A generator object (what calling your own `function*` returns) is
 * JavaScript's and runs once: a second `yield*` of it returns `undefined` at once; call the
 * function again instead.
 *
 * @example
 * function* total(): Suspend<number> {
 *   return (yield* loadA()) + (yield* loadB());
 * }
 * const n = yield* total();
 */
export interface Suspend<T> {
	[Symbol.iterator](): Iterator<Instruction, T, unknown>;
}

/** A {@link Suspend} that runs a fresh generator from `start` on every `yield*`. */
export function suspendOf<T>(
	start: () => Iterator<Instruction, T, unknown>,
): Suspend<T> {
	return { [Symbol.iterator]: start };
}
