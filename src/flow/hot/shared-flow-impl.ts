/**
 * `MutableSharedFlow`'s implementation: kotlinx's `SharedFlowImpl` on one thread.
 *
 * One circular buffer holds, in index order, the values some collector still needs or a new
 * collector would replay, then the emitters suspended on a full buffer (each an {@link Emitter}
 * holding its value):
 *
 *     head ........ replayIndex ........ bufferEnd ........ queueEnd
 *     | values no new collector gets | replay cache | queued emitters |
 *
 * - `head = min(minCollectorIndex, replayIndex)`; `bufferEnd = head + bufferSize`;
 *   `queueEnd = bufferEnd + queueSize`.
 * - Each collector's slot holds the index of the next value it takes; `minCollectorIndex` is the
 *   smallest of them (`bufferEnd` when there is no collector), `atMin` how many slots sit there.
 * - `replayIndex <= bufferEnd`; `bufferSize <= bufferCapacity` (replay + extraBufferCapacity).
 * - Without collectors, an emit keeps only the last `replay` values and never suspends.
 * - With `bufferCapacity == 0` (a rendezvous flow), a collector at `head` takes the first queued
 *   emitter's value directly.
 *
 * `atMin` is ours: kotlinx rescans every slot each time a collector at the minimum takes a value
 * (n² slot reads per value for n collectors in step); counting the collectors at the minimum
 * rescans only when the last of them moves on.
 *
 * Coroutines to resume are gathered first and resumed once the state is consistent, as kotlinx
 * resumes outside its lock: an unconfined collector resumed in place then sees a finished update.
 */

import { BufferOverflow } from "../../channels/buffer-overflow.js";
import type { CancellationException } from "../../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type Suspend,
	type SuspendingCoroutine,
	type Suspension,
} from "../../intrinsics/instruction.js";
import { collectTo, DONE, type FlowCollector } from "../collector.js";
import { requireCoroutine } from "../safe-collector.js";
import {
	AbstractSharedFlow,
	type RegisteredSlot,
	type SubscriptionCounter,
} from "./abstract-shared-flow.js";
import { SubscribedFlowCollector } from "./subscribed-collector.js";

/** A cell whose emitter was cancelled, or "nothing to take" from `tryTakeValue`. */
const NO_VALUE: unique symbol = Symbol("NO_VALUE");

/** Coroutines to resume, as `[co, wait, co, wait, ...]`, or null for none. */
type Resumes = unknown[] | null;

function resumeAll(resumes: Resumes): void {
	if (resumes === null) return;
	for (let i = 0; i < resumes.length; i += 2) {
		(resumes[i] as SuspendingCoroutine).resume(
			resumes[i + 1] as Suspension,
			false,
			undefined,
			true,
		);
	}
}

/** A collector's place in a shared flow; also the wait of its coroutine between values. */
export class SharedFlowSlot implements RegisteredSlot, Suspension {
	pos = -1;
	/** Index of the next value to take; -1 while free. */
	index = -1;
	/** The collector's coroutine while it waits for a value. */
	co: SuspendingCoroutine | null = null;

	/** The wait for the next value (a fresh instruction each time: `yield*` runs it once). */
	awaitValue(): Suspend<void> {
		return new AwaitValue(this);
	}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.co = null;
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return "collect of a SharedFlow (waiting for a value)";
	}
}

class AwaitValue extends Instruction<void> {
	constructor(private readonly slot: SharedFlowSlot) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		if (co.isCancelled) throw co.getCancellationException();
		this.slot.co = co;
		co.waiting = this.slot;
		return SUSPENDED;
	}
}

/** An `emit` suspended on a full buffer; sits in the buffer's queue part. */
class Emitter implements Suspension {
	constructor(
		readonly flow: SharedFlowImpl<unknown>,
		readonly index: number,
		readonly value: unknown,
		readonly co: SuspendingCoroutine,
	) {}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.flow.cancelEmitter(this);
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return "emit to a SharedFlow (buffer full)";
	}
}

class EmitInstruction<T> extends Instruction<void> {
	constructor(
		private readonly flow: SharedFlowImpl<T>,
		private readonly value: T,
	) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		return this.flow.emitOrSuspend(co, this.value);
	}
}

export class SharedFlowImpl<T> extends AbstractSharedFlow<T, SharedFlowSlot> {
	/** Power-of-two sized circular storage, allocated on first use. */
	private buffer: unknown[] | null = null;
	private replayIndex = 0;
	private minCollectorIndex = 0;
	/** Number of registered slots whose index is `minCollectorIndex`. */
	private atMin = 0;
	private bufferSize = 0;
	private queueSize = 0;

	constructor(
		protected readonly replay: number,
		protected readonly bufferCapacity: number,
		protected readonly onBufferOverflow: BufferOverflow,
	) {
		super();
	}

	private get head(): number {
		return Math.min(this.minCollectorIndex, this.replayIndex);
	}
	private get replaySize(): number {
		return this.head + this.bufferSize - this.replayIndex;
	}

	get replayCache(): readonly T[] {
		const n = this.replaySize;
		const out = new Array<T>(n);
		for (let i = 0; i < n; i++) out[i] = this.at(this.replayIndex + i) as T;
		return out;
	}

	/** The newest replayed value (the subscription count reads it). */
	protected get lastReplayed(): T {
		return this.at(this.replayIndex + this.replaySize - 1) as T;
	}

	// ---- collecting -----------------------------------------------------------------------

	protected allocateSlot(): SharedFlowSlot {
		const slot = new SharedFlowSlot();
		const index = this.replayIndex;
		if (index < this.minCollectorIndex || this.nCollectors === 0) {
			this.minCollectorIndex = index;
			this.atMin = 1;
		} else if (index === this.minCollectorIndex) {
			this.atMin++;
		}
		slot.index = index;
		this.registerSlot(slot);
		return slot;
	}

	protected freeSlot(slot: SharedFlowSlot): void {
		const oldIndex = slot.index;
		slot.index = -1;
		slot.co = null;
		this.unregisterSlot(slot);
		resumeAll(this.updateCollectorIndex(oldIndex));
		this.counter?.increment(-1);
	}

	/**
	 * The collector loop (kotlinx's `SharedFlowImpl.collect`): registers, runs the collector's
	 * `onSubscription` actions, then hands every value on, checking cancellation before each. A
	 * shared flow never completes: this returns only by throwing (cancellation, a collector failure).
	 */
	*[collectTo](
		collector: FlowCollector<T>,
	): Generator<Instruction, never, unknown> {
		const slot = this.allocateSlot();
		try {
			if (collector instanceof SubscribedFlowCollector) {
				yield* collector.onSubscription();
			}
			const job = requireCoroutine("SharedFlow.collect()");
			for (;;) {
				let value = this.tryTakeValue(slot);
				while (value === NO_VALUE) {
					yield* slot.awaitValue();
					value = this.tryTakeValue(slot);
				}
				job.ensureActive();
				const r = collector.emit(value as T);
				if (r !== DONE) yield* r;
			}
		} finally {
			this.freeSlot(slot);
		}
	}

	private tryTakeValue(slot: SharedFlowSlot): T | typeof NO_VALUE {
		// Fast path: a buffered value, taken by a collector that is not the slowest.
		const next = slot.index;
		if (next > this.minCollectorIndex && next < this.head + this.bufferSize) {
			slot.index = next + 1;
			const buffer = this.buffer as unknown[];
			return buffer[next & (buffer.length - 1)] as T;
		}
		const index = this.tryPeek(slot);
		if (index < 0) return NO_VALUE;
		const oldIndex = slot.index;
		let value = this.at(index);
		if (value instanceof Emitter) value = value.value;
		slot.index = index + 1;
		resumeAll(this.updateCollectorIndex(oldIndex));
		return value as T;
	}

	/** The index `slot` can take now, or -1. */
	private tryPeek(slot: SharedFlowSlot): number {
		const index = slot.index;
		if (index < this.head + this.bufferSize) return index;
		if (this.bufferCapacity > 0) return -1;
		// Rendezvous: only with the first queued emitter.
		if (index > this.head || this.queueSize === 0) return -1;
		return index;
	}

	// ---- emitting -------------------------------------------------------------------------

	tryEmit(value: T): boolean {
		if (!this.tryEmitLocked(value)) return false;
		resumeAll(this.findSlotsToResume(null));
		return true;
	}

	emit(value: T): Suspend<void> {
		return new EmitInstruction(this, value);
	}

	/** @internal `emit`'s step: emits at once, or queues an {@link Emitter} and suspends. */
	emitOrSuspend(co: SuspendingCoroutine, value: T): unknown {
		if (this.tryEmitLocked(value)) {
			resumeAll(this.findSlotsToResume(null));
			return undefined;
		}
		if (co.isCancelled) throw co.getCancellationException();
		const emitter = new Emitter(
			this as SharedFlowImpl<unknown>,
			this.head + this.bufferSize + this.queueSize,
			value,
			co,
		);
		this.enqueue(emitter);
		this.queueSize++;
		co.waiting = emitter;
		// A rendezvous flow may hand the value straight to a waiting collector.
		if (this.bufferCapacity === 0) resumeAll(this.findSlotsToResume(null));
		return SUSPENDED;
	}

	private tryEmitLocked(value: T): boolean {
		if (this.nCollectors === 0) {
			if (this.replay === 0) return true;
			this.enqueue(value);
			this.bufferSize++;
			if (this.bufferSize > this.replay) this.dropOldest();
			this.minCollectorIndex = this.head + this.bufferSize;
			return true;
		}
		if (
			this.bufferSize >= this.bufferCapacity &&
			this.minCollectorIndex <= this.replayIndex
		) {
			if (this.onBufferOverflow === BufferOverflow.SUSPEND) return false;
			if (this.onBufferOverflow === BufferOverflow.DROP_LATEST) return true;
			// DROP_OLDEST: enqueue anyway, the oldest goes below.
		}
		this.enqueue(value);
		this.bufferSize++;
		if (this.bufferSize > this.bufferCapacity) this.dropOldest();
		if (this.replaySize > this.replay) {
			this.updateBuffer(
				this.replayIndex + 1,
				this.minCollectorIndex,
				this.head + this.bufferSize,
				this.head + this.bufferSize + this.queueSize,
			);
		}
		return true;
	}

	private dropOldest(): void {
		const buffer = this.buffer as unknown[];
		const head = this.head;
		buffer[head & (buffer.length - 1)] = undefined;
		this.bufferSize--;
		const newHead = head + 1;
		if (this.replayIndex < newHead) this.replayIndex = newHead;
		if (this.minCollectorIndex < newHead) {
			// Collectors too slow to see the dropped value skip it.
			let atMin = 0;
			const slots = this.slots;
			for (let i = 0; i < slots.length; i++) {
				const s = slots[i];
				if (s == null) continue;
				if (s.index < newHead) s.index = newHead;
				if (s.index === newHead) atMin++;
			}
			this.minCollectorIndex = newHead;
			this.atMin = atMin;
		}
	}

	/** Appends `item` after the buffered values and queued emitters (callers count it). */
	private enqueue(item: unknown): void {
		const size = this.bufferSize + this.queueSize;
		let buffer = this.buffer;
		if (buffer === null) buffer = this.grow(null, 0, 2);
		else if (size >= buffer.length)
			buffer = this.grow(buffer, size, buffer.length * 2);
		buffer[(this.head + size) & (buffer.length - 1)] = item;
	}

	private grow(
		old: unknown[] | null,
		size: number,
		newSize: number,
	): unknown[] {
		const buffer = new Array<unknown>(newSize);
		this.buffer = buffer;
		if (old !== null) {
			const head = this.head;
			const oldMask = old.length - 1;
			const mask = newSize - 1;
			for (let i = 0; i < size; i++)
				buffer[(head + i) & mask] = old[(head + i) & oldMask];
		}
		return buffer;
	}

	private at(index: number): unknown {
		const buffer = this.buffer as unknown[];
		return buffer[index & (buffer.length - 1)];
	}
	private set(index: number, item: unknown): void {
		const buffer = this.buffer as unknown[];
		buffer[index & (buffer.length - 1)] = item;
	}

	/** @internal A suspended emitter was cancelled: its cell becomes NO_VALUE. */
	cancelEmitter(emitter: Emitter): void {
		if (emitter.index < this.head) return; // already passed
		if (this.at(emitter.index) !== emitter) return; // already resumed
		this.set(emitter.index, NO_VALUE);
		this.cleanupTail();
	}

	/** Drops cancelled emitters from the end of the queue. */
	private cleanupTail(): void {
		if (this.bufferCapacity === 0 && this.queueSize <= 1) return; // keep the rendezvous one
		while (
			this.queueSize > 0 &&
			this.at(this.head + this.bufferSize + this.queueSize - 1) === NO_VALUE
		) {
			this.queueSize--;
			this.set(this.head + this.bufferSize + this.queueSize, undefined);
		}
	}

	/**
	 * A collector moved on from `oldIndex` (took a value or left). When that raises the minimum
	 * index, buffer space frees up: queued emitters move their values into the buffer and are
	 * returned to be resumed, with the collectors that can now take a value.
	 */
	private updateCollectorIndex(oldIndex: number): Resumes {
		if (oldIndex > this.minCollectorIndex) return null;
		if (--this.atMin > 0) return null; // others still hold the minimum
		const head = this.head;
		let newMin = head + this.bufferSize;
		if (this.bufferCapacity === 0 && this.queueSize > 0) newMin++;
		let atMin = 0;
		const slots = this.slots;
		for (let i = 0; i < slots.length; i++) {
			const s = slots[i];
			if (s == null) continue;
			if (s.index < newMin) {
				newMin = s.index;
				atMin = 1;
			} else if (s.index === newMin) atMin++;
		}
		if (newMin <= this.minCollectorIndex) {
			this.atMin = atMin;
			return null;
		}
		let newBufferEnd = head + this.bufferSize;
		const maxResumeCount =
			this.nCollectors > 0
				? Math.min(
						this.queueSize,
						this.bufferCapacity - (newBufferEnd - newMin),
					)
				: this.queueSize;
		let resumes: Resumes = null;
		const newQueueEnd = newBufferEnd + this.queueSize;
		if (maxResumeCount > 0) {
			resumes = [];
			let resumed = 0;
			for (let i = newBufferEnd; i < newQueueEnd; i++) {
				const emitter = this.at(i);
				if (emitter === NO_VALUE) continue;
				const e = emitter as Emitter;
				resumes.push(e.co, e);
				this.set(i, NO_VALUE);
				this.set(newBufferEnd, e.value);
				newBufferEnd++;
				if (++resumed >= maxResumeCount) break;
			}
		}
		const newBufferSize = newBufferEnd - head;
		if (this.nCollectors === 0) {
			newMin = newBufferEnd;
			atMin = 0;
		}
		let newReplayIndex = Math.max(
			this.replayIndex,
			newBufferEnd - Math.min(this.replay, newBufferSize),
		);
		// A rendezvous flow whose first queued emitter was cancelled.
		if (
			this.bufferCapacity === 0 &&
			newReplayIndex < newQueueEnd &&
			this.at(newReplayIndex) === NO_VALUE
		) {
			newBufferEnd++;
			newReplayIndex++;
		}
		this.atMin = atMin;
		this.updateBuffer(newReplayIndex, newMin, newBufferEnd, newQueueEnd);
		this.cleanupTail();
		if (resumes !== null) resumes = this.findSlotsToResume(resumes);
		return resumes;
	}

	private updateBuffer(
		newReplayIndex: number,
		newMin: number,
		newBufferEnd: number,
		newQueueEnd: number,
	): void {
		const newHead = Math.min(newMin, newReplayIndex);
		for (let i = this.head; i < newHead; i++) this.set(i, undefined);
		this.replayIndex = newReplayIndex;
		this.minCollectorIndex = newMin;
		this.bufferSize = newBufferEnd - newHead;
		this.queueSize = newQueueEnd - newBufferEnd;
	}

	/** Adds the waiting collectors that can take a value now to `resumes`. */
	private findSlotsToResume(resumes: Resumes): Resumes {
		const slots = this.slots;
		for (let i = 0; i < slots.length; i++) {
			const s = slots[i];
			if (s == null) continue;
			const co = s.co;
			if (co === null || this.tryPeek(s) < 0) continue;
			s.co = null;
			if (resumes === null) resumes = [];
			resumes.push(co, s);
		}
		return resumes;
	}

	/** The number of collectors as a non-conflating state flow (created on first use). */
	get subscriptionCount(): SubscriptionCountFlow {
		let c = this.counter as SubscriptionCountFlow | null;
		if (c === null) {
			c = new SubscriptionCountFlow(this.nCollectors);
			this.counter = c;
		}
		return c;
	}

	resetReplayCache(): void {
		const bufferEnd = this.head + this.bufferSize;
		this.updateBuffer(
			bufferEnd,
			this.minCollectorIndex,
			bufferEnd,
			bufferEnd + this.queueSize,
		);
	}
}

/**
 * `subscriptionCount`: a `StateFlow<number>` on the outside, a shared flow with replay 1 and an
 * unbounded DROP_OLDEST buffer inside (kotlinx's `SubscriptionCountStateFlow`), so that it does
 * not conflate: a collector sees every change (two collectors leaving show 2, 1, 0), and a
 * subscriber that comes and goes at once is still seen by `SharingStarted.Lazily`.
 */
export class SubscriptionCountFlow
	extends SharedFlowImpl<number>
	implements SubscriptionCounter
{
	constructor(initial: number) {
		super(1, Number.POSITIVE_INFINITY, BufferOverflow.DROP_OLDEST);
		this.tryEmit(initial);
	}
	get value(): number {
		return this.lastReplayed;
	}
	increment(delta: number): void {
		this.tryEmit(this.lastReplayed + delta);
	}
}
