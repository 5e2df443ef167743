import { isCancellation } from "../errors/exceptions.js";
import type { CompletableJob } from "./job.js";
import { JobSupport } from "./job-support.js";

/**
 * `Job()`: a job with no body (Kotlin's JobImpl). Cancelling it completes it as soon as its
 * children are done (S9). It handles a child's failure only if some ancestor does (P7).
 */
export class JobImpl extends JobSupport implements CompletableJob {
	constructor(parent: JobSupport | null) {
		super(true);
		parent?.attachChild(this);
	}
	override get className(): string {
		return "JobImpl";
	}
	protected override get onCancelComplete(): boolean {
		return true;
	}
	override get handlesException(): boolean {
		for (let p = this.parent; p !== null; p = p.parent) {
			if ((p as JobSupport).handlesException) return true;
		}
		return false;
	}
	complete(): boolean {
		return this.completeJob();
	}
	completeExceptionally(exception: Error): boolean {
		if (!(exception instanceof Error)) {
			throw new TypeError(
				"completeExceptionally(exception): exception must be an Error",
			);
		}
		return this.completeJobExceptionally(exception);
	}
	/** The default message of `Job().cancel()`, as API.md §7 spells it. */
	protected override defaultCancellationMessage(): string {
		return "Job was cancelled";
	}
}

/** `SupervisorJob()`: a child's failure cancels neither the supervisor nor the siblings (V1). */
export class SupervisorJobImpl extends JobImpl {
	override get className(): string {
		return "SupervisorJobImpl";
	}
	override childCancelled(cause: Error): boolean {
		return isCancellation(cause);
	}
	override acceptsChildFailure(): boolean {
		return false;
	}
}
