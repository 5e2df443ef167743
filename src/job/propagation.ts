/**
 * Propagation between jobs — a cancellation going down, a child's failure going up, a finished
 * child letting its parent finish.
 *
 * It runs as direct calls, depth-first, exactly in Kotlin's order (descendants are cancelled
 * before a parent's own wait, H3), while the chain is shallower than {@link MAX_DEPTH}. Deeper
 * than that, operations are queued and run in a loop once the outermost one returns: a chain of
 * a million jobs completing or cancelling one another never overflows the stack.
 */
/** A job as propagation sees it (a JobSupport): it runs the operations posted to it. */
export interface OpTarget {
	runOp(op: number, arg: unknown): void;
}

export const OP_PARENT_CANCELLED = 0;
export const OP_CHILD_CANCELLED = 1;
export const OP_CHILD_DONE = 2;

const MAX_DEPTH = 500;

const queued: unknown[] = [];
let queuedEnd = 0;
let depth = 0;

export function post(op: number, job: OpTarget, arg: unknown): void {
	if (depth >= MAX_DEPTH) {
		queued[queuedEnd] = op;
		queued[queuedEnd + 1] = job;
		queued[queuedEnd + 2] = arg;
		queuedEnd += 3;
		return;
	}
	depth++;
	try {
		job.runOp(op, arg);
	} finally {
		depth--;
	}
	if (depth === 0 && queuedEnd > 0) drainQueued();
}

/** Runs the operations deferred by a deep chain; each may recurse again up to MAX_DEPTH. */
function drainQueued(): void {
	let failure: unknown = null;
	let failed = false;
	depth = 1;
	try {
		for (let i = 0; i < queuedEnd; i += 3) {
			const target = queued[i + 1] as OpTarget;
			const arg = queued[i + 2];
			queued[i + 1] = undefined;
			queued[i + 2] = undefined;
			try {
				target.runOp(queued[i] as number, arg);
			} catch (e) {
				if (!failed) {
					failed = true;
					failure = e;
				}
			}
		}
	} finally {
		queuedEnd = 0;
		depth = 0;
		// A burst (a very deep chain) grew the array: give the memory back.
		if (queued.length > 3 * 4096) queued.length = 0;
	}
	if (failed) throw failure;
}
