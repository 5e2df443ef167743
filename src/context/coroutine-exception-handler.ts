import { addSuppressed } from "../errors/exceptions.js";
import {
	AbstractCoroutineContextElement,
	type CoroutineContext,
	CoroutineContextKey,
} from "./coroutine-context.js";

/**
 * Receives failures no one else handles: those of a root `launch`, of a `launch` directly under a
 * supervisor, or under a plain `Job()`. Never called for `async` (its failure stays in the
 * `Deferred`) nor for a child of an ordinary coroutine (its parent handles it).
 *
 * @example
 * const handler = CoroutineExceptionHandler((_, e) => console.error("caught", e));
 * GlobalScope.launch(handler, function* () { throw new Error("boom"); });
 */
export interface CoroutineExceptionHandler
	extends AbstractCoroutineContextElement {
	handleException(context: CoroutineContext, exception: Error): void;
}

class HandlerElement
	extends AbstractCoroutineContextElement
	implements CoroutineExceptionHandler
{
	constructor(
		private readonly handler: (ctx: CoroutineContext, e: Error) => void,
	) {
		super(CoroutineExceptionHandler.Key);
	}
	handleException(context: CoroutineContext, exception: Error): void {
		this.handler(context, exception);
	}
	override toString(): string {
		return "CoroutineExceptionHandler";
	}
}

/** Creates a {@link CoroutineExceptionHandler} context element from a function. */
export function CoroutineExceptionHandler(
	handler: (ctx: CoroutineContext, e: Error) => void,
): CoroutineExceptionHandler {
	if (typeof handler !== "function") {
		throw new TypeError(
			`CoroutineExceptionHandler(handler): handler must be a function, got ${typeof handler}`,
		);
	}
	return new HandlerElement(handler);
}

export namespace CoroutineExceptionHandler {
	/** The key of the handler in a context: `context.get(CoroutineExceptionHandler.Key)`. */
	export const Key = new CoroutineContextKey<CoroutineExceptionHandler>(
		"CoroutineExceptionHandler",
	);
}

let defaultHandler: ((ctx: CoroutineContext, e: Error) => void) | null = null;

/**
 * Replaces the global last resort for uncaught coroutine failures (`null` restores the default,
 * which rethrows the failure from a macrotask so the host reports it as an uncaught exception).
 *
 * @example
 * setDefaultCoroutineExceptionHandler((ctx, e) => {
 *   console.error(`${ctx.get(CoroutineName.Key)?.name ?? "a coroutine"} failed:`, e);
 * });
 */
export function setDefaultCoroutineExceptionHandler(
	handler: ((ctx: CoroutineContext, e: Error) => void) | null,
): void {
	if (handler !== null && typeof handler !== "function") {
		throw new TypeError(
			"setDefaultCoroutineExceptionHandler(handler): expected a function or null",
		);
	}
	defaultHandler = handler;
}

/**
 * Kotlin's `handleCoroutineException`: the context's handler, else the global last resort. A
 * throwing handler does not lose the original: it is added as suppressed to the handler's error.
 */
export function handleCoroutineException(
	context: CoroutineContext,
	exception: Error,
): void {
	const handler = context.get(CoroutineExceptionHandler.Key);
	if (handler !== undefined) {
		try {
			handler.handleException(context, exception);
			return;
		} catch (t) {
			if (t === exception) {
				// Rethrown as is: nothing to add (Kotlin's handlerException).
				reportToLastResort(context, exception);
				return;
			}
			const wrapped = new Error(
				"Exception while trying to handle coroutine exception",
				{
					cause: t,
				},
			);
			addSuppressed(wrapped, exception);
			reportToLastResort(context, wrapped);
			return;
		}
	}
	reportToLastResort(context, exception);
}

function reportToLastResort(context: CoroutineContext, exception: Error): void {
	if (defaultHandler !== null) {
		try {
			defaultHandler(context, exception);
			return;
		} catch (t) {
			throwFromMacrotask(t);
			return;
		}
	}
	throwFromMacrotask(exception);
}

function throwFromMacrotask(e: unknown): void {
	setTimeout(() => {
		throw e;
	}, 0);
}
