import {
	type AsyncContext,
	activeAsyncContext,
	runInAsyncContext,
} from "../context/async-context.js";
import { type MacrotaskHost, macrotaskScheduler } from "./macrotask.js";
import type { Task } from "./task.js";

/**
 * The run queue behind `Dispatchers.Default`: a FIFO ring buffer drained in one synchronous loop
 * (a trampoline), so a step costs no promise and no stack growth.
 *
 * Fairness: a drain that runs longer than {@link SLICE_MS} hands control back to the event loop
 * with a macrotask (`setImmediate`, else a `MessageChannel` message, else `setTimeout(0)`: see
 * macrotask.ts), so timers, I/O, input events and promise callbacks of plain code still run
 * while a coroutine loops on `yieldNow()`. The first drain after the queue was empty is a
 * microtask: a coroutine resumed by a promise continues in the same turn, as an `async` function
 * would.
 *
 * The clock is read every few tasks, not after each: the interval adapts so that a read comes
 * about every {@link CHECK_INTERVAL_MS} (up to {@link MAX_CHECK_EVERY} tasks apart when steps
 * are tiny, after every task when they are heavy), so heavy steps cannot stretch a slice by
 * hundreds of steps.
 *
 * The slice was picked by measurement (a coroutine looping on `yieldNow()` while a repeating
 * `setTimeout(0)` and a loopback socket measure their lateness, bench's fairness workload):
 * with 3 ms the median timer lateness was 3.1 ms and the maximum 7-9 ms on an idle machine (a
 * timer set while the queue starts from a microtask can wait for that slice and the next one,
 * plus a JIT or GC pause); with 1 ms the median is 1.05 ms (Node's own floor for
 * `setTimeout(0)` is 1 ms) and the maximum 4.5-5 ms, and the loop still does ~18 M steps/s: a
 * hop to the event loop costs ~2.5 µs, so 1,000 hops a second take 0.25% of the time.
 *
 * Async context: a task that names one (a coroutine's `asyncContext`) runs in it. The drain
 * enters a context once and runs every following task of the same context (or of none) inside
 * it, leaving it only when the next task names another: coroutines of one root cost a
 * comparison per step, not a context switch.
 */
export const SLICE_MS = 1;
/** Aim: one clock read per this many milliseconds of tasks. */
const CHECK_INTERVAL_MS = 0.05;
const MAX_CHECK_EVERY = 256;
const FIRST_CHECK_EVERY = 4;

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

/**
 * The slice of the current drain: when it ends, how many tasks run between clock reads, how many
 * are left until the next read, and when the clock was last read.
 */
let deadline = 0;
let checkEvery = FIRST_CHECK_EVERY;
let countdown = FIRST_CHECK_EVERY;
let lastCheck = 0;
let overBudget = false;
/** The task the drain is running now (a coroutine step), or null. */
let running: Task | null = null;

function sliceExhausted(): boolean {
	if (overBudget) return true;
	if (--countdown > 0) return false;
	const now = performance.now();
	// Adapt the interval to the observed cost of a task: ~CHECK_INTERVAL_MS between reads.
	const elapsed = now - lastCheck;
	lastCheck = now;
	let every = checkEvery;
	if (elapsed > 2 * CHECK_INTERVAL_MS) every = every >> 1 || 1;
	else if (elapsed < CHECK_INTERVAL_MS / 2 && every < MAX_CHECK_EVERY)
		every <<= 1;
	checkEvery = every;
	countdown = every;
	if (now < deadline) return false;
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
 * After a slice, the event loop gets its turn (a macrotask) and the next drain runs as a
 * microtask of that turn, not in the macrotask callback itself: V8 builds a message object for
 * every exception thrown inside a macrotask callback (Node reports uncaught ones from there) but
 * not inside a microtask, so a `throw` there (a cancellation thrown into a generator) costs half.
 */
function drainSoon(): void {
	queueMicrotask(drain);
}

let yieldToEventLoop = macrotaskScheduler(drainSoon).schedule;

/**
 * @internal For tests: how the queue yields to the event loop is picked from `host` (a stand-in
 * global without `setImmediate`, say); with no argument, from the real global object again.
 */
export function useMacrotaskHost(host?: MacrotaskHost): void {
	yieldToEventLoop = macrotaskScheduler(drainSoon, host).schedule;
}

function drain(): void {
	scheduled = false;
	draining = true;
	const now = performance.now();
	deadline = now + SLICE_MS;
	lastCheck = now;
	// Start every drain with frequent reads: the tasks now may be heavier than the last ones.
	checkEvery = FIRST_CHECK_EVERY;
	countdown = FIRST_CHECK_EVERY;
	overBudget = false;
	try {
		let next = runTasks();
		while (next !== undefined)
			next = runInAsyncContext(next, runTasks, undefined, undefined);
	} finally {
		running = null;
		draining = false;
		if (head === tail && buffer.length > MAX_IDLE_CAPACITY) shrink();
	}
}

/**
 * Runs queued tasks until the queue is empty, the slice is over (the next drain is scheduled),
 * or the next task names an async context other than the active one: returns that context.
 */
function runTasks(): AsyncContext | undefined {
	while (head !== tail) {
		const task = buffer[head]!;
		const ac = task.asyncContext;
		if (ac !== undefined && ac !== activeAsyncContext) return ac;
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
			yieldToEventLoop();
			return undefined;
		}
	}
	return undefined;
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
