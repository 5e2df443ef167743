import type { CancellationException } from "../errors/exceptions.js";
import { IllegalStateException } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type SuspendingCoroutine,
	type Suspension,
} from "../intrinsics/instruction.js";
import { isAncestorOrSelf, type TreeNode } from "./ancestry.js";
import { DisposableNode, type HandlerNode } from "./handler-list.js";

/**
 * What `join` and `await` need of the job they wait for. `JobSupport` implements it; declared
 * here so that this file does not import the job it is imported by.
 */
export interface WaitTarget {
	readonly isCompleted: boolean;
	/** The parent job while attached (for the self-wait check). */
	readonly parent: object | null;
	start(): boolean;
	cancel(): void;
	/** Adds a node; or, when its moment has already come, invokes it at once and returns false. */
	addNode(node: HandlerNode): boolean;
	/** The value the body returned. */
	completedValue(): unknown;
	/** The final exception once complete. */
	completionFailure(): Error | null;
	/** The failure (not a CancellationException) the job is failing with, if any. */
	failingCause(): Error | null;
}

/**
 * Joining yourself or an ancestor can never finish: fail loudly instead of hanging. Checked only
 * when about to suspend (the target is unfinished), in O(log depth) (jump pointers, not a walk).
 */
function checkNotSelfWait(
	co: SuspendingCoroutine,
	target: WaitTarget,
	what: string,
): void {
	if (isAncestorOrSelf(co as unknown as TreeNode, target)) {
		throw new IllegalStateException(
			`${what} of ${target} from inside it (or one of its children) would wait forever`,
		);
	}
}

/** C9: `join()` — never throws for the target's outcome, only when the caller is cancelled. */
export class JoinInstruction extends Instruction<void> {
	constructor(private readonly target: WaitTarget) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		const target = this.target;
		if (!target.isCompleted) {
			target.start();
			checkNotSelfWait(co, target, "join");
		}
		if (co.isCancelled) throw co.getCancellationException();
		if (target.isCompleted) return undefined;
		const waiter = new JoinWaiter(co, target);
		co.waiting = waiter;
		target.addNode(waiter);
		return SUSPENDED;
	}
}

/** C11: `cancelAndJoin()`, cancelling when the instruction runs. */
export class CancelAndJoinInstruction extends JoinInstruction {
	constructor(private readonly job: WaitTarget) {
		super(job);
	}
	override execute(co: SuspendingCoroutine): unknown {
		this.job.cancel();
		return super.execute(co);
	}
}

class JoinWaiter extends DisposableNode implements Suspension {
	get firesOnCancelling(): boolean {
		return false;
	}
	constructor(
		private readonly co: SuspendingCoroutine,
		private readonly target: WaitTarget,
	) {
		super();
	}
	invoke(): void {
		this.co.resume(this, false, undefined, true);
	}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.dispose();
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return `join of ${this.target}`;
	}
}

/**
 * C10: `await()` — the value, or the deferred's own exception. An already complete deferred
 * answers at once without checking the caller.
 */
export class AwaitInstruction<T> extends Instruction<T> {
	constructor(private readonly target: WaitTarget) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		const target = this.target;
		if (!target.isCompleted) {
			target.start();
			checkNotSelfWait(co, target, "await");
		}
		if (target.isCompleted) {
			const failure = target.completionFailure();
			if (failure !== null) throw failure;
			return target.completedValue();
		}
		if (co.isCancelled) throw co.getCancellationException();
		const waiter = new AwaitWaiter(co, target);
		co.waiting = waiter;
		target.addNode(waiter);
		return SUSPENDED;
	}
}

class AwaitWaiter extends DisposableNode implements Suspension {
	get firesOnCancelling(): boolean {
		return false;
	}
	constructor(
		private readonly co: SuspendingCoroutine,
		private readonly target: WaitTarget,
	) {
		super();
	}
	invoke(cause: Error | null): void {
		if (cause === null)
			this.co.resume(this, false, this.target.completedValue(), true);
		else this.co.resume(this, true, cause, false);
	}
	/** C3: a caller cancelled while awaiting a failing deferred sees that failure. */
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.dispose();
		co.resume(this, true, this.target.failingCause() ?? cause, false);
	}
	describe(): string {
		return `await of ${this.target}`;
	}
}
