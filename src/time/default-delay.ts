import {
	captureAsyncContext,
	runInAsyncContext,
} from "../context/async-context.js";
import type { Task } from "../dispatchers/task.js";
import type { TimerHandle } from "./timer-handle.js";
import { type HeapTimer, TimerHeap } from "./timer-heap.js";

/**
 * The real-time clock behind `delay` and `withTimeout`: one {@link TimerHeap} of timers ordered by
 * (deadline, sequence), driven by a single host `setTimeout` armed for the earliest deadline.
 *
 * Invariants: a removed timer has `index === -1`. The host timer is
 * ref'ed exactly while the heap is non-empty, so the process stays alive while some coroutine
 * waits on time and exits by itself after. An emptied heap only unrefs the host timer instead of
 * clearing it, so a burst of short-lived timers (withTimeout around fast bodies) does not pay a
 * setTimeout/clearTimeout pair each.
 */
class Timer implements TimerHandle, HeapTimer {
	index = -1;
	constructor(
		readonly time: number,
		readonly seq: number,
		readonly task: Task,
	) {}
	dispose(): void {
		if (this.index >= 0) removeAt(this.index);
	}
}

const heap = new TimerHeap<Timer>();
let seq = 0;
let host: ReturnType<typeof setTimeout> | null = null;
let hostDeadline = Number.POSITIVE_INFINITY;
/** Mirrors the host timer's ref state, so ref()/unref() are called only on a change. */
let hostRefed = false;

function removeAt(i: number): void {
	heap.removeAt(i);
	if (heap.size === 0 && host !== null && hostRefed) {
		if (canUnref(host)) host.unref();
		else {
			// A browser's or Deno's timer is a number, with no unref: clear it instead, so that
			// an idle clock keeps no Deno process alive.
			clearTimeout(host);
			host = null;
			hostDeadline = Number.POSITIVE_INFINITY;
		}
		hostRefed = false;
	}
}

/** Node's and Bun's timers are objects that can be unref'ed; elsewhere a timer is a number. */
function canUnref(
	timer: ReturnType<typeof setTimeout>,
): timer is NodeJS.Timeout {
	return typeof (timer as { unref?: unknown }).unref === "function";
}

/**
 * The async context the host timer is armed in: the one of this module's first load, not the one
 * of whichever coroutine happened to arm it. The host timer re-arms itself from its own callback,
 * so armed in a request's context it would keep that request's stores (a span, a user) alive for
 * as long as any coroutine waits on time. Due timers resume coroutines, which enter their own.
 */
const hostContext = captureAsyncContext();

function setHostTimer(ms: number): ReturnType<typeof setTimeout> {
	return setTimeout(fire, ms);
}

function arm(now: number): void {
	const first = heap.peek();
	if (first === undefined) return;
	if (host !== null && hostDeadline <= first.time) {
		if (!hostRefed) {
			if (canUnref(host)) host.ref();
			hostRefed = true;
		}
		return;
	}
	if (host !== null) clearTimeout(host);
	hostDeadline = first.time;
	const ms = Math.max(0, Math.ceil(first.time - now));
	host =
		hostContext === undefined
			? setHostTimer(ms)
			: runInAsyncContext(hostContext, setHostTimer, undefined, ms);
	hostRefed = true;
}

function fire(): void {
	host = null;
	hostRefed = false;
	hostDeadline = Number.POSITIVE_INFINITY;
	const now = performance.now();
	// Host timers may fire up to a millisecond early on the monotonic clock: allow for it.
	for (
		let t = heap.peek();
		t !== undefined && t.time <= now + 1;
		t = heap.peek()
	) {
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
	scheduleTimer(timeMillis: number, task: Task): TimerHandle {
		const now = performance.now();
		const t = new Timer(now + timeMillis, seq++, task);
		heap.push(t);
		arm(now);
		return t;
	},
	/** For tests and debugging: how many timers are pending. */
	pendingTimers(): number {
		return heap.size;
	},
};
