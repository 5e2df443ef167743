import type { Task } from "../dispatchers/task.js";
import type { DisposableHandle } from "../job/disposable-handle.js";

/**
 * The real-time clock behind `delay` and `withTimeout`: one binary min-heap of timers ordered by
 * (deadline, sequence), driven by a single host `setTimeout` armed for the earliest deadline.
 *
 * Invariants: `heap[i].index === i`; a removed timer has `index === -1`. The host timer is
 * ref'ed exactly while the heap is non-empty, so the process stays alive while some coroutine
 * waits on time and exits by itself after. An emptied heap only unrefs the host timer instead of
 * clearing it, so a burst of short-lived timers (withTimeout around fast bodies) does not pay a
 * setTimeout/clearTimeout pair each.
 */
class Timer implements DisposableHandle {
	index = -1;
	constructor(
		readonly deadline: number,
		readonly seq: number,
		readonly task: Task,
	) {}
	dispose(): void {
		if (this.index >= 0) removeAt(this.index);
	}
	[Symbol.dispose](): void {
		this.dispose();
	}
}

const heap: Timer[] = [];
let seq = 0;
let host: NodeJS.Timeout | null = null;
let hostDeadline = Number.POSITIVE_INFINITY;
/** Mirrors the host timer's ref state, so ref()/unref() are called only on a change. */
let hostRefed = false;

function less(a: Timer, b: Timer): boolean {
	return (
		a.deadline < b.deadline || (a.deadline === b.deadline && a.seq < b.seq)
	);
}

function siftUp(i: number): void {
	const t = heap[i]!;
	while (i > 0) {
		const p = (i - 1) >> 1;
		const parent = heap[p]!;
		if (!less(t, parent)) break;
		heap[i] = parent;
		parent.index = i;
		i = p;
	}
	heap[i] = t;
	t.index = i;
}

function siftDown(i: number): void {
	const n = heap.length;
	const t = heap[i]!;
	for (;;) {
		const l = 2 * i + 1;
		if (l >= n) break;
		const r = l + 1;
		const c = r < n && less(heap[r]!, heap[l]!) ? r : l;
		const child = heap[c]!;
		if (!less(child, t)) break;
		heap[i] = child;
		child.index = i;
		i = c;
	}
	heap[i] = t;
	t.index = i;
}

function removeAt(i: number): void {
	const removed = heap[i]!;
	removed.index = -1;
	const last = heap.pop()!;
	if (last !== removed) {
		heap[i] = last;
		last.index = i;
		siftDown(i);
		siftUp(last.index);
	}
	if (heap.length === 0 && host !== null && hostRefed) {
		host.unref();
		hostRefed = false;
	}
}

function arm(now: number): void {
	const first = heap[0];
	if (first === undefined) return;
	if (host !== null && hostDeadline <= first.deadline) {
		if (!hostRefed) {
			host.ref();
			hostRefed = true;
		}
		return;
	}
	if (host !== null) clearTimeout(host);
	hostDeadline = first.deadline;
	host = setTimeout(fire, Math.max(0, Math.ceil(first.deadline - now)));
	hostRefed = true;
}

function fire(): void {
	host = null;
	hostRefed = false;
	hostDeadline = Number.POSITIVE_INFINITY;
	const now = performance.now();
	// Host timers may fire up to a millisecond early on the monotonic clock: allow for it.
	while (heap.length > 0 && heap[0]!.deadline <= now + 1) {
		const t = heap[0]!;
		removeAt(0);
		try {
			t.task.run();
		} catch (e) {
			setTimeout(() => {
				throw e;
			}, 0);
		}
	}
	arm(performance.now());
}

export const defaultDelay = {
	now(): number {
		return performance.now();
	},
	scheduleTimer(timeMillis: number, task: Task): DisposableHandle {
		const now = performance.now();
		const t = new Timer(now + timeMillis, seq++, task);
		heap.push(t);
		siftUp(heap.length - 1);
		arm(now);
		return t;
	},
	/** For tests and debugging: how many timers are pending. */
	pendingTimers(): number {
		return heap.length;
	},
};
