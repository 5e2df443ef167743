/**
 * `MutableStateFlow`'s implementation: kotlinx's `StateFlowImpl` on one thread.
 *
 * A collector's slot is in one of three states: idle (processing a value, nothing new), pending (a
 * new value was set since it last looked) or waiting (its coroutine suspended for the next
 * change). Setting a different value marks every idle slot pending and resumes every waiting one;
 * a collector then reads the current value, so the values set in between are conflated, and it
 * skips a value equal (`Object.is`) to the last one it emitted.
 *
 * Equality is `Object.is` where Kotlin uses `equals`: two distinct objects with the same content
 * are two values here; `NaN` equals `NaN`, and `0` and `-0` differ.
 */
import {
	type CancellationException,
	IllegalStateException,
} from "../../errors/exceptions.js";
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
} from "./abstract-shared-flow.js";
import { SubscriptionCountFlow } from "./shared-flow-impl.js";
import { SubscribedFlowCollector } from "./subscribed-collector.js";

const IDLE = 0;
const PENDING = 1;
const WAITING = 2;

class StateFlowSlot implements RegisteredSlot, Suspension {
	pos = -1;
	state = IDLE;
	co: SuspendingCoroutine | null = null;

	/** The wait for a new value (a fresh instruction each time: `yield*` runs it once). */
	awaitPending(): Suspend<void> {
		return new AwaitPending(this);
	}

	makePending(): void {
		if (this.state === IDLE) {
			this.state = PENDING;
		} else if (this.state === WAITING) {
			const co = this.co as SuspendingCoroutine;
			this.state = IDLE;
			this.co = null;
			co.resume(this, false, undefined, true);
		}
	}

	/** Whether a value was set since the last look; the slot is idle afterwards. */
	takePending(): boolean {
		const pending = this.state === PENDING;
		this.state = IDLE;
		return pending;
	}

	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.state = IDLE;
		this.co = null;
		co.resume(this, true, cause, false);
	}
	describe(): string {
		return "collect of a StateFlow (waiting for a new value)";
	}
}

class AwaitPending extends Instruction<void> {
	constructor(private readonly slot: StateFlowSlot) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		if (co.isCancelled) throw co.getCancellationException();
		const slot = this.slot;
		if (slot.state === PENDING) {
			slot.state = IDLE;
			return undefined;
		}
		slot.state = WAITING;
		slot.co = co;
		co.waiting = slot;
		return SUSPENDED;
	}
}

/** Marks "nothing emitted yet" in a collector (any value of T may be undefined or null). */
const NOTHING: unique symbol = Symbol("NOTHING");

export class StateFlowImpl<T> extends AbstractSharedFlow<T, StateFlowSlot> {
	constructor(private current: T) {
		super();
	}

	get value(): T {
		return this.current;
	}
	set value(v: T) {
		this.set(v);
	}

	/** Sets `update` if the value is `expect` (by `Object.is`); true also when nothing changes. */
	compareAndSet(expect: T, update: T): boolean {
		if (!Object.is(this.current, expect)) return false;
		this.set(update);
		return true;
	}

	private set(v: T): void {
		if (Object.is(this.current, v)) return;
		this.current = v;
		const slots = this.slots;
		const n = slots.length;
		// A resumed unconfined collector may run here and leave: holes stay until the loop ends.
		this.visiting++;
		try {
			for (let i = 0; i < n; i++) slots[i]?.makePending();
		} finally {
			this.endVisit();
		}
	}

	get replayCache(): readonly T[] {
		return [this.current];
	}

	/** A state flow always holds a value: set `value` instead. */
	resetReplayCache(): never {
		throw new IllegalStateException(
			"MutableStateFlow.resetReplayCache is not supported: set its value instead",
		);
	}

	tryEmit(v: T): boolean {
		this.set(v);
		return true;
	}

	emit(v: T): typeof DONE {
		this.set(v);
		return DONE;
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

	/**
	 * The collector loop (kotlinx's `StateFlowImpl.collect`): the current value first, then each
	 * new distinct value it finds when it looks again. Never returns normally.
	 */
	*[collectTo](
		collector: FlowCollector<T>,
	): Generator<Instruction, never, unknown> {
		const slot = new StateFlowSlot();
		this.registerSlot(slot);
		try {
			if (collector instanceof SubscribedFlowCollector) {
				yield* collector.onSubscription();
			}
			const job = requireCoroutine("StateFlow.collect()");
			let last: T | typeof NOTHING = NOTHING;
			for (;;) {
				// Read now, not when resumed: the freshest value conflates the stale ones.
				const v = this.current;
				job.ensureActive();
				if (last === NOTHING || !Object.is(last, v)) {
					last = v;
					const r = collector.emit(v);
					if (r !== DONE) yield* r;
				}
				if (!slot.takePending()) yield* slot.awaitPending();
			}
		} finally {
			slot.co = null;
			this.unregisterSlot(slot);
			this.counter?.increment(-1);
		}
	}
}
