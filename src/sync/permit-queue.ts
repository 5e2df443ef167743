/**
 * The fair permit queue under `Mutex` and `Semaphore` (kotlinx builds its Mutex on its
 * Semaphore the same way).
 *
 * Invariants:
 * - `available > 0` only while no one waits: a released permit goes straight to the first
 *   waiter (FIFO), so a `tryAcquire` never overtakes a waiter (no barging).
 * - A waiter is QUEUED (linked in the queue), GRANTED (unlinked, owns a permit, its resumption
 *   dispatched), RESUMED or CANCELLED. It leaves the queue in O(1) when cancelled.
 * - A GRANTED waiter still is the coroutine's current wait until its task runs, so a
 *   cancellation in between reaches `cancelWait`, which passes the permit on: a permit is never
 *   lost (Kotlin's `resume(value) { release() }`, the prompt cancellation guarantee).
 */
import { AbstractCoroutine } from "../coroutine/abstract-coroutine.js";
import { DISPATCH_TASK } from "../dispatchers/coroutine-dispatcher.js";
import type { Task } from "../dispatchers/task.js";
import { runUnconfined } from "../dispatchers/unconfined.js";
import type { CancellationException } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type SuspendingCoroutine,
	type Suspension,
} from "../intrinsics/instruction.js";

const NEW = 0;
const QUEUED = 1;
const GRANTED = 2;
const RESUMED = 3;
const CANCELLED = 4;

let nextId = 1;

/**
 * One `lock`/`acquire` call: the instruction the caller yields and, when it must wait, its node
 * in the queue, its wait and the task that resumes it (one object for all four).
 */
export class PermitWaiter
	extends Instruction<void>
	implements Suspension, Task
{
	state = NEW;
	before: PermitWaiter | null = null;
	after: PermitWaiter | null = null;
	co: AbstractCoroutine<unknown> | null = null;

	constructor(
		readonly queue: PermitQueue,
		/** The mutex owner this waiter locks for (null for none and for semaphores). */
		readonly owner: unknown,
	) {
		super();
	}

	execute(co: SuspendingCoroutine): unknown {
		const queue = this.queue;
		if (queue.tryTake(this.owner)) return undefined;
		// Cancellation is checked only when suspending (as Kotlin's lock/acquire).
		if (co.isCancelled) throw co.getCancellationException();
		if (!(co instanceof AbstractCoroutine)) {
			throw new TypeError(`${queue.waitName()} must run in a kocoro coroutine`);
		}
		// A stored lock()/acquire() yielded again while an earlier wait of it is still pending
		// (another coroutine's) waits with a waiter of its own: the queue links each waiter once.
		const w =
			this.state === QUEUED || this.state === GRANTED
				? new PermitWaiter(queue, this.owner)
				: this;
		w.co = co;
		w.state = QUEUED;
		queue.enqueue(w);
		co.waiting = w;
		return SUSPENDED;
	}

	/** The queue handed this waiter a permit: resume it through its dispatcher. */
	grant(): void {
		this.state = GRANTED;
		const co = this.co as AbstractCoroutine<unknown>;
		const d = co.dispatcher;
		const context = co.dispatchContext;
		if (d.isDispatchNeeded(context)) d[DISPATCH_TASK](context, this);
		else runUnconfined(this);
	}

	/** Task: the granted waiter's coroutine goes on, owning its permit. */
	run(): void {
		if (this.state !== GRANTED) return; // cancelled in between: the permit was passed on
		this.state = RESUMED;
		const co = this.co as AbstractCoroutine<unknown>;
		this.co = null;
		co.resumeFromTask(this, false, undefined);
	}

	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		const state = this.state;
		if (state === QUEUED) {
			this.state = CANCELLED;
			this.queue.unlink(this);
		} else if (state === GRANTED) {
			this.state = CANCELLED;
			this.queue.passOn();
		} else {
			return;
		}
		this.co = null;
		co.resume(this, true, cause, false);
	}

	describe(): string {
		return this.queue.waitName();
	}
}

/** A FIFO queue of waiters over a count of available permits. */
export abstract class PermitQueue {
	/** Permits no one holds; > 0 only while the queue is empty. */
	protected available: number;
	private head: PermitWaiter | null = null;
	private tail: PermitWaiter | null = null;
	private idNumber = 0;

	constructor(available: number) {
		this.available = available;
	}

	/** A number naming this object in toString and debug dumps, given on first use. */
	protected get id(): string {
		if (this.idNumber === 0) this.idNumber = nextId++;
		return this.idNumber.toString(16);
	}

	/** Takes a permit at once for `owner` if one is available (throws for a bad owner). */
	abstract tryTake(owner: unknown): boolean;

	/** What a waiter's wait is called in debug dumps (`lock of Mutex@1f`). */
	abstract waitName(): string;

	/** A granted waiter was cancelled before it ran: its permit goes to the next one. */
	abstract passOn(): void;

	/** The end of a `withLock`/`withPermit` body: unlock for `owner`, or release. */
	abstract giveBack(owner: unknown): void;

	/** Called when `w` is handed a permit, before it is resumed (Mutex records the owner). */
	protected onGranted(_w: PermitWaiter): void {}

	/** A permit comes back: the first waiter gets it, else it becomes available. */
	protected releasePermit(): void {
		const w = this.head;
		if (w === null) {
			this.available++;
			return;
		}
		this.unlink(w);
		this.onGranted(w);
		w.grant();
	}

	enqueue(w: PermitWaiter): void {
		const tail = this.tail;
		w.before = tail;
		if (tail === null) this.head = w;
		else tail.after = w;
		this.tail = w;
	}

	unlink(w: PermitWaiter): void {
		const { before, after } = w;
		if (before === null) this.head = after;
		else before.after = after;
		if (after === null) this.tail = before;
		else after.before = before;
		w.before = null;
		w.after = null;
	}
}
