/**
 * Callbacks that Kotlin lets suspend (`suspend` lambdas, the lambdas of inline suspend functions):
 * a plain function or a generator function. kocoro calls one in the coroutine's step, runs a
 * returned generator object or kocoro suspend call with `yield*`, and takes any other value
 * (arrays and other iterables too) as the result. A returned promise is a mistake: it gets a
 * `TypeError` naming `yield* awaitPromise(p)`.
 */
import { Instruction, type Suspend } from "./instruction.js";

/**
 * A callback that may suspend: `(x) => x * 2` or `function* (x) { yield* delay(1); return x }`.
 * Declared as three overloads where it is a parameter, so `R` is a generator's return type and an
 * array result is never taken for a suspend call.
 *
 * @example
 * const double: SuspendFn<[number], number> = (x) => x * 2;
 * const slowDouble: SuspendFn<[number], number> = function* (x) {
 *   yield* delay(10);
 *   return x * 2;
 * };
 * const both = yield* flowOf(1, 2).map(double).map(slowDouble).toList(); // [4, 8]
 */
export type SuspendFn<A extends unknown[], R> = (...args: A) => R | Suspend<R>;

/**
 * A {@link SuspendFn} with a receiver (Kotlin's `Recv.(a) -> R`): the receiver is both `this` and
 * the last argument.
 *
 * @example
 * const twice: SuspendFnOn<FlowCollector<number>, [number], void> = function* (x) {
 *   yield* this.emit(x);
 *   yield* this.emit(x);
 * };
 * const doubled = yield* flowOf(1, 2).transform(twice).toList(); // [1, 1, 2, 2]
 */
export type SuspendFnOn<Recv, A extends unknown[], R> = (
	this: Recv,
	...args: [...A, Recv]
) => R | Suspend<R>;

const GeneratorPrototype = Object.getPrototypeOf(function* () {}.prototype);
/** @internal The constructors of async functions and async generator functions, to refuse them. */
export const AsyncFunction = (async () => {}).constructor;
/** @internal See {@link AsyncFunction}. */
export const AsyncGeneratorFunction = async function* () {}.constructor;

/** Whether `v` is something to run with `yield*`: a generator object or a kocoro instruction. */
function isGeneratorOrInstruction(v: unknown): v is Suspend<unknown> {
	if (v === null || typeof v !== "object") return false;
	if (v instanceof Instruction) return true;
	return Object.getPrototypeOf(Object.getPrototypeOf(v)) === GeneratorPrototype;
}

/**
 * @internal Whether a callback's result is a suspend call to run with `yield*` (a generator
 * object or a kocoro instruction). A promise throws the TypeError naming `yield* awaitPromise(p)`.
 */
export function isSuspendCall(
	r: unknown,
	where: string,
): r is Suspend<unknown> {
	if (typeof r !== "object" || r === null) return false;
	if (isGeneratorOrInstruction(r)) return true;
	if (typeof (r as { then?: unknown }).then === "function") {
		throw new TypeError(
			`${where}: the callback returned a Promise; inside a coroutine wait for it with \`yield* awaitPromise(p)\` in a generator function`,
		);
	}
	return false;
}

/**
 * @internal Checks a suspending callback parameter: a function, not an async one.
 * `where` names the call for the message, e.g. `consumeEach(action)`.
 */
export function checkSuspendFn(fn: unknown, where: string): void {
	if (typeof fn !== "function") {
		throw new TypeError(
			`${where}: expected a function or a generator function, got ${fn === null ? "null" : typeof fn}`,
		);
	}
	if (fn.constructor === AsyncGeneratorFunction) {
		throw new TypeError(
			`${where}: an async generator function cannot run inside a coroutine step; write a plain generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\` (the callback must not be async)`,
		);
	}
	if (fn.constructor === AsyncFunction) {
		throw new TypeError(
			`${where}: an async function cannot run inside a coroutine step; write a generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\` (the callback must not be async)`,
		);
	}
}

/**
 * @internal Finishes a call of a suspending callback: `yield* completeSuspendFn(fn(x), where)`
 * runs a returned suspend call, rejects a promise, and returns any other value as it is.
 */
export function* completeSuspendFn<R>(
	returned: R | Suspend<R>,
	where: string,
): Generator<Instruction, R, unknown> {
	if (isSuspendCall(returned, where)) {
		return (yield* returned as Suspend<R>) as R;
	}
	return returned as R;
}

/**
 * A suspend call that suspended at its first step: the rest of it, to run with `yield*`. Made by
 * {@link settle}, which runs the first step synchronously.
 */
export class Pending<R> implements Suspend<R> {
	constructor(
		private readonly it: Iterator<unknown, R, unknown>,
		private readonly first: unknown,
	) {}
	*[Symbol.iterator](): Generator<never, R, unknown> {
		const it = this.it;
		let step = this.first;
		let finished = false;
		try {
			for (;;) {
				let sent: unknown;
				let thrown = false;
				try {
					sent = yield step as never;
				} catch (e) {
					thrown = true;
					sent = e;
				}
				let res: IteratorResult<unknown, R>;
				if (!thrown) res = it.next(sent);
				else if (it.throw !== undefined) res = it.throw(sent);
				else throw sent;
				if (res.done === true) {
					finished = true;
					return res.value;
				}
				step = res.value;
			}
		} finally {
			if (!finished) it.return?.();
		}
	}
}

/**
 * A suspending callback's result, settled as far as it goes without suspending: a plain value is
 * returned as is; a suspend call runs its first step now and gives its result when it finished
 * there (a generator function that did not suspend costs no extra generator), else a
 * {@link Pending} to run with `yield*`. A promise throws the TypeError naming `awaitPromise`.
 */
export function settle<R>(r: R | Suspend<R>, where: string): R | Pending<R> {
	if (typeof r !== "object" || r === null) return r as R;
	if (!isSuspendCall(r, where)) return r as R;
	const it = (r as Suspend<R>)[Symbol.iterator]() as Iterator<
		unknown,
		R,
		unknown
	>;
	const res = it.next();
	if (res.done === true) return res.value;
	return new Pending(it, res.value);
}
