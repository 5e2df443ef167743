/**
 * The async context a coroutine runs in: where the platform has `AsyncLocalStorage` (Node, Bun,
 * Deno), an `AsyncResource` captured where the coroutine's root was started, which carries every
 * `AsyncLocalStorage` store current there; elsewhere (browsers) nothing, and nothing is paid.
 *
 * Promises carry their context from where `then` was called; kocoro's run queue is one shared
 * loop, so it must carry it itself: each coroutine holds its captured context (children share
 * their parent's object), and whoever runs a coroutine step enters that context unless it is
 * already in it ({@link activeAsyncContext}). The run queue enters a context once for a run of
 * consecutive tasks of that context, so a step costs a comparison, and a switch (about 30 ns on
 * Node 20) is paid only where the queue moves between coroutines of different roots.
 *
 * The platform's facility is found at run time, `process.getBuiltinModule("node:async_hooks")`
 * (Node ≥ 20.16, Bun, Deno), never imported: the main entry loads in browsers.
 */

/** A captured async context: Node's `AsyncResource`, as far as kocoro uses it. */
export interface AsyncContext {
	runInAsyncScope<This, A, R>(
		fn: (this: This, arg: A) => R,
		thisArg: This,
		arg: A,
	): R;
}

/** The constructor of {@link AsyncContext}s: `AsyncResource`. */
export type AsyncContextCapture = new (type: string) => AsyncContext;

/**
 * `AsyncResource` from the host's `node:async_hooks`, found without an import; undefined where
 * the host has none (a browser) or does not let a module load it synchronously.
 */
export function findAsyncResource(
	host: unknown,
): AsyncContextCapture | undefined {
	try {
		const p = (
			host as { process?: { getBuiltinModule?: (id: string) => unknown } }
		).process;
		if (typeof p?.getBuiltinModule !== "function") return undefined;
		const hooks = p.getBuiltinModule("node:async_hooks") as
			| { AsyncResource?: unknown }
			| undefined;
		const resource = hooks?.AsyncResource;
		return typeof resource === "function"
			? (resource as AsyncContextCapture)
			: undefined;
	} catch {
		return undefined;
	}
}

const Resource = findAsyncResource(globalThis);

/** Whether this platform has async contexts: false in browsers (then every capture is undefined). */
export const asyncContextsSupported: boolean = Resource !== undefined;

/**
 * The async context kocoro entered last in the running synchronous frame, or null outside any.
 * Code that needs to run in `ac` and finds `activeAsyncContext === ac` is already there.
 */
export let activeAsyncContext: AsyncContext | null = null;

/** The async context current here, or undefined where the platform has none. */
export function captureAsyncContext(): AsyncContext | undefined {
	return Resource === undefined ? undefined : new Resource("kocoro");
}

/** Runs `fn.call(thisArg, arg)` in `ac`, telling kocoro's code inside that `ac` is active. */
export function runInAsyncContext<This, A, R>(
	ac: AsyncContext,
	fn: (this: This, arg: A) => R,
	thisArg: This,
	arg: A,
): R {
	const prev = activeAsyncContext;
	activeAsyncContext = ac;
	try {
		return ac.runInAsyncScope(fn, thisArg, arg);
	} finally {
		activeAsyncContext = prev;
	}
}

/** What kocoro needs of an `AsyncLocalStorage` to set its store for a coroutine. */
export interface StoreSetter<T> {
	run<R>(store: T, callback: () => R): R;
}

function captureWithStore<T>(
	this: StoreSetter<T>,
	value: T,
): AsyncContext | undefined {
	return this.run(value, captureAsyncContext);
}

/** `base` with `storage`'s store set to `value` (every other store as in `base`). */
export function withStore<T>(
	base: AsyncContext,
	storage: StoreSetter<T>,
	value: T,
): AsyncContext {
	return runInAsyncContext(base, captureWithStore<T>, storage, value) ?? base;
}
