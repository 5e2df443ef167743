import type { Task } from "./task.js";

/**
 * The run queue behind `Dispatchers.Default`: a FIFO ring buffer drained in one synchronous loop
 * (a trampoline), so a step costs no promise and no stack growth.
 *
 * Fairness: a drain that runs longer than {@link SLICE_MS} hands control back to the event loop
 * with `setImmediate`, so timers, I/O and promise callbacks of plain code still run while a
 * coroutine loops on `yieldNow()`. The clock is read once every {@link CHECK_EVERY} tasks only.
 * The first drain after the queue was empty is a microtask: a coroutine resumed by a promise
 * continues in the same turn, as an `async` function would.
 *
 * The slice was picked by measurement (a coroutine looping on `yieldNow()` while a repeating
 * `setTimeout(0)` measures its lateness): 3 ms gives a median lateness of ~3.1 ms and a maximum
 * under 10 ms, while the hop to the event loop (a few hundred per second) costs under 1% of the
 * steps. The bench's fairness workload reports the current figures.
 */
export const SLICE_MS = 3;
const CHECK_EVERY = 256;

let buffer: (Task | undefined)[] = new Array(1024);
let mask = 1023;
let head = 0;
let tail = 0;
let scheduled = false;
let draining = false;

export function enqueue(task: Task): void {
	buffer[tail] = task;
	tail = (tail + 1) & mask;
	if (tail === head) grow();
	if (!scheduled && !draining) {
		scheduled = true;
		queueMicrotask(drain);
	}
}

/** Whether tasks are waiting (used by `yieldNow` on Unconfined-like paths and by tests). */
export function hasQueuedTasks(): boolean {
	return head !== tail;
}

function grow(): void {
	const old = buffer;
	const size = old.length;
	const next: (Task | undefined)[] = new Array(size * 2);
	// head === tail here: the buffer is full; unroll it from head.
	for (let i = 0; i < size; i++) next[i] = old[(head + i) & mask];
	buffer = next;
	head = 0;
	tail = size;
	mask = size * 2 - 1;
}

/** The slice of the current drain: when it ends, and how many tasks ran since the last clock read. */
let deadline = 0;
let count = 0;
let overBudget = false;
/** The task the drain is running now (a coroutine step), or null. */
let running: Task | null = null;

function sliceExhausted(): boolean {
	if (overBudget) return true;
	if (++count < CHECK_EVERY) return false;
	count = 0;
	if (performance.now() < deadline) return false;
	overBudget = true;
	return true;
}

/**
 * `yieldNow()` by the task the drain is running, while nothing else is queued and the slice is
 * not over: going to the tail of an empty queue and being dequeued at once is the same as going
 * on, so the coroutine continues in place (the step still counts against the slice).
 */
export function tryContinueInPlace(task: Task): boolean {
	return task === running && head === tail && !sliceExhausted();
}

/**
 * After a slice, the event loop gets its turn (setImmediate) and the next drain runs as a
 * microtask of that turn, not in the immediate callback itself: V8 builds a message object for
 * every exception thrown inside a macrotask callback (Node reports uncaught ones from there) but
 * not inside a microtask, so a `throw` there (a cancellation thrown into a generator) costs half.
 */
function drainSoon(): void {
	queueMicrotask(drain);
}

function drain(): void {
	scheduled = false;
	draining = true;
	deadline = performance.now() + SLICE_MS;
	count = 0;
	overBudget = false;
	try {
		while (head !== tail) {
			const task = buffer[head]!;
			buffer[head] = undefined;
			head = (head + 1) & mask;
			running = task;
			try {
				task.run();
			} catch (e) {
				reportTaskFailure(e);
			}
			running = null;
			if (head !== tail && sliceExhausted()) {
				scheduled = true;
				setImmediate(drainSoon);
				return;
			}
		}
	} finally {
		running = null;
		draining = false;
		if (head === tail && buffer.length > MAX_IDLE_CAPACITY) shrink();
	}
}

/** A burst of launches grew the ring: give the memory back once it is empty. */
const MAX_IDLE_CAPACITY = 16384;

function shrink(): void {
	buffer = new Array(1024);
	mask = 1023;
	head = 0;
	tail = 0;
}

/** A task that throws is a bug in a user dispatcher block; report it like an uncaught error. */
function reportTaskFailure(e: unknown): void {
	setTimeout(() => {
		throw e;
	}, 0);
}
