/**
 * Suspending callbacks: a callback Kotlin lets suspend (a `suspend` lambda, or the `inline` lambda
 * of a suspend function such as `withLock`) is, in kocoro, a plain function or a generator
 * function. The caller runs it in the coroutine's step: a returned generator object or kocoro
 * suspend call is run with `yield*`, any other value is the result. A promise can never be
 * waited for that way, so an async function, or a returned promise, is a `TypeError` naming the
 * fix.
 */
import { Instruction, type Suspend } from "./instruction.js";

/**
 * A callback that may suspend: a plain function returning `R`, or a generator function (or any
 * function returning a kocoro suspend call) whose result is `R`.
 *
 * @example
 * yield* mutex.withLock(() => counter++);
 * yield* mutex.withLock(function* () { yield* delay(10); return counter++; });
 */
export type SuspendFn<A extends unknown[], R> = (...args: A) => R | Suspend<R>;

const AsyncFunction = (async () => {}).constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;
const GeneratorPrototype: object = Object.getPrototypeOf(
	function* () {},
).prototype;

/**
 * Throws a `TypeError` naming `where` unless `fn` is a function that can be run in a
 * coroutine's step (not an async function, not an async generator function).
 */
export function checkSuspendFn(fn: unknown, where: string): void {
	if (typeof fn !== "function") {
		throw new TypeError(
			`${where}: the action must be a function or a generator function, got ${fn === null ? "null" : typeof fn}`,
		);
	}
	if (fn.constructor === AsyncFunction) {
		throw new TypeError(
			`${where}: the action is an async function; write it as a plain or generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\``,
		);
	}
	if (fn.constructor === AsyncGeneratorFunction) {
		throw new TypeError(
			`${where}: the action is an async generator function; write it as a plain generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\``,
		);
	}
}

/**
 * What a suspending callback returned, read as R2 says: a generator object or a kocoro
 * instruction is a suspend call (returned, to be run with `yield*`); a promise is a `TypeError`
 * naming `where`; anything else is the plain result (null is returned for it).
 */
export function suspendCallOf(
	value: unknown,
	where: string,
): Suspend<unknown> | null {
	if (typeof value !== "object" || value === null) return null;
	if (
		value instanceof Instruction ||
		Object.prototype.isPrototypeOf.call(GeneratorPrototype, value)
	) {
		return value as Suspend<unknown>;
	}
	if (typeof (value as PromiseLike<unknown>).then === "function") {
		throw new TypeError(
			`${where}: the action returned a Promise; a coroutine cannot wait for it this way: write the action as a generator function and wait with \`yield* awaitPromise(p)\``,
		);
	}
	return null;
}
