import { JobImpl, SupervisorJobImpl } from "./job-impl.js";
import { JobKey } from "./job-key.js";
import { JobSupport } from "./job-support.js";
import type { CompletableJob, Job as JobInterface } from "./job-types.js";

export type { CompletableJob, Deferred } from "./job-types.js";

/**
 * A cancellable piece of work with a life cycle, and a node of the job tree.
 *
 * | state      | isActive | isCompleted | isCancelled |
 * |------------|----------|-------------|-------------|
 * | New        | false    | false       | false       |
 * | Active     | true     | false       | false       |
 * | Completing | true     | false       | false       |
 * | Cancelling | false    | false       | true        |
 * | Cancelled  | false    | true        | true        |
 * | Completed  | false    | true        | false       |
 *
 * A job completes only after all its children. Cancellation flows down to every descendant; a
 * child's failure (anything but a CancellationException) cancels its parent and so its siblings;
 * a failed job is also `isCancelled`.
 *
 * @example
 * const job = scope.launch(function* () { yield* delay(1000); });
 * job.cancel();
 * yield* job.join();   // returns after the coroutine's finally blocks ran
 */
export type Job = JobInterface;

/** @internal The parent given to `Job(parent)` & co.: null for none, NonCancellable or a foreign job. */
export function checkParent(parent: unknown, where: string): JobSupport | null {
	if (parent === undefined || parent === null) return null;
	if (parent instanceof JobSupport) return parent;
	if (parent === Job.Key) {
		throw new TypeError(`${where}(parent): pass a Job, not Job.Key`);
	}
	if (
		typeof parent === "object" &&
		(parent as { key?: unknown }).key === JobKey
	) {
		// NonCancellable or a foreign Job: nothing to attach to (N3).
		return null;
	}
	throw new TypeError(
		`${where}(parent): parent must be a Job, got ${typeof parent}`,
	);
}

/**
 * Creates an active job with no body, optionally a child of `parent`. Cancelling it cancels its
 * children; `complete()` completes it once they are done.
 */
export function Job(parent?: Job): CompletableJob {
	return new JobImpl(checkParent(parent, "Job"));
}

export namespace Job {
	/** Kotlin's `Job` key: `currentCoroutineContext().get(Job.Key)`. */
	export const Key = JobKey;
}

/**
 * Like {@link Job}, but a child's failure cancels neither this job nor the other children: each
 * child handles its own failure (V1).
 *
 * @example
 * const scope = CoroutineScope(SupervisorJob().plus(Dispatchers.Default));
 * scope.launch(function* () { throw new Error("boom"); }); // fails alone, reported to the handler
 * scope.launch(function* () { yield* work(); }); // keeps running
 */
export function SupervisorJob(parent?: Job): CompletableJob {
	return new SupervisorJobImpl(checkParent(parent, "SupervisorJob"));
}
