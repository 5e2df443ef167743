/**
 * A small linearizability checker (Wing & Gong's search, with memoization as in Lowe's and
 * Lincheck's checkers): is there a sequential order of the history's events, consistent with
 * their real-time order, in which a sequential model produces every observed result?
 *
 * An event is an atomic step of the model with an interval [inv, resp] on the history's clock
 * (every invocation and response ticks it). Event `a` must come before `b` when `a.resp <
 * b.inv`; `b.after` adds an explicit order (the request of a suspending operation before its
 * completion: kotlinx checks suspending operations the same way, as a "dual" data structure
 * whose waiters are part of the state). The model's `step` returns the next state, or null when
 * the event cannot happen there or would give another result than the observed one.
 *
 * The search picks, among the events no unlinearized event precedes in real time, one the model
 * accepts, and backtracks; a (linearized set, model state) pair already seen is not explored
 * again. Histories here have at most a few dozen events, which this handles at once.
 */

/** One atomic step of the model, observed in a history. */
export interface HistoryEvent<Op> {
	/** Index in the history's event list. */
	readonly id: number;
	/** Clock value at invocation. */
	readonly inv: number;
	/** Clock value at response (after every event invoked before it responded). */
	readonly resp: number;
	/** An event that must be linearized before this one (or -1). */
	readonly after: number;
	/** What the model sees: the operation, its arguments and its observed result. */
	readonly op: Op;
}

/** A sequential specification: states are values, compared through `key`. */
export interface SequentialModel<S, Op> {
	readonly initial: S;
	/** The state after `op`, or null if `op` cannot happen in `state` with its observed result. */
	step(state: S, op: Op): S | null;
	/** A string that is equal for equal states (for memoization). */
	key(state: S): string;
}

/** The result of a check: a witness order, or null with how far the search got. */
export interface Linearization<Op> {
	readonly ok: boolean;
	/** A sequential order of the events the model accepts (when ok). */
	readonly order: readonly HistoryEvent<Op>[];
	/** The longest prefix the search could linearize (when not ok), for the failure message. */
	readonly longest: readonly HistoryEvent<Op>[];
	/** (Linearized set, state) pairs explored. */
	readonly explored: number;
}

export function checkLinearizable<S, Op>(
	events: readonly HistoryEvent<Op>[],
	model: SequentialModel<S, Op>,
): Linearization<Op> {
	const n = events.length;
	const done = new Uint8Array(n);
	const order: HistoryEvent<Op>[] = [];
	let longest: HistoryEvent<Op>[] = [];
	const seen = new Set<string>();
	let explored = 0;

	const search = (state: S): boolean => {
		if (order.length === n) return true;
		const memo = `${done.join("")}|${model.key(state)}`;
		if (seen.has(memo)) return false;
		seen.add(memo);
		explored++;
		if (order.length > longest.length) longest = order.slice();
		// An event may go next only if no pending event responded before it was invoked.
		let minResp = Number.POSITIVE_INFINITY;
		for (let i = 0; i < n; i++)
			if (done[i] === 0 && events[i]!.resp < minResp) minResp = events[i]!.resp;
		for (let i = 0; i < n; i++) {
			const e = events[i]!;
			if (done[i] !== 0 || e.inv > minResp) continue;
			if (e.after >= 0 && done[e.after] === 0) continue;
			const next = model.step(state, e.op);
			if (next === null) continue;
			done[i] = 1;
			order.push(e);
			if (search(next)) return true;
			order.pop();
			done[i] = 0;
		}
		return false;
	};

	const ok = search(model.initial);
	return { ok, order: ok ? order : [], longest, explored };
}

/**
 * Records a history on one clock: each operation's invocation and response, and the events the
 * model steps through for it.
 */
export class HistoryRecorder<Op> {
	private clock = 0;
	readonly events: HistoryEvent<Op>[] = [];

	/**
	 * An operation starts: returns a function to call when it responds, with the model events
	 * it stands for, each given the observed result: one atomic event, or a request and its
	 * completion. A request's interval ends right after the invocation: on one thread, what a
	 * suspending operation does before it suspends (take the lock, or queue) runs within the
	 * invoking step, before anything else can happen.
	 */
	invoke(): (ops: readonly Op[]) => void {
		const inv = ++this.clock;
		return (ops) => {
			const resp = ++this.clock;
			let prev = -1;
			ops.forEach((op, i) => {
				const id = this.events.length;
				const end = ops.length > 1 && i === 0 ? inv + 0.5 : resp;
				this.events.push({ id, inv, resp: end, after: prev, op });
				prev = id;
			});
		};
	}

	/** An instantaneous event (a cancellation, the final observation). */
	point(op: Op): void {
		this.invoke()([op]);
	}
}
