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
 */
export type SuspendFn<A extends unknown[], R> = (...args: A) => R | Suspend<R>;

/**
 * A {@link SuspendFn} with a receiver (Kotlin's `Recv.(a) -> R`): the receiver is both `this` and
 * the last argument.
 */
export type SuspendFnOn<Recv, A extends unknown[], R> = (
	this: Recv,
	...args: [...A, Recv]
) => R | Suspend<R>;

const GeneratorPrototype = Object.getPrototypeOf(function* () {}.prototype);
const AsyncFunction = (async () => {}).constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;

/** @internal Whether `v` is something to run with `yield*`: a generator object or a kocoro instruction. */
export function isSuspendCall(v: unknown): v is Suspend<unknown> {
	if (v === null || typeof v !== "object") return false;
	if (v instanceof Instruction) return true;
	return Object.getPrototypeOf(Object.getPrototypeOf(v)) === GeneratorPrototype;
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
			`${where}: an async generator function cannot run inside a coroutine step; write a plain generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\``,
		);
	}
	if (fn.constructor === AsyncFunction) {
		throw new TypeError(
			`${where}: an async function cannot run inside a coroutine step; write a generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\``,
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
	if (isSuspendCall(returned)) {
		return (yield* returned as Suspend<R>) as R;
	}
	if (
		returned !== null &&
		typeof returned === "object" &&
		typeof (returned as { then?: unknown }).then === "function"
	) {
		throw new TypeError(
			`${where}: the callback returned a Promise; inside a coroutine wait for it with \`yield* awaitPromise(p)\` in a generator function`,
		);
	}
	return returned as R;
}
