import {
	type CoroutineContext,
	checkContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import type { AbstractCoroutine } from "../coroutine/abstract-coroutine.js";
import { checkBlock } from "../coroutine/coroutine.js";
import type { Suspend } from "../intrinsics/instruction.js";
import {
	Instruction,
	SUSPENDED,
	type SuspendingCoroutine,
} from "../intrinsics/instruction.js";
import { JobKey } from "../job/job-key.js";
import { JobSupport } from "../job/job-support.js";
import type { Block } from "./coroutine-scope.js";
import {
	DispatchedCoroutine,
	ScopeCoroutine,
	SupervisorCoroutine,
} from "./scope-coroutine.js";

/**
 * How many blocks run nested in place, each in the frame of the one outside it, before the next
 * one goes through the run loop's trampoline instead: a few levels are as fast as a call, a
 * million cost no stack. The order is the same either way (the block starts before anything
 * else runs).
 */
const MAX_IN_PLACE_DEPTH = 64;
let inPlaceDepth = 0;

/**
 * Runs a scope coroutine for the calling coroutine: builds it, attaches it to its parent job,
 * and starts its block: in place when the dispatcher is the caller's (B1/B3), in this frame up
 * to {@link MAX_IN_PLACE_DEPTH} levels, deeper as the next step of the caller's run loop (the
 * caller, suspended on the scope, continues in that loop when the block ends without waiting for
 * children); else dispatched. The outcome is returned at once if the scope completed while it
 * started.
 *
 * @internal
 */
export abstract class ScopeInstruction<T, R = T> extends Instruction<R> {
	/** Creates the scope coroutine for `parentContext`; may throw to refuse (B2, T2). */
	protected abstract createScope(
		parentContext: CoroutineContext,
	): ScopeCoroutine<T>;

	/** The caller's context plus what this scoping function adds. */
	protected scopeContext(callerContext: CoroutineContext): CoroutineContext {
		return callerContext;
	}

	/** What this scoping function adds to the caller's context (the async context reads it). */
	protected get addedContext(): CoroutineContext {
		return EmptyCoroutineContext;
	}

	/** Hook after the scope is attached and before its block starts (timeouts arm here). */
	protected beforeStart(_scope: ScopeCoroutine<T>): void {}

	/** The value the caller gets from a completed scope, or throws its exception. */
	private result(scope: ScopeCoroutine<T>): unknown {
		const [failed, value] = scope.outcome();
		if (failed) throw value;
		return value;
	}

	execute(co: SuspendingCoroutine): unknown {
		const caller = co as AbstractCoroutine<unknown>;
		const parentContext = this.scopeContext(caller.context);
		const scope = this.createScope(parentContext);
		scope.attachToParent(parentContext, this.addedContext);
		this.beforeStart(scope);
		if (scope.dispatcher === caller.dispatcher) {
			if (inPlaceDepth < MAX_IN_PLACE_DEPTH) {
				// Shallow: the block runs now, in this frame; a block that completes at once
				// answers without a second step of the caller (the fast path).
				inPlaceDepth++;
				try {
					scope.startUndispatched();
				} finally {
					inPlaceDepth--;
				}
				if (scope.isCompleted) return this.result(scope);
				scope.suspendCaller(caller);
				return SUSPENDED;
			}
			// Deep: the block starts right after this step, in the same run loop (no stack).
			scope.suspendCaller(caller);
			scope.startInPlaceNext();
			return SUSPENDED;
		}
		scope.startDispatched();
		if (scope.isCompleted) return this.result(scope);
		scope.suspendCaller(caller);
		return SUSPENDED;
	}
}

class CoroutineScopeInstruction<T> extends ScopeInstruction<T> {
	constructor(
		private readonly block: Block<T>,
		private readonly supervisor: boolean,
	) {
		super();
	}
	protected createScope(parentContext: CoroutineContext): ScopeCoroutine<T> {
		return this.supervisor
			? new SupervisorCoroutine(parentContext, this.block)
			: new ScopeCoroutine(parentContext, this.block);
	}
}

class WithContextInstruction<T> extends ScopeInstruction<T> {
	constructor(
		private readonly context: CoroutineContext,
		private readonly block: Block<T>,
	) {
		super();
	}
	protected override scopeContext(
		callerContext: CoroutineContext,
	): CoroutineContext {
		return callerContext.plus(this.context);
	}
	protected override get addedContext(): CoroutineContext {
		return this.context;
	}
	protected createScope(parentContext: CoroutineContext): ScopeCoroutine<T> {
		// B2: withContext checks the new context's job on entry.
		const job = parentContext.get(JobKey);
		if (job instanceof JobSupport && !job.isActive)
			throw job.getCancellationException();
		return new DispatchedCoroutine(parentContext, this.block);
	}
}

/**
 * Runs `block` in a new scope whose job is a child of the caller's, and returns its value once
 * the block and every coroutine launched in it finished. A child's failure cancels the block and
 * the other children and is rethrown here; the caller is not cancelled (E8).
 *
 * @example
 * const [a, b] = yield* coroutineScope(function* () {
 *   const a = this.async(function* () { return yield* loadA(); });
 *   const b = this.async(function* () { return yield* loadB(); });
 *   return [yield* a.await(), yield* b.await()] as const;
 * });
 */
export function coroutineScope<T>(block: Block<T>): Suspend<T> {
	return new CoroutineScopeInstruction(
		checkBlock<T>(block, "coroutineScope"),
		false,
	);
}

/**
 * Like {@link coroutineScope}, but a child's failure cancels neither the scope nor the other
 * children (V1): each child handles its own failure. The block's own failure still cancels all.
 *
 * @example
 * yield* supervisorScope(function* () {
 *   this.launch(function* () { throw new Error("one failed"); }); // reported; the other goes on
 *   this.launch(function* () { yield* work(); });
 * });
 */
export function supervisorScope<T>(block: Block<T>): Suspend<T> {
	return new CoroutineScopeInstruction(
		checkBlock<T>(block, "supervisorScope"),
		true,
	);
}

/**
 * Runs `block` with the caller's context plus `context` (a dispatcher, a name, `NonCancellable`
 * ...), waits for it and its children, and returns its value (B3).
 *
 * DO NOT combine NonCancellable with other elements in one call: put
 * `withContext(NonCancellable, ...)` alone and nest others inside it (N2).
 *
 * @example
 * try {
 *   yield* work();
 * } finally {
 *   yield* withContext(NonCancellable, function* () { yield* flushLogs(); });
 * }
 */
export function withContext<T>(
	context: CoroutineContext,
	block: Block<T>,
): Suspend<T> {
	return new WithContextInstruction(
		checkContext(context, "withContext(context, block)"),
		checkBlock<T>(block, "withContext"),
	);
}
