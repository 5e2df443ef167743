import {
	AbstractCoroutineContextElement,
	CoroutineContextKey,
} from "./coroutine-context.js";

/** A user-given name for a coroutine: shown in `toString()`, timeouts, debug dumps and `main()`. */
export interface CoroutineName extends AbstractCoroutineContextElement {
	readonly name: string;
}

class CoroutineNameElement
	extends AbstractCoroutineContextElement
	implements CoroutineName
{
	constructor(readonly name: string) {
		super(CoroutineName.Key);
	}
	override toString(): string {
		return `CoroutineName(${this.name})`;
	}
}

/**
 * Names a coroutine: `scope.launch(CoroutineName("loader"), function* () { ... })`.
 *
 * @example
 * scope.launch(CoroutineName("loader"), function* () {
 *   currentCoroutineContext().get(CoroutineName.Key)?.name; // "loader"
 * });
 */
export function CoroutineName(name: string): CoroutineName {
	if (typeof name !== "string") {
		throw new TypeError(
			`CoroutineName(name): name must be a string, got ${typeof name}`,
		);
	}
	return new CoroutineNameElement(name);
}

export namespace CoroutineName {
	/** Kotlin's `CoroutineName.Key`: `ctx.get(CoroutineName.Key)`. */
	export const Key = new CoroutineContextKey<CoroutineName>("CoroutineName");
}
