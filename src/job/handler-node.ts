import type { DisposableHandle } from "./disposable-handle.js";
import type { JobSupport } from "./job-support.js";

/**
 * An entry in a job's handler list: a child job (a job is its own node in its parent's list), a
 * user completion handler, or a coroutine waiting in `join`/`await`. The list is doubly linked so
 * that removal is O(1); a removed node keeps its `next` pointer so that a walk over the list
 * survives removals made by the handlers it calls. `owner` is the job whose list holds the node.
 */
export abstract class HandlerNode {
	prev: HandlerNode | null = null;
	next: HandlerNode | null = null;
	owner: JobSupport | null = null;
	/** Set once invoked, so an onCancelling node is not invoked again at completion. */
	fired = false;

	/** Called when cancelling begins (children, onCancelling handlers), not only at completion. */
	abstract get firesOnCancelling(): boolean;

	/** `cause`: null for normal completion, else the cancellation cause or final exception. */
	abstract invoke(cause: Error | null): void;
}

/** A node whose registration the registrant can undo. */
export abstract class DisposableNode
	extends HandlerNode
	implements DisposableHandle
{
	dispose(): void {
		this.owner?.removeNode(this);
	}
	[Symbol.dispose](): void {
		this.dispose();
	}
}
