/**
 * Suspending callbacks (Kotlin's `suspend` lambdas): a plain function or a generator function.
 *
 * kocoro calls the callback in the coroutine's step. A returned generator object or kocoro
 * instruction is a suspend call and is run with `yield*`; any other value (arrays included) is the
 * result. A returned promise, or an async function passed as the callback, is a TypeError naming
 * `yield* awaitPromise(p)`: a promise cannot be awaited inside a step.
 */
import { Instruction, type Suspend } from "./instruction.js";

/**
 * A callback that may suspend: `(x) => x * 2`, or `function* (x) { yield* delay(1); return x }`.
 *
 * Parameters of this type are declared with three overloads (`=> Suspend<R>`, `=> R | Suspend<R>`,
 * `=> R`) so that R is a generator's return type and an array result is never taken for a call.
 */
export type SuspendFn<A extends unknown[], R> = (...args: A) => R | Suspend<R>;

/**
 * A suspending callback with a receiver (Kotlin's `Recv.(a) -> R`): the receiver is both `this`
 * and the last argument, so arrow functions can use it too.
 */
export type SuspendFnOn<Recv, A extends unknown[], R> = (
	this: Recv,
	...args: [...A, Recv]
) => R | Suspend<R>;

const AsyncFunction = (async () => {}).constructor;
const AsyncGeneratorFunction = async function* () {}.constructor;

/** Throws a TypeError naming `where` unless `f` is a plain or generator function. */
export function checkSuspendFn(f: unknown, where: string): void {
	if (typeof f !== "function") {
		throw new TypeError(
			`${where}: expected a function or a generator function, got ${f === null ? "null" : typeof f}`,
		);
	}
	if (f.constructor === AsyncFunction) {
		throw new TypeError(
			`${where}: the callback is an async function; write it as a generator function (\`function* (x) { ... }\`) and wait for promises inside it with \`yield* awaitPromise(p)\``,
		);
	}
	if (f.constructor === AsyncGeneratorFunction) {
		throw new TypeError(
			`${where}: the callback is an async generator function; write it as a plain generator function (\`function* (x) { ... }\`) and wait for promises inside it with \`yield* awaitPromise(p)\``,
		);
	}
}

/**
 * Whether a callback's result is a suspend call to run with `yield*` (a generator object or a
 * kocoro instruction). A promise throws the TypeError naming `yield* awaitPromise(p)`.
 */
export function isSuspendCall(
	r: unknown,
	where: string,
): r is Suspend<unknown> {
	if (typeof r !== "object" || r === null) return false;
	if (r instanceof Instruction) return true;
	const it = r as { next?: unknown; throw?: unknown; then?: unknown };
	if (typeof it.next === "function" && typeof it.throw === "function")
		return true;
	if (typeof it.then === "function") {
		throw new TypeError(
			`${where}: the callback returned a Promise; write it as a generator function and wait with \`yield* awaitPromise(p)\``,
		);
	}
	return false;
}

/** Runs a suspending callback's result: `yield*` of a suspend call, else the value itself. */
export function* resultOf<R>(r: R | Suspend<R>, where: string): Suspend<R> {
	if (isSuspendCall(r, where)) return (yield* r) as R;
	return r as R;
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
