/**
 * The subscriber registry that `SharedFlow` and `StateFlow` share (kotlinx's `AbstractSharedFlow`).
 *
 * Each active collector holds one slot. Slots live in a dense array in subscription order: a
 * departing collector leaves a hole (`null`), and holes are squeezed out once they are more than
 * half the array, or all at once when the last collector leaves. So a flow that saw 10,000
 * collectors come and go keeps no slot and no array of their size, and the flow visits its
 * collectors in the order they subscribed (kotlinx reuses free slots in place, so a late collector
 * can come first there; nothing in its contract orders collectors).
 *
 * Invariants: `slots[s.pos] === s` for every registered slot; `count` is the number of registered
 * slots; `holes === slots.length - count`. While `visiting > 0` (a loop over the slots may resume
 * an unconfined collector that leaves in place), holes are kept and squeezed when the loop ends.
 */

import type { Suspend } from "../../intrinsics/instruction.js";
import {
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";

/** The part of a slot the registry manages. */
export interface RegisteredSlot {
	/** Index in the registry's array, or -1 while not registered. */
	pos: number;
}

/** What the registry needs of the subscription-count flow: a change by `delta`. */
export interface SubscriptionCounter {
	increment(delta: number): void;
}

/** Fewer holes than this are never squeezed (a few departures cost no copy). */
const MIN_HOLES_TO_SQUEEZE = 8;

export abstract class AbstractSharedFlow<T, S extends RegisteredSlot> {
	/** Registered slots in subscription order, with holes. */
	protected slots: (S | null)[] = [];
	/** Number of registered slots: kotlinx's `nCollectors`. */
	protected nCollectors = 0;
	private holes = 0;
	/** Depth of loops over `slots` in progress (see the invariants above). */
	protected visiting = 0;
	/** The subscription-count flow, once someone asked for it. */
	protected counter: SubscriptionCounter | null = null;

	abstract emit(value: T): Suspend<void>;
	abstract [collectTo](collector: FlowCollector<T>): Suspend<void>;

	/** Emits every value of `source` (the sharing coroutine collects its upstream into the flow). */
	emitAll(source: FlowSource<T>): Suspend<void> {
		return source[collectTo](this as unknown as FlowCollector<T>);
	}

	/** Registers `slot` at the end. */
	protected registerSlot(slot: S): void {
		slot.pos = this.slots.length;
		this.slots.push(slot);
		this.nCollectors++;
		this.counter?.increment(1);
	}

	/** Removes `slot` (registered); the caller updates its own state first. */
	protected unregisterSlot(slot: S): void {
		this.slots[slot.pos] = null;
		slot.pos = -1;
		this.nCollectors--;
		this.holes++;
		if (this.visiting === 0) this.squeeze();
	}

	/** Drops the holes when they are many (or everything when no collector is left). */
	protected squeeze(): void {
		if (this.nCollectors === 0) {
			this.slots = [];
			this.holes = 0;
			return;
		}
		const slots = this.slots;
		if (this.holes < MIN_HOLES_TO_SQUEEZE || this.holes * 2 <= slots.length) {
			return;
		}
		let j = 0;
		for (let i = 0; i < slots.length; i++) {
			const s = slots[i];
			if (s !== null && s !== undefined) {
				s.pos = j;
				slots[j++] = s;
			}
		}
		slots.length = j;
		this.holes = 0;
	}

	/** Call after a loop over `slots` (with `visiting` raised before it). */
	protected endVisit(): void {
		if (--this.visiting === 0 && this.holes > 0) this.squeeze();
	}

	/** The number of active collectors (for tests and the debug view). */
	get collectorCount(): number {
		return this.nCollectors;
	}
}
