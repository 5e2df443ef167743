import type { CancellationException } from "../errors/exceptions.js";
import { IllegalStateException } from "../errors/exceptions.js";
import { isAncestorOrSelf } from "../job/ancestry.js";
import { DisposableNode } from "../job/handler-list.js";
import type { JobSupport } from "../job/job-support.js";
import {
	Instruction,
	SUSPENDED,
	type SuspendingCoroutine,
	type Suspension,
} from "./instruction.js";

/** A job that `await` reads: any JobSupport (its body's value, or its final exception). */
type AwaitTarget = JobSupport;

/**
 * Joining yourself or an ancestor can never finish: fail loudly instead of hanging. Checked only
 * when about to suspend (the target is unfinished), in O(log depth) (jump pointers, not a walk).
 */
function checkNotSelfWait(
	co: SuspendingCoroutine,
	target: JobSupport,
	what: string,
): void {
	if (isAncestorOrSelf(co as unknown as JobSupport, target)) {
		throw new IllegalStateException(
			`${what} of ${target} from inside it (or one of its children) would wait forever`,
		);
	}
}

/** C9: `join()` — never throws for the target's outcome, only when the caller is cancelled. */
export class JoinInstruction extends Instruction<void> {
	constructor(private readonly target: JobSupport) {
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
	constructor(private readonly job: JobSupport) {
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
		private readonly target: JobSupport,
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
	constructor(private readonly target: AwaitTarget) {
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
		private readonly target: AwaitTarget,
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
