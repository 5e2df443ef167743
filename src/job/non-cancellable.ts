import { AbstractCoroutineContextElement } from "../context/coroutine-context.js";
import { IllegalStateException } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import {
	type DisposableHandle,
	NonDisposableHandle,
} from "./disposable-handle.js";
import type { Job } from "./job.js";
import { JobKey } from "./job-key.js";

/** The job behind {@link NonCancellable}. */
class NonCancellableJob extends AbstractCoroutineContextElement implements Job {
	constructor() {
		super(JobKey);
	}
	get isActive(): boolean {
		return true;
	}
	get isCompleted(): boolean {
		return false;
	}
	get isCancelled(): boolean {
		return false;
	}
	get parent(): Job | null {
		return null;
	}
	get children(): Iterable<Job> {
		return [];
	}
	start(): boolean {
		return false;
	}
	cancel(): void {}
	cancelChildren(): void {}
	join(): Suspend<void> {
		throw new IllegalStateException(
			"NonCancellable.join() is not supported: it never completes",
		);
	}
	cancelAndJoin(): Suspend<void> {
		throw new IllegalStateException(
			"NonCancellable.cancelAndJoin() is not supported: it never completes",
		);
	}
	ensureActive(): void {}
	getCancellationException(): never {
		throw new IllegalStateException("This job is always active");
	}
	invokeOnCompletion(): DisposableHandle {
		return NonDisposableHandle;
	}
	asAbortSignal(): AbortSignal {
		return new AbortController().signal;
	}
	override toString(): string {
		return "NonCancellable";
	}
}

/**
 * A job that is always active and never completes (N1). Its use: shield cleanup that must suspend.
 *
 * DO NOT pass it to `launch` or `async`: the new coroutine would lose its parent (it is neither
 * cancelled with it nor awaited by it). Use it only as `withContext(NonCancellable, block)`.
 *
 * @example
 * try { yield* work(); } finally {
 *   yield* withContext(NonCancellable, function* () { yield* releaseRemotely(); });
 * }
 */
export const NonCancellable: Job = new NonCancellableJob();
