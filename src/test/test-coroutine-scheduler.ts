/**
 * Virtual time for tests (kotlinx-coroutines-test's `TestCoroutineScheduler`).
 *
 * Every task of a test dispatcher and every timer of `delay`/`withTimeout` is an event with a
 * virtual time and a sequence number. Events due now wait in the ready queue, in (time, sequence)
 * order; later ones in a timer heap. The clock moves only when told: `advanceTimeBy`,
 * `advanceUntilIdle`, or `runTest`, which jumps it to the next timer whenever nothing is ready.
 *
 * Seeded order: with a `seed`, each next event is drawn from the ready queue by a seeded random
 * generator (one draw per pick when two or more are ready; the drawn event swaps places with the
 * head of the queue), so events due at the same virtual instant run in an order the seed decides
 * and the same seed replays it.
 *
 * Kotlin's L2: a due `delay` is one event, which resumes its coroutine at once (not a second trip
 * through the queue). A timer whose task is a coroutine's wait (it has `cancelWait`) gets this
 * treatment: the first dispatch it makes, for the context it was scheduled with, runs right after
 * it instead of joining the tail of the queue.
 *
 * Invariants: an event is in exactly one place (`index >= 0`: the heap, IN_QUEUE: the ready
 * queue, DONE: run or disposed); `foreground` counts pending events without BackgroundWork; the
 * clock never goes back; a heap timer due now (left by `advanceTimeBy`) is promoted to the ready
 * queue before anything is picked or enqueued.
 */
import {
	AbstractCoroutineContextElement,
	type CoroutineContext,
	CoroutineContextKey,
} from "../context/coroutine-context.js";
import type { RandomSource } from "../dispatchers/random-source.js";
import type { Task } from "../dispatchers/task.js";
import type { DisposableHandle } from "../job/disposable-handle.js";
import { type HeapTimer, TimerHeap } from "../time/timer-heap.js";
import { isBackground } from "./background-work.js";
import { checkOptions } from "./check-options.js";
import { checkSeed, mulberry32 } from "./prng.js";

const IN_QUEUE = -2;
const DONE = -1;

class TestEvent implements DisposableHandle, HeapTimer {
	index = DONE;
	constructor(
		readonly time: number,
		readonly seq: number,
		readonly task: Task,
		readonly context: CoroutineContext,
		readonly background: boolean,
		readonly resumesCoroutine: boolean,
		private readonly scheduler: TestCoroutineScheduler,
	) {}
	dispose(): void {
		this.scheduler.removeEvent(this);
	}
	[Symbol.dispose](): void {
		this.dispose();
	}
}

/**
 * The virtual clock and task queue shared by test dispatchers. `runTest` creates one; tests that
 * drive time by hand create their own and pass it to {@link StandardTestDispatcher}.
 *
 * It is a context element: `currentCoroutineContext().get(TestCoroutineScheduler.Key)` inside
 * `runTest` is the test's scheduler.
 *
 * @example
 * const scheduler = new TestCoroutineScheduler();
 * const scope = CoroutineScope(StandardTestDispatcher(scheduler));
 * scope.launch(function* () { yield* delay(1000); console.log("tick"); });
 * scheduler.advanceTimeBy(999); // nothing yet
 * scheduler.advanceTimeBy(1);
 * scheduler.runCurrent();       // prints "tick"; currentTime === 1000
 */
// A DelayProvider (checked where TestDispatcher hands it out), without an `implements` clause:
// that would put an internal type into the published declarations.
export class TestCoroutineScheduler extends AbstractCoroutineContextElement {
	static readonly Key = new CoroutineContextKey<TestCoroutineScheduler>(
		"TestCoroutineScheduler",
	);

	/** The seed that orders events due at the same instant; undefined: FIFO order. */
	readonly seed: number | undefined;
	private time = 0;
	private seq = 0;
	private readonly ready: (TestEvent | undefined)[] = [];
	private readyHead = 0;
	private readonly timers = new TimerHeap<TestEvent>();
	private foreground = 0;
	private readonly random: (() => number) | null;
	/**
	 * @internal Random choices made by coroutines (`selectUnbiased`): from the seed when there
	 * is one (a stream of its own, so they do not change the order of tasks), else Math.random.
	 */
	readonly choices: RandomSource;
	/** While a coroutine-resuming timer runs: the context whose dispatch runs right after it. */
	private directContext: CoroutineContext | null = null;
	private directTask: Task | null = null;
	/** @internal How many events ran (for tests of the scheduler and for diagnostics). */
	eventsRun = 0;
	/** @internal Receives what a task threw (runTest reports it); default: rethrown later. */
	onTaskFailure: ((error: unknown) => void) | null = null;

	constructor(options: { seed?: number } = {}) {
		super(TestCoroutineScheduler.Key);
		checkOptions(options, "TestCoroutineScheduler(options)");
		const seed = options.seed;
		if (seed === undefined) {
			this.seed = undefined;
			this.random = null;
			this.choices = { random: Math.random };
		} else {
			this.seed = checkSeed(seed, "TestCoroutineScheduler({ seed })");
			this.random = mulberry32(this.seed);
			this.choices = { random: mulberry32(this.seed ^ 0x5e1ec7ed) };
		}
	}

	/** The virtual time in milliseconds, from 0 at creation. */
	get currentTime(): number {
		return this.time;
	}

	/** @internal DelayProvider: the virtual clock (an arrow: the runtime calls it unbound). */
	readonly now = (): number => this.time;

	/** @internal DelayProvider: a timer `timeMillis` from now on the virtual clock. */
	scheduleTimer(
		timeMillis: number,
		task: Task,
		context: CoroutineContext,
	): DisposableHandle {
		const ev = this.newEvent(
			this.time + timeMillis,
			task,
			context,
			typeof (task as { cancelWait?: unknown }).cancelWait === "function",
		);
		this.timers.push(ev);
		return ev;
	}

	/** @internal A task dispatched now by a test dispatcher. */
	enqueue(task: Task, context: CoroutineContext): void {
		const direct = this.directContext;
		if (direct !== null) {
			this.directContext = null;
			if (direct === context) {
				this.directTask = task;
				return;
			}
		}
		this.promoteDueTimers();
		const ev = this.newEvent(this.time, task, context, false);
		ev.index = IN_QUEUE;
		this.ready.push(ev);
	}

	/**
	 * Runs every event due at the current time, including those they make due now. The clock
	 * does not move.
	 */
	runCurrent(): void {
		while (this.runNextReady()) {}
	}

	/**
	 * Runs the events due before `currentTime + delayTimeMillis` (not those due exactly then), in
	 * order, moving the clock to each; then sets the clock to `currentTime + delayTimeMillis`.
	 * Follow it with `runCurrent()` to also run what is due at that instant.
	 */
	advanceTimeBy(delayTimeMillis: number): void {
		if (
			typeof delayTimeMillis !== "number" ||
			!Number.isFinite(delayTimeMillis) ||
			delayTimeMillis < 0
		) {
			throw new RangeError(
				`advanceTimeBy(delayTimeMillis): expected a finite number >= 0, got ${String(delayTimeMillis)}`,
			);
		}
		const target = this.time + delayTimeMillis;
		for (;;) {
			if (this.runNextReady()) continue;
			const next = this.timers.peek();
			if (next === undefined || next.time >= target) break;
			this.time = next.time;
		}
		this.time = target;
	}

	/**
	 * Runs events, moving the clock from timer to timer, until no foreground event is left.
	 * Background work (`backgroundScope`) runs meanwhile but is not waited for, so an endless
	 * background loop does not hang it.
	 */
	advanceUntilIdle(): void {
		while (this.foreground > 0) {
			if (this.runNextReady()) continue;
			if (!this.advanceToNextTimer()) break;
		}
	}

	/** @internal Runs one ready event; false when none is due now. */
	runNextReady(): boolean {
		this.promoteDueTimers();
		const ev = this.takeReady();
		if (ev === undefined) return false;
		this.runEvent(ev);
		return true;
	}

	/** @internal Moves the clock to the next timer and makes it ready; false when none is left. */
	advanceToNextTimer(): boolean {
		const next = this.timers.peek();
		if (next === undefined) return false;
		if (next.time > this.time) this.time = next.time;
		this.promoteDueTimers();
		return true;
	}

	/** @internal Whether a timer is pending. */
	get hasTimers(): boolean {
		return this.timers.size > 0;
	}

	/** @internal Pending events (ready or timers) that are not background work. */
	get pendingForeground(): number {
		return this.foreground;
	}

	/** @internal Pending events of any kind. */
	get pendingEvents(): number {
		return this.ready.length - this.readyHead + this.timers.size;
	}

	/** @internal Removes a disposed timer from wherever it waits. */
	removeEvent(ev: TestEvent): void {
		const i = ev.index;
		if (i === DONE) return;
		if (i === IN_QUEUE) {
			const at = this.ready.indexOf(ev, this.readyHead);
			if (at >= 0) this.ready.splice(at, 1);
		} else {
			this.timers.removeAt(i);
		}
		ev.index = DONE;
		if (!ev.background) this.foreground--;
	}

	override toString(): string {
		const seed = this.seed === undefined ? "" : `, seed=${this.seed}`;
		return `TestCoroutineScheduler[currentTime=${this.time}${seed}]`;
	}

	// ---- internals ----------------------------------------------------------------------

	private newEvent(
		time: number,
		task: Task,
		context: CoroutineContext,
		resumesCoroutine: boolean,
	): TestEvent {
		const background = isBackground(context);
		if (!background) this.foreground++;
		return new TestEvent(
			time,
			this.seq++,
			task,
			context,
			background,
			resumesCoroutine,
			this,
		);
	}

	/** The next ready event: the oldest, or with a seed, a random one (one draw when >= 2). */
	private takeReady(): TestEvent | undefined {
		const ready = this.ready;
		const head = this.readyHead;
		const n = ready.length - head;
		if (n === 0) return undefined;
		if (this.random !== null && n > 1) {
			const j = head + Math.floor(this.random() * n);
			const picked = ready[j];
			ready[j] = ready[head];
			ready[head] = picked;
		}
		const ev = ready[head]!;
		ready[head] = undefined;
		this.readyHead = head + 1;
		if (this.readyHead === ready.length) {
			ready.length = 0;
			this.readyHead = 0;
		} else if (this.readyHead > 1024 && this.readyHead * 2 > ready.length) {
			ready.splice(0, this.readyHead);
			this.readyHead = 0;
		}
		ev.index = DONE;
		if (!ev.background) this.foreground--;
		return ev;
	}

	private runEvent(ev: TestEvent): void {
		this.eventsRun++;
		if (!ev.resumesCoroutine) {
			this.runTask(ev.task);
			return;
		}
		const savedContext = this.directContext;
		const savedTask = this.directTask;
		this.directContext = ev.context;
		this.directTask = null;
		let direct: Task | null;
		try {
			this.runTask(ev.task);
		} finally {
			direct = this.directTask;
			this.directContext = savedContext;
			this.directTask = savedTask;
		}
		if (direct !== null) this.runTask(direct);
	}

	private runTask(task: Task): void {
		try {
			task.run();
		} catch (e) {
			const report = this.onTaskFailure;
			if (report !== null) report(e);
			else
				setTimeout(() => {
					throw e;
				}, 0);
		}
	}

	private promoteDueTimers(): void {
		const timers = this.timers;
		for (
			let ev = timers.peek();
			ev !== undefined && ev.time <= this.time;
			ev = timers.peek()
		) {
			timers.removeAt(0);
			ev.index = IN_QUEUE;
			this.ready.push(ev);
		}
	}
}
