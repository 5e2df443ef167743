import { isCancellation } from "../errors/exceptions.js";
import { JobSupport } from "./job-support.js";
import type { CompletableJob } from "./job-types.js";

/**
 * `Job()`: a job with no body (Kotlin's JobImpl). Cancelling it completes it as soon as its
 * children are done (S9). It handles a child's failure only if some ancestor does (P7).
 */
export class JobImpl extends JobSupport implements CompletableJob {
	/**
	 * Computed once, as Kotlin does: a JobImpl parent answers from its own stored value, so this
	 * is O(1) however deep a chain of `Job(parent)` grows.
	 */
	private readonly handles: boolean;

	constructor(parent: JobSupport | null) {
		super(true);
		this.handles = parent?.handlesException === true;
		parent?.attachChild(this);
	}
	override get className(): string {
		return "JobImpl";
	}
	protected override get onCancelComplete(): boolean {
		return true;
	}
	override get handlesException(): boolean {
		return this.handles;
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
	/** The default message of `Job().cancel()`, as Kotlin spells it (C1). */
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
