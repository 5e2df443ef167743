import type { CoroutineContext } from "../context/coroutine-context.js";
import type { AbstractCoroutine } from "../coroutine/abstract-coroutine.js";
import { Coroutine } from "../coroutine/coroutine.js";
import { isCancellation } from "../errors/exceptions.js";
import type { Suspension } from "../intrinsics/instruction.js";
import type { Block } from "./coroutine-scope.js";

/**
 * The coroutine of a scoping function (`coroutineScope`, `withContext`, ...): its block runs for a
 * caller that waits for it, and its final exception is rethrown to that caller instead of
 * cancelling the parent (P8, E8).
 *
 * How the caller gets the outcome (B1): if the scope completes while it starts (the block did not
 * suspend and has no children) the instruction returns it directly; if the block itself finishes
 * last, the caller continues in the same frame (unless the dispatchers differ); if the last child
 * finishes last, the caller is resumed through its dispatcher with prompt cancellation.
 *
 * The scope is also the caller's `waiting` suspension: cancelling the caller does not end the
 * wait — the scope is the caller's child and finishes first.
 */
export class ScopeCoroutine<T> extends Coroutine<T> implements Suspension {
	private caller: AbstractCoroutine<unknown> | null = null;

	constructor(parentContext: CoroutineContext, block: Block<T>) {
		super(parentContext, block, true);
	}

	override get className(): string {
		return "ScopeCoroutine";
	}
	protected override get isScopedCoroutine(): boolean {
		return true;
	}

	/** The caller suspends until this scope completes. */
	suspendCaller(caller: AbstractCoroutine<unknown>): void {
		this.caller = caller;
		caller.waiting = this;
	}

	/** `[failed, value]` as the caller must see it. */
	outcome(): [boolean, unknown] {
		const e = this.completionFailure();
		return e === null ? [false, this.completedValue()] : [true, e];
	}

	protected override onCompletionInternal(): void {
		const caller = this.caller;
		if (caller === null) return;
		if (this.finishingBody && caller.dispatcher === this.dispatcher) return; // afterBodyFinished
		this.caller = null;
		const [failed, value] = this.outcome();
		caller.resume(this, failed, value, true);
	}

	protected override afterBodyFinished(): void {
		const caller = this.caller;
		if (caller === null || !this.isCompleted) return;
		this.caller = null;
		const [failed, value] = this.outcome();
		caller.resumeInPlace(this, failed, value);
	}

	cancelWait(): void {
		// Cancelling the caller reaches this scope through the job tree; the wait goes on.
	}
	describe(): string {
		return `${this.className} ${this}`;
	}
}

/** `supervisorScope`: children's failures stay with the children (V1). */
export class SupervisorCoroutine<T> extends ScopeCoroutine<T> {
	override get className(): string {
		return "SupervisorCoroutine";
	}
	override childCancelled(cause: Error): boolean {
		return isCancellation(cause);
	}
	override acceptsChildFailure(): boolean {
		return false;
	}
}

/** `withContext`'s coroutine (Kotlin's DispatchedCoroutine / UndispatchedCoroutine). */
export class DispatchedCoroutine<T> extends ScopeCoroutine<T> {
	override get className(): string {
		return "DispatchedCoroutine";
	}
}
