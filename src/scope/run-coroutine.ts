import {
	type CoroutineContext,
	checkContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import {
	Coroutine,
	checkBlock,
	newCoroutineContext,
	startCoroutine,
} from "../coroutine/coroutine.js";
import { CoroutineStart } from "../coroutine/coroutine-start.js";
import type { Block } from "./coroutine-scope.js";

/**
 * The root coroutine of `runCoroutine` (Kotlin's BlockingCoroutine): a scoped coroutine whose
 * caller is a Promise. It settles after the block and all its children finished.
 */
class BlockingCoroutine<T> extends Coroutine<T> {
	constructor(
		parentContext: CoroutineContext,
		block: Block<T>,
		private readonly settle: (failed: boolean, value: unknown) => void,
	) {
		super(parentContext, block, true);
	}
	override get className(): string {
		return "BlockingCoroutine";
	}
	protected override get isScopedCoroutine(): boolean {
		return true;
	}
	protected override onCompletionInternal(): void {
		const e = this.completionFailure();
		if (e === null) this.settle(false, this.completedValue());
		else this.settle(true, e);
	}
}

/**
 * Runs `block` as a root coroutine and returns a Promise of its result, settled once the block
 * and every coroutine launched in it have finished (Kotlin's `runBlocking`, without blocking: Node
 * has one thread). A failure of any child fails it; its Promise rejects with the first failure.
 *
 * Takes the context before or after the block: `runCoroutine(context, block)` (Kotlin's
 * `runBlocking(context) { }` order) or `runCoroutine(block, context)`.
 *
 * @example
 * const sum = await runCoroutine(function* () {
 *   const a = this.async(function* () { yield* delay(10); return 1; });
 *   return (yield* a.await()) + 1;
 * });
 * const named = await runCoroutine(CoroutineName("main"), function* () { return 1; });
 */
export function runCoroutine<T>(
	block: Block<T>,
	context?: CoroutineContext,
): Promise<T>;
export function runCoroutine<T>(
	context: CoroutineContext,
	block: Block<T>,
): Promise<T>;
export function runCoroutine<T>(
	first: Block<T> | CoroutineContext,
	second?: CoroutineContext | Block<T>,
): Promise<T> {
	// One argument is the block (whatever it is); of two, a non-function first is the context.
	const contextFirst = typeof first !== "function" && second !== undefined;
	const where = contextFirst
		? "runCoroutine(context, block)"
		: "runCoroutine(block, context)";
	const checked = checkBlock<T>(
		contextFirst ? second : first,
		contextFirst ? where : "runCoroutine",
	);
	const context = contextFirst ? first : (second ?? EmptyCoroutineContext);
	const parentContext = newCoroutineContext(
		EmptyCoroutineContext,
		checkContext(context, where),
	);
	return new Promise<T>((resolve, reject) => {
		const co = new BlockingCoroutine<T>(
			parentContext,
			checked,
			(failed, value) => {
				if (failed) reject(value);
				else resolve(value as T);
			},
		);
		startCoroutine(co, parentContext, CoroutineStart.DEFAULT);
	});
}
