import type { Suspend } from "../intrinsics/instruction.js";
import { getCompletedOf, promiseOf } from "./deferred-support.js";
import { checkParent, type Deferred, type Job } from "./job.js";
import { JobSupport } from "./job-support.js";
import { AwaitInstruction } from "./join-await.js";

/** A {@link Deferred} completed by hand (Kotlin's `CompletableDeferred`). */
export interface CompletableDeferred<T> extends Deferred<T> {
	/** Completes with `value`; false if already completed. */
	complete(value: T): boolean;
	/** Completes with a failure; false if already completed. */
	completeExceptionally(exception: Error): boolean;
}

class CompletableDeferredImpl<T>
	extends JobSupport
	implements CompletableDeferred<T>
{
	constructor(parent: JobSupport | null) {
		super(true);
		parent?.attachChild(this);
	}
	override get className(): string {
		return "CompletableDeferredImpl";
	}
	/** Kotlin's JobSupport default: only coroutines say "<Class> was cancelled". */
	protected override defaultCancellationMessage(): string {
		return "Job was cancelled";
	}
	protected override get onCancelComplete(): boolean {
		return true;
	}
	complete(value: T): boolean {
		if (!this.canComplete) return false;
		this.resultValue = value;
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
	await(): Suspend<T> {
		return new AwaitInstruction<T>(this);
	}
	getCompleted(): T {
		return getCompletedOf<T>(this);
	}
	asPromise(): Promise<T> {
		return promiseOf<T>(this);
	}
}

/**
 * Creates a deferred value completed by hand, optionally a child of `parent` (cancelling the
 * parent cancels it).
 *
 * @example
 * const ready = CompletableDeferred<string>();
 * scope.launch(function* () { ready.complete("go"); });
 * const v = yield* ready.await(); // "go"
 */
export function CompletableDeferred<T>(parent?: Job): CompletableDeferred<T> {
	return new CompletableDeferredImpl<T>(
		checkParent(parent, "CompletableDeferred"),
	);
}
