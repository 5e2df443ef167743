import type { DisposableHandle } from "./disposable-handle.js";
import type { JobSupport } from "./job-support.js";

/**
 * An entry in a job's handler list: a child, a user completion handler, or a coroutine waiting in
 * `join`/`await`. The list is doubly linked so that disposing is O(1); a removed node keeps its
 * `next` pointer so that a walk over the list survives removals made by the handlers it calls.
 */
export abstract class HandlerNode implements DisposableHandle {
	prev: HandlerNode | null = null;
	next: HandlerNode | null = null;
	owner: JobSupport | null = null;
	/** Called when cancelling begins (children, onCancelling handlers), not only at completion. */
	abstract readonly onCancelling: boolean;
	/** Set once invoked, so an onCancelling node is not invoked again at completion. */
	fired = false;

	/** `cause`: null for normal completion, else the cancellation cause or final exception. */
	abstract invoke(cause: Error | null): void;

	dispose(): void {
		this.owner?.removeNode(this);
	}
	[Symbol.dispose](): void {
		this.dispose();
	}
}
