/**
 * The suspension of a select.
 *
 * 1. Clauses are tried in order (shuffled first by `selectUnbiased`); the first that completes at
 *    once wins, and the later ones are never tried (they take and send nothing).
 * 2. Otherwise every clause registers one waiter on its object and the coroutine suspends; the
 *    first waiter to fire completes the select, which unregisters every other one before it
 *    resumes the coroutine (one thread: no other waiter can fire in between).
 * 3. Cancelled while suspended: every waiter is unregistered, nothing was taken or sent.
 *    Cancelled after an `onReceive*` was handed an element but before the coroutine ran: the
 *    element goes to `onUndeliveredElement` (checked in `next`, as receive does).
 *
 * The instruction returns the value for the chosen body; `won` names the clause.
 */
import { randomSourceOf } from "../dispatchers/random-source.js";
import type { CancellationException } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type SuspendingCoroutine,
	type Suspension,
} from "../intrinsics/instruction.js";
import {
	ELEMENT,
	FAILURE,
	NOT_READY,
	type SelectClause,
	type SelectSite,
} from "./select-clauses.js";

/** Waiting with registered clauses. */
const REGISTERED = 1;
/** Completed by a registered clause with an element not yet checked against cancellation. */
const HANDED_ELEMENT = 2;

export class SelectInstruction
	extends Instruction<unknown>
	implements Suspension, SelectSite
{
	/** The clause whose body runs; set when the select completes. */
	won: SelectClause | null = null;
	private state = 0;
	private co: SuspendingCoroutine | null = null;

	constructor(
		private readonly clauses: SelectClause[],
		private readonly unbiased: boolean,
	) {
		super();
	}

	execute(co: SuspendingCoroutine): unknown {
		const clauses = this.clauses;
		if (this.unbiased) shuffle(clauses, randomSourceOf(co.dispatcher).random);
		for (const clause of clauses) {
			const v = clause.tryNow();
			if (v !== NOT_READY) {
				this.won = clause;
				return v;
			}
		}
		if (co.isCancelled) throw co.getCancellationException();
		this.co = co;
		this.state = REGISTERED;
		for (const clause of clauses) clause.register(this, co);
		co.waiting = this;
		return SUSPENDED;
	}

	complete(clause: SelectClause, how: number, value: unknown): void {
		if (this.state !== REGISTERED) return;
		this.state = 0;
		for (const c of this.clauses) if (c !== clause) c.unregister();
		this.won = clause;
		const co = this.co as SuspendingCoroutine;
		if (how === FAILURE) {
			this.co = null;
			co.resume(this, true, value, false);
		} else if (how === ELEMENT) {
			this.state = HANDED_ELEMENT;
			co.resume(this, false, value, false);
		} else {
			this.co = null;
			co.resume(this, false, value, true);
		}
	}

	override next(value?: unknown): IteratorResult<Instruction, unknown> {
		if (this.state === HANDED_ELEMENT) {
			this.state = 0;
			const co = this.co as SuspendingCoroutine;
			this.co = null;
			const clause = this.won as SelectClause;
			if (co.isCancelled) {
				clause.drop(value, co);
				throw co.getCancellationException();
			}
			return super.next(clause.bodyArg(value, ELEMENT));
		}
		return super.next(value);
	}

	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		if (this.state === REGISTERED) {
			this.state = 0;
			for (const c of this.clauses) c.unregister();
		}
		this.co = null;
		co.resume(this, true, cause, false);
	}

	describe(): string {
		return "select";
	}
}

/** Fisher–Yates, with the coroutine's random source. */
function shuffle<T>(a: T[], random: () => number): void {
	for (let i = a.length - 1; i > 0; i--) {
		const j = Math.floor(random() * (i + 1));
		const t = a[i] as T;
		a[i] = a[j] as T;
		a[j] = t;
	}
}
