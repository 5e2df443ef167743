/**
 * The sequential model of a fair counting semaphore (kotlinx `sync/Semaphore.kt`), as a dual
 * data structure: `acquire` is a request (take a permit if one is free, fail if the thread is
 * already cancelled, else queue) and a completion; `release` hands the permit to the first queued
 * request, or returns it (failing when all are already free); a cancellation removes the thread's
 * queued request, or passes on a permit granted to it that it has not resumed with yet.
 */
import fc from "fast-check";
import { Semaphore, type Suspend } from "kocoro";
import type { HistoryRecorder, SequentialModel } from "./checker.js";
import { outcomeOf, type Subject } from "./scenario.js";

export type SemaphoreStep = "acquire" | "tryAcquire" | "release";

export const semaphoreSteps: fc.Arbitrary<SemaphoreStep> = fc.constantFrom(
	"acquire",
	"tryAcquire",
	"release",
);

export type SemaphoreEvent =
	| { k: "acquireRequest"; t: string; op: number; r: string }
	| { k: "acquireDone"; t: string; op: number; r: string }
	| { k: "tryAcquire"; r: string }
	| { k: "release"; r: string }
	| { k: "cancel"; t: string }
	| { k: "final"; available: number };

type Pending = { t: string; s: "queued" | "granted" | "done"; r: string };

export interface SemaphoreState {
	readonly available: number;
	readonly queue: readonly number[];
	readonly pending: Readonly<Record<number, Pending>>;
	readonly cancelled: readonly string[];
}

export function semaphoreModel(
	permits: number,
): SequentialModel<SemaphoreState, SemaphoreEvent> {
	const tooMany = `IllegalStateException: The number of released permits cannot be greater than ${permits}`;
	const release = (s: SemaphoreState): SemaphoreState => {
		if (s.queue.length === 0) return { ...s, available: s.available + 1 };
		const [next, ...queue] = s.queue as [number, ...number[]];
		const p = s.pending[next]!;
		return {
			...s,
			queue,
			pending: { ...s.pending, [next]: { ...p, s: "granted" } },
		};
	};
	return {
		initial: { available: permits, queue: [], pending: {}, cancelled: [] },
		key: (s) => JSON.stringify(s),
		step(s, e) {
			switch (e.k) {
				case "acquireRequest": {
					const put = (p: Pending, extra: Partial<SemaphoreState> = {}) => ({
						...s,
						...extra,
						pending: { ...s.pending, [e.op]: p },
					});
					if (s.available > 0)
						return put(
							{ t: e.t, s: "granted", r: "ok" },
							{ available: s.available - 1 },
						);
					if (s.cancelled.includes(e.t))
						return put({ t: e.t, s: "done", r: "CE" });
					return put(
						{ t: e.t, s: "queued", r: "ok" },
						{ queue: [...s.queue, e.op] },
					);
				}
				case "acquireDone": {
					const p = s.pending[e.op];
					if (p === undefined || p.s === "queued") return null;
					if ((p.s === "granted" ? "ok" : p.r) !== e.r) return null;
					const pending = { ...s.pending };
					delete pending[e.op];
					return { ...s, pending };
				}
				case "tryAcquire":
					if (s.available > 0)
						return e.r === "true" ? { ...s, available: s.available - 1 } : null;
					return e.r === "false" ? s : null;
				case "release": {
					// Permits held: granted requests not yet resumed hold theirs too.
					if (s.available >= permits) return e.r === tooMany ? s : null;
					return e.r === "ok" ? release(s) : null;
				}
				case "cancel": {
					const cancelled = s.cancelled.includes(e.t)
						? s.cancelled
						: [...s.cancelled, e.t].sort();
					let next: SemaphoreState = { ...s, cancelled };
					for (const [id, p] of Object.entries(s.pending)) {
						if (p.t !== e.t || p.s === "done") continue;
						const op = Number(id);
						const pending = {
							...next.pending,
							[op]: { ...p, s: "done" as const, r: "CE" },
						};
						next =
							p.s === "queued"
								? {
										...next,
										pending,
										queue: next.queue.filter((q) => q !== op),
									}
								: release({ ...next, pending });
					}
					return next;
				}
				case "final":
					return e.available === s.available ? s : null;
			}
		},
	};
}

let nextOp = 0;

/** Runs semaphore steps on a real `Semaphore(permits)` and records them as model events. */
export function semaphoreSubject(
	permits: number,
): () => Subject<SemaphoreStep, SemaphoreEvent> {
	return () => {
		const sem = Semaphore(permits);
		return {
			run(
				step,
				t,
				record: HistoryRecorder<SemaphoreEvent>,
			): Suspend<void> | undefined {
				const respond = record.invoke();
				if (step === "acquire") {
					const op = nextOp++;
					return (function* () {
						let r = "ok";
						try {
							yield* sem.acquire();
						} catch (e) {
							r = outcomeOf(e);
						}
						respond([
							{ k: "acquireRequest", t, op, r },
							{ k: "acquireDone", t, op, r },
						]);
					})();
				}
				if (step === "tryAcquire") {
					respond([{ k: "tryAcquire", r: String(sem.tryAcquire()) }]);
					return undefined;
				}
				let r = "ok";
				try {
					sem.release();
				} catch (e) {
					r = outcomeOf(e);
				}
				respond([{ k: "release", r }]);
				return undefined;
			},
			cancelled: (t) => ({ k: "cancel", t }),
			observe: () => ({ k: "final", available: sem.availablePermits }),
		};
	};
}
