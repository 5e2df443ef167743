import {
	type AsyncContext,
	asyncContextsSupported,
	withStore,
} from "./async-context.js";
import {
	AbstractCoroutineContextElement,
	type CoroutineContext,
	type CoroutineContextElement,
	CoroutineContextKey,
	EmptyCoroutineContext,
} from "./coroutine-context.js";

/**
 * What {@link asContextElement} needs of an `AsyncLocalStorage` (Node's, Bun's or Deno's
 * `node:async_hooks` one): a structural type, so kocoro's types do not depend on Node's.
 *
 * @example
 * const storage: AsyncLocalStorageLike<string> = new AsyncLocalStorage<string>();
 * scope.launch(asContextElement(storage, "req-42"), function* () {
 *   storage.getStore(); // "req-42"
 * });
 */
export interface AsyncLocalStorageLike<T> {
	getStore(): T | undefined;
	run<R>(store: T, callback: () => R): R;
}

/** One key per storage, so two elements of one storage replace each other in `plus`. */
const keys = new WeakMap<
	object,
	CoroutineContextKey<StorageElement<unknown>>
>();

function keyOf(storage: object): CoroutineContextKey<StorageElement<unknown>> {
	let key = keys.get(storage);
	if (key === undefined) {
		key = new CoroutineContextKey("AsyncLocalStorage");
		keys.set(storage, key);
	}
	return key;
}

/** Set once the first element exists: until then, builders skip looking for elements. */
let elementsExist = false;

/** Kotlin's `ThreadLocalElement`: sets `storage`'s store to `value` for a coroutine and its children. */
class StorageElement<T> extends AbstractCoroutineContextElement {
	constructor(
		readonly storage: AsyncLocalStorageLike<T>,
		readonly value: T,
	) {
		super(keyOf(storage));
		elementsExist = true;
	}
	override toString(): string {
		return `AsyncLocalStorage(value=${String(this.value)})`;
	}
}

/**
 * A context element that sets an `AsyncLocalStorage`'s store to `value` for the coroutine it is
 * given to and for that coroutine's children, wherever and whenever their steps run (Kotlin's
 * `ThreadLocal.asContextElement(value)`). Without `value`, the store current where it is called.
 *
 * Every coroutine already runs in the async context of the place its root was started (all its
 * stores), and its children inherit it; this element is how a coroutine gives its children, or
 * a block, another store. With `withContext`, the store is set for the block and is what it was
 * again when the block returns. Two elements of the same storage replace each other (the later
 * one wins, as `plus` does); elements of different storages combine.
 *
 * DO NOT set a store for coroutines with `storage.run(value, () => this.launch(...))`: a child
 * takes its parent's context, not the one around the `launch` call. Give the element instead.
 *
 * Throws where the platform has no `AsyncLocalStorage` (a browser).
 *
 * @example
 * const requestId = new AsyncLocalStorage<string>();
 * yield* withContext(asContextElement(requestId, "req-42"), function* () {
 *   yield* delay(10);
 *   requestId.getStore(); // "req-42", also in children launched here
 * });
 */
export function asContextElement<T>(
	storage: AsyncLocalStorageLike<T>,
	...value: [] | [value: T]
): CoroutineContextElement {
	if (
		storage === null ||
		typeof storage !== "object" ||
		typeof storage.run !== "function" ||
		typeof storage.getStore !== "function"
	) {
		throw new TypeError(
			`asContextElement(storage, value): storage must be an AsyncLocalStorage (from node:async_hooks), got ${storage === null ? "null" : typeof storage}`,
		);
	}
	if (!asyncContextsSupported) {
		throw new TypeError(
			"asContextElement(storage, value): this runtime has no AsyncResource (node:async_hooks), so coroutines cannot carry an AsyncLocalStorage store here",
		);
	}
	return new StorageElement<T>(
		storage,
		value.length === 0 ? (storage.getStore() as T) : value[0],
	);
}

/**
 * `base` with the stores that the elements of `context` set, or `base` itself when `context`
 * has none (the common case costs one flag check while no element was ever made).
 */
export function applyStoreElements(
	base: AsyncContext,
	context: CoroutineContext,
): AsyncContext {
	if (!elementsExist || context === EmptyCoroutineContext) return base;
	let ac = base;
	for (const el of context) {
		if (el instanceof StorageElement) ac = withStore(ac, el.storage, el.value);
	}
	return ac;
}
