/**
 * An immutable, indexed set of elements (job, dispatcher, name, exception handler, user elements),
 * looked up by key. `a.plus(b)`: b's elements replace a's elements with the same key.
 *
 * @example
 * const ctx = CoroutineName("loader").plus(Dispatchers.Default);
 * ctx.get(CoroutineName.Key)?.name; // "loader"
 */
export interface CoroutineContext {
	get<E extends CoroutineContextElement>(
		key: CoroutineContextKey<E>,
	): E | undefined;
	plus(other: CoroutineContext): CoroutineContext;
	minusKey(key: CoroutineContextKey<unknown>): CoroutineContext;
	/** Every element, left to right. */
	[Symbol.iterator](): Iterator<CoroutineContextElement>;
}

/**
 * One element of a context; it is also a context holding only itself.
 *
 * @example
 * const element: CoroutineContextElement = CoroutineName("loader");
 * element.key === CoroutineName.Key; // true
 * element.get(CoroutineName.Key) === element; // true: an element is a context of itself
 */
export interface CoroutineContextElement extends CoroutineContext {
	readonly key: CoroutineContextKey<unknown>;
}

/**
 * The key of an element type; compared by identity. Give each element type one static key.
 *
 * @example
 * class TraceId extends AbstractCoroutineContextElement {
 *   static readonly Key = new CoroutineContextKey<TraceId>("TraceId");
 *   constructor(readonly value: string) { super(TraceId.Key); }
 * }
 * scope.launch(new TraceId("t-1"), function* () {
 *   currentCoroutineContext().get(TraceId.Key)?.value; // "t-1"
 * });
 */
export class CoroutineContextKey<E> {
	declare private readonly _element?: E;
	constructor(readonly name: string) {
		if (typeof name !== "string") {
			throw new TypeError(
				`CoroutineContextKey(name): name must be a string (shown in debug output), got ${name === null ? "null" : typeof name}`,
			);
		}
	}
	toString(): string {
		return this.name;
	}
}

/**
 * Base class for context elements, including user-defined ones.
 *
 * @example
 * class RequestId extends AbstractCoroutineContextElement {
 *   static readonly Key = new CoroutineContextKey<RequestId>("RequestId");
 *   constructor(readonly id: string) { super(RequestId.Key); }
 * }
 * // in a coroutine: currentCoroutineContext().get(RequestId.Key)?.id
 */
export abstract class AbstractCoroutineContextElement
	implements CoroutineContextElement
{
	constructor(readonly key: CoroutineContextKey<unknown>) {
		if (!(key instanceof CoroutineContextKey)) {
			throw new TypeError(
				`AbstractCoroutineContextElement(key): key must be a CoroutineContextKey (a static Key of the element class), got ${key === null ? "null" : typeof key}`,
			);
		}
	}
	get<E extends CoroutineContextElement>(
		key: CoroutineContextKey<E>,
	): E | undefined {
		return key === this.key ? (this as unknown as E) : undefined;
	}
	plus(other: CoroutineContext): CoroutineContext {
		return combine(this, other);
	}
	minusKey(key: CoroutineContextKey<unknown>): CoroutineContext {
		return key === this.key ? EmptyCoroutineContext : this;
	}
	*[Symbol.iterator](): Iterator<CoroutineContextElement> {
		yield this;
	}
}

class EmptyContext implements CoroutineContext {
	get(): undefined {
		return undefined;
	}
	plus(other: CoroutineContext): CoroutineContext {
		return other;
	}
	minusKey(): CoroutineContext {
		return this;
	}
	*[Symbol.iterator](): Iterator<CoroutineContextElement> {}
	toString(): string {
		return "EmptyCoroutineContext";
	}
}

/**
 * The context with no elements.
 *
 * @example
 * const ctx = EmptyCoroutineContext.plus(CoroutineName("loader"));
 * ctx.get(CoroutineName.Key)?.name; // "loader"
 * EmptyCoroutineContext.get(Job.Key); // undefined
 */
export const EmptyCoroutineContext: CoroutineContext = new EmptyContext();

/** Two or more elements, at most one per key, in insertion order. */
class CombinedContext implements CoroutineContext {
	constructor(readonly elements: readonly CoroutineContextElement[]) {}
	get<E extends CoroutineContextElement>(
		key: CoroutineContextKey<E>,
	): E | undefined {
		const els = this.elements;
		for (let i = 0; i < els.length; i++) {
			const el = els[i]!;
			if (el.key === key) return el as E;
		}
		return undefined;
	}
	plus(other: CoroutineContext): CoroutineContext {
		return combine(this, other);
	}
	minusKey(key: CoroutineContextKey<unknown>): CoroutineContext {
		if (!this.elements.some((e) => e.key === key)) return this;
		return fromElements(this.elements.filter((e) => e.key !== key));
	}
	[Symbol.iterator](): Iterator<CoroutineContextElement> {
		return this.elements[Symbol.iterator]();
	}
	toString(): string {
		return `[${this.elements.map(String).join(", ")}]`;
	}
}

function elementsOf(ctx: CoroutineContext): readonly CoroutineContextElement[] {
	if (ctx instanceof CombinedContext) return ctx.elements;
	if (ctx instanceof EmptyContext) return [];
	return [ctx as CoroutineContextElement];
}

function fromElements(els: CoroutineContextElement[]): CoroutineContext {
	if (els.length === 0) return EmptyCoroutineContext;
	if (els.length === 1) return els[0]!;
	return new CombinedContext(els);
}

/**
 * `left.plus(right)`, or with `right === null`, `left.minusKey(removeKey)`: for element classes
 * that cannot extend {@link AbstractCoroutineContextElement} (jobs are handler-list nodes).
 */
export function combineContexts(
	left: CoroutineContext,
	right: CoroutineContext | null,
	removeKey?: CoroutineContextKey<unknown>,
): CoroutineContext {
	if (right !== null) return combine(left, right);
	return (left as CoroutineContextElement).key === removeKey
		? EmptyCoroutineContext
		: left;
}

function combine(
	left: CoroutineContext,
	right: CoroutineContext,
): CoroutineContext {
	if (right instanceof EmptyContext) return left;
	if (left instanceof EmptyContext) return right;
	const result = elementsOf(left).slice();
	for (const el of elementsOf(right)) {
		const i = result.findIndex((e) => e.key === el.key);
		if (i >= 0) result[i] = el;
		else result.push(el);
	}
	return fromElements(result);
}

/** Throws a TypeError unless `value` is a context; names the parameter. */
export function checkContext(value: unknown, what: string): CoroutineContext {
	if (
		value === null ||
		typeof value !== "object" ||
		typeof (value as CoroutineContext).get !== "function" ||
		typeof (value as CoroutineContext).plus !== "function"
	) {
		throw new TypeError(
			`${what}: expected a CoroutineContext (a Job, dispatcher, CoroutineName, ... or their .plus()), got ${typeof value}`,
		);
	}
	return value as CoroutineContext;
}
