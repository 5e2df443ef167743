/**
 * Concurrent scenarios for the linearizability properties: a few coroutines ("threads"), each a
 * short list of operations on one shared object, some cancelled at a random virtual instant,
 * run under `runTest` with a seed (or in FIFO order). Every operation's invocation and response
 * go to a {@link HistoryRecorder}; threads still waiting at the horizon are cancelled (recorded
 * too), and a final observation of the object closes the history.
 */
import fc from "fast-check";
import { delay, type Job, type Suspend, yieldNow } from "kocoro";
import { runTest } from "kocoro/test";
import { afterAll, beforeAll } from "vitest";
import { RUNS, seedOrFifo } from "../support.js";
import {
	checkLinearizable,
	type HistoryEvent,
	HistoryRecorder,
	type SequentialModel,
} from "./checker.js";

export { RUNS };

export const THREAD_NAMES = ["A", "B", "C", "D"] as const;

/**
 * A step of a thread: an operation of the object, a pause that lets others run, or the
 * cancellation of another thread (right after an operation: the window where a waiter was just
 * handed the object and has not resumed yet).
 */
export type Step<O> =
	| { k: "op"; op: O }
	| { k: "pause"; ms: number }
	| { k: "cancel"; target: number };

export interface Scenario<O> {
	readonly threads: readonly (readonly Step<O>[])[];
	/** Per thread: the virtual instant it is cancelled at, or null. */
	readonly cancelAt: readonly (number | null)[];
	readonly seed: number | undefined;
}

/** Scenarios of 2..4 threads of 1..maxOps random steps, with pauses and cancellations. */
export function scenarios<O>(
	op: fc.Arbitrary<O>,
	maxOps = 4,
): fc.Arbitrary<Scenario<O>> {
	const step: fc.Arbitrary<Step<O>> = fc.oneof(
		{ weight: 3, arbitrary: op.map((o) => ({ k: "op" as const, op: o })) },
		{ weight: 1, arbitrary: pauses },
		{ weight: 1, arbitrary: cancels },
	);
	return scenariosOf(fc.array(step, { minLength: 1, maxLength: maxOps }));
}

/**
 * Scenarios where each thread takes the object, pauses, gives it back and cancels another
 * thread, once or twice: the cancelled thread is often a waiter just handed the object, the
 * window the pass-on rule is about.
 */
export function handOffScenarios<O>(
	take: O | fc.Arbitrary<O>,
	give: O | fc.Arbitrary<O>,
): fc.Arbitrary<Scenario<O>> {
	const arb = (o: O | fc.Arbitrary<O>) =>
		o instanceof fc.Arbitrary ? o : fc.constant(o);
	const round = fc
		.tuple(arb(take), pauses, arb(give), cancels)
		.map(([t, pause, g, cancel]): Step<O>[] => [
			{ k: "op", op: t },
			pause,
			{ k: "op", op: g },
			cancel,
		]);
	return scenariosOf(
		fc.array(round, { minLength: 1, maxLength: 2 }).map((r) => r.flat()),
	);
}

const pauses = fc
	.integer({ min: 0, max: 2 })
	.map((ms) => ({ k: "pause" as const, ms }));
const cancels = fc
	.integer({ min: 1, max: 3 })
	.map((target) => ({ k: "cancel" as const, target }));

function scenariosOf<O>(
	thread: fc.Arbitrary<Step<O>[]>,
): fc.Arbitrary<Scenario<O>> {
	return fc.integer({ min: 2, max: 4 }).chain((n) =>
		fc.record({
			threads: fc.array(thread, { minLength: n, maxLength: n }),
			cancelAt: fc.array(
				fc.option(fc.integer({ min: 0, max: 4 }), { freq: 3, nil: null }),
				{ minLength: n, maxLength: n },
			),
			seed: seedOrFifo,
		}),
	);
}

/** How the object under test runs a thread's operation and records it. */
export interface Subject<O, M> {
	/** Runs `op` for thread `t` (named THREAD_NAMES[t]), recording it through `record`. */
	run(
		op: O,
		thread: string,
		record: HistoryRecorder<M>,
	): Suspend<void> | undefined;
	/** The model event for a cancellation of `thread`. */
	cancelled(thread: string): M;
	/**
	 * Whether `thread` is, right now, handed the object (a lock) but not yet resumed: the
	 * cancellation window the pass-on rule is about (counted in the report).
	 */
	handedOver?(thread: string): boolean;
	/** The model event of the final observation, once every thread ended. */
	observe(threads: readonly string[]): M;
}

/** After this virtual instant every thread has run all it could; waiters left are cancelled. */
const HORIZON = 100;

/** Runs a scenario on a fresh subject and returns its history. */
export async function runScenario<O, M>(
	s: Scenario<O>,
	subject: () => Subject<O, M>,
): Promise<HistoryEvent<M>[]> {
	const record = new HistoryRecorder<M>();
	const names = s.threads.map((_, i) => THREAD_NAMES[i]!);
	await runTest(
		function* () {
			const sub = subject();
			const jobs: Job[] = [];
			const cancel = (i: number, cleanup = false) => {
				const job = jobs[i]!;
				if (!cleanup) checked.cancels++;
				if (sub.handedOver?.(names[i]!) === true) checked.handedOver++;
				record.point(sub.cancelled(names[i]!));
				job.cancel();
			};
			s.threads.forEach((steps, i) => {
				jobs.push(
					this.launch(function* () {
						for (const step of steps) {
							if (step.k === "cancel") {
								// `target` 1..3 counts from this thread: never itself.
								cancel((i + step.target) % names.length);
								continue;
							}
							if (step.k === "pause") {
								try {
									if (step.ms === 0) yield* yieldNow();
									else yield* delay(step.ms);
								} catch {
									// A cancelled thread goes on with its operations (only suspensions check it).
								}
								continue;
							}
							const call = sub.run(step.op, names[i]!, record);
							if (call !== undefined) yield* call;
						}
					}),
				);
			});
			s.cancelAt.forEach((at, i) => {
				if (at === null) return;
				this.launch(function* () {
					yield* delay(at);
					cancel(i);
				});
			});
			yield* delay(HORIZON);
			jobs.forEach((job, i) => {
				if (job.isActive) cancel(i, true);
			});
			for (const job of jobs) yield* job.join();
			record.point(sub.observe(names));
		},
		s.seed === undefined ? {} : { seed: s.seed },
	);
	return record.events;
}

/** Counts of what a property file checked, printed when its tests end. */
export const checked = {
	scenarios: 0,
	events: 0,
	explored: 0,
	cancels: 0,
	handedOver: 0,
};

export function reportChecked(property: string): void {
	// Test files share this module (vitest's isolate: false): each file counts from zero.
	beforeAll(() => {
		for (const key of Object.keys(checked) as (keyof typeof checked)[]) {
			checked[key] = 0;
		}
	});
	afterAll(() => {
		console.log(
			`[linearizability ${property}] ${checked.scenarios} scenarios, ${checked.events} history events, ${checked.cancels} cancellations${checked.handedOver === 0 ? "" : ` (${checked.handedOver} of a waiter handed the lock before it resumed)`}, ${checked.explored} search states; all linearizable`,
		);
	});
}

/** Runs the scenario and throws a readable report unless its history linearizes on `model`. */
export async function expectLinearizable<O, S, M>(
	s: Scenario<O>,
	subject: () => Subject<O, M>,
	model: SequentialModel<S, M>,
	show: (op: M) => string = (op) => JSON.stringify(op),
): Promise<void> {
	const events = await runScenario(s, subject);
	const result = checkLinearizable(events, model);
	checked.scenarios++;
	checked.events += events.length;
	checked.explored += result.explored;
	if (!result.ok) {
		throw new Error(
			[
				"history is not linearizable",
				describeScenario(s),
				"history (inv..resp after):",
				...events.map(
					(e) =>
						`  #${e.id} [${e.inv}..${e.resp}]${e.after >= 0 ? ` after #${e.after}` : ""} ${show(e.op)}`,
				),
				"longest linearizable prefix:",
				...result.longest.map((e) => `  #${e.id} ${show(e.op)}`),
			].join("\n"),
		);
	}
}

export function describeScenario<O>(s: Scenario<O>): string {
	return [
		`seed: ${s.seed === undefined ? "none (FIFO)" : s.seed}`,
		...s.threads.map(
			(steps, i) =>
				`  ${THREAD_NAMES[i]}${s.cancelAt[i] === null ? "" : ` (cancelled at ${s.cancelAt[i]} ms)`}: ${steps
					.map((st) =>
						st.k === "pause"
							? `pause(${st.ms})`
							: st.k === "cancel"
								? `cancel(${THREAD_NAMES[(i + st.target) % s.threads.length]})`
								: JSON.stringify(st.op),
					)
					.join(", ")}`,
		),
	].join("\n");
}

/** What an operation's failure is called in a history: `CE`, or `<class>: <message>`. */
export function outcomeOf(e: unknown): string {
	if (e instanceof Error) {
		if (e.name.endsWith("CancellationException")) return "CE";
		return `${e.name}: ${e.message}`;
	}
	return `thrown ${String(e)}`;
}
