/**
 * Propagation between jobs — a child's failure going up, a cancellation going down, a finished
 * child letting its parent finish — runs through this trampoline rather than by direct calls, so
 * a chain of a million jobs completing or cancelling one another is a loop, not a deep stack.
 */
import type { JobSupport } from "./job-support.js";

export const OP_PARENT_CANCELLED = 0;
export const OP_CHILD_CANCELLED = 1;
export const OP_CHILD_DONE = 2;

const ops: unknown[] = [];
let opsEnd = 0;
let draining = false;

/**
 * Runs an operation on a job now, or — when one is already running — right after it, in a loop.
 * Keeps propagation along a long chain of jobs off the stack. A throwing operation does not stop
 * the others; the first error is rethrown once the queue is empty.
 */
export function post(op: number, job: JobSupport, arg: unknown): void {
	ops[opsEnd] = op;
	ops[opsEnd + 1] = job;
	ops[opsEnd + 2] = arg;
	opsEnd += 3;
	if (draining) return;
	draining = true;
	let failure: unknown = null;
	let failed = false;
	try {
		for (let i = 0; i < opsEnd; i += 3) {
			const target = ops[i + 1] as JobSupport;
			const opArg = ops[i + 2];
			ops[i + 1] = undefined;
			ops[i + 2] = undefined;
			try {
				target.runOp(ops[i] as number, opArg);
			} catch (e) {
				if (!failed) {
					failed = true;
					failure = e;
				}
			}
		}
	} finally {
		opsEnd = 0;
		draining = false;
		// A burst (cancelling a large tree) grew the array: give the memory back.
		if (ops.length > 3 * 4096) ops.length = 0;
	}
	if (failed) throw failure;
}
