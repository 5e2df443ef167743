/**
 * The sequential model of a fair mutex with owners (kotlinx `sync/Mutex.kt`), as a dual data
 * structure: `lock` is a request (take the lock if free, fail on the owner's own re-lock, fail
 * if the thread is already cancelled, else queue) and a completion (the thread resumes owning
 * it, or with its cancellation). `unlock` hands the lock to the first queued request; a
 * cancellation removes the thread's queued request, or passes on a lock granted to it that it
 * has not resumed with yet.
 */

import fc from "fast-check";
import { Mutex, type Suspend } from "kocoro";
import type { HistoryRecorder, SequentialModel } from "./checker.js";
import { outcomeOf, type Subject } from "./scenario.js";

/** A thread's operation on the mutex (the owner token is always the thread's name). */
export type MutexStep = "lock" | "tryLock" | "unlock" | "unlockAny";

export const mutexSteps: fc.Arbitrary<MutexStep> = fc.constantFrom(
	"lock",
	"tryLock",
	"unlock",
	"unlockAny",
);

export type MutexEvent =
	| { k: "lockRequest"; t: string; op: number; r: string }
	| { k: "lockDone"; t: string; op: number; r: string }
	| { k: "tryLock"; t: string; r: string }
	| { k: "unlock"; t: string; owner: string | null; r: string }
	| { k: "cancel"; t: string }
	| { k: "final"; locked: boolean; holder: string | null };

type Pending = { t: string; s: "queued" | "granted" | "done"; r: string };

export interface MutexState {
	readonly owner: string | null;
	readonly queue: readonly number[];
	readonly pending: Readonly<Record<number, Pending>>;
	readonly cancelled: readonly string[];
}

const NOT_LOCKED = "IllegalStateException: This mutex is not locked";
const alreadyLocked = (o: string) =>
	`IllegalStateException: This mutex is already locked by the specified owner: ${o}`;
const lockedByOther = (cur: string, o: string) =>
	`IllegalStateException: This mutex is locked by ${cur}, but ${o} is expected`;

/** Options to break the model on purpose (the checker's own test). */
export interface MutexModelOptions {
	/** Hand the lock to the last waiter instead of the first. */
	readonly lifo?: boolean;
	/** A waiter granted the lock and cancelled before it resumed keeps it (a leak). */
	readonly leakOnCancel?: boolean;
}

export function mutexModel(
	options: MutexModelOptions = {},
): SequentialModel<MutexState, MutexEvent> {
	/** The lock comes back: the first (or, broken, last) queued request gets it. */
	const release = (s: MutexState): MutexState => {
		if (s.queue.length === 0) return { ...s, owner: null };
		const queue = [...s.queue];
		const next = (options.lifo ? queue.pop() : queue.shift())!;
		const p = s.pending[next]!;
		return {
			...s,
			owner: p.t,
			queue,
			pending: { ...s.pending, [next]: { ...p, s: "granted" } },
		};
	};
	return {
		initial: { owner: null, queue: [], pending: {}, cancelled: [] },
		key: (s) => JSON.stringify(s),
		step(s, e) {
			switch (e.k) {
				case "lockRequest": {
					if (s.owner === null) {
						return {
							...s,
							owner: e.t,
							pending: {
								...s.pending,
								[e.op]: { t: e.t, s: "granted", r: "ok" },
							},
						};
					}
					const done = (r: string): MutexState => ({
						...s,
						pending: { ...s.pending, [e.op]: { t: e.t, s: "done", r } },
					});
					if (s.owner === e.t) return done(alreadyLocked(e.t));
					if (s.cancelled.includes(e.t)) return done("CE");
					return {
						...s,
						queue: [...s.queue, e.op],
						pending: { ...s.pending, [e.op]: { t: e.t, s: "queued", r: "ok" } },
					};
				}
				case "lockDone": {
					const p = s.pending[e.op];
					if (p === undefined || p.s === "queued") return null;
					const expected = p.s === "granted" ? "ok" : p.r;
					if (expected !== e.r) return null;
					const pending = { ...s.pending };
					delete pending[e.op];
					return { ...s, pending };
				}
				case "tryLock": {
					if (s.owner === null)
						return e.r === "true" ? { ...s, owner: e.t } : null;
					if (s.owner === e.t) return e.r === alreadyLocked(e.t) ? s : null;
					return e.r === "false" ? s : null;
				}
				case "unlock": {
					if (s.owner === null) return e.r === NOT_LOCKED ? s : null;
					if (e.owner !== null && s.owner !== e.owner)
						return e.r === lockedByOther(s.owner, e.owner) ? s : null;
					return e.r === "ok" ? release(s) : null;
				}
				case "cancel": {
					const cancelled = s.cancelled.includes(e.t)
						? s.cancelled
						: [...s.cancelled, e.t].sort();
					let next: MutexState = { ...s, cancelled };
					for (const [id, p] of Object.entries(s.pending)) {
						if (p.t !== e.t || p.s === "done") continue;
						const op = Number(id);
						const pending = {
							...next.pending,
							[op]: { ...p, s: "done" as const, r: "CE" },
						};
						if (p.s === "queued") {
							next = {
								...next,
								pending,
								queue: next.queue.filter((q) => q !== op),
							};
						} else if (options.leakOnCancel) {
							next = { ...next, pending };
						} else {
							next = release({ ...next, pending });
						}
					}
					return next;
				}
				case "final":
					return e.locked === (s.owner !== null) && e.holder === s.owner
						? s
						: null;
			}
		},
	};
}

let nextOp = 0;

/** Runs mutex steps on a real `Mutex` and records them as model events. */
export function mutexSubject(): Subject<MutexStep, MutexEvent> {
	const mutex = Mutex();
	const waiting = new Set<string>();
	return {
		run(
			step,
			t,
			record: HistoryRecorder<MutexEvent>,
		): Suspend<void> | undefined {
			const respond = record.invoke();
			if (step === "lock") {
				const op = nextOp++;
				return (function* () {
					let r = "ok";
					waiting.add(t);
					try {
						yield* mutex.lock(t);
					} catch (e) {
						r = outcomeOf(e);
					}
					waiting.delete(t);
					respond([
						{ k: "lockRequest", t, op, r },
						{ k: "lockDone", t, op, r },
					]);
				})();
			}
			let r: string;
			try {
				if (step === "tryLock") r = String(mutex.tryLock(t));
				else {
					mutex.unlock(step === "unlock" ? t : null);
					r = "ok";
				}
			} catch (e) {
				r = outcomeOf(e);
			}
			if (step === "tryLock") respond([{ k: "tryLock", t, r }]);
			else
				respond([{ k: "unlock", t, owner: step === "unlock" ? t : null, r }]);
			return undefined;
		},
		cancelled: (t) => ({ k: "cancel", t }),
		handedOver: (t) => waiting.has(t) && mutex.holdsLock(t),
		observe(threads) {
			const holder = threads.find((t) => mutex.holdsLock(t)) ?? null;
			return { k: "final", locked: mutex.isLocked, holder };
		},
	};
}
