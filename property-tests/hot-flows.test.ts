/**
 * Properties of the hot flows, over seeded interleavings (runTest's `seed`):
 * - a StateFlow collector never sees two equal values in a row and ends on the last value set;
 * - a SharedFlow with replay r gives a late subscriber exactly the last r values emitted;
 * - WhileSubscribed(t) runs its upstream exactly while some subscriber exists, or for less than
 *   t ms after the last one left (checked against a model of random subscribe/leave schedules).
 */
import fc from "fast-check";
import {
	awaitCancellation,
	delay,
	flow,
	type Job,
	MutableSharedFlow,
	MutableStateFlow,
	SharingStarted,
} from "kocoro";
import { runTest } from "kocoro/test";
import { delays, seeds } from "kocoro/test/arbitraries";
import { expect, it } from "vitest";
import { RUNS } from "./support.js";

it("a StateFlow collector never sees two equal values in a row and ends on the last value set", async () => {
	await fc.assert(
		fc.asyncProperty(
			seeds(),
			fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), delays({ max: 50 })), {
				minLength: 1,
				maxLength: 12,
			}),
			fc.array(delays({ max: 20 }), { minLength: 1, maxLength: 3 }),
			async (seed, writes, collectorDelays) => {
				const seen: number[][] = collectorDelays.map(() => []);
				let last = -1;
				let final = Number.NaN;
				await runTest(
					function* () {
						const state = MutableStateFlow(-1);
						const collectors = collectorDelays.map((ms, i) =>
							this.launch(function* () {
								yield* state.collect(function* (v) {
									seen[i]!.push(v);
									yield* delay(ms); // a slow collector: values conflate
								});
							}),
						);
						const writers = writes.map(([value, ms]) =>
							this.launch(function* () {
								yield* delay(ms);
								state.value = value;
								last = value;
							}),
						);
						for (const w of writers) yield* w.join();
						yield* delay(1_000); // every collector catches up
						final = state.value;
						for (const c of collectors) c.cancel();
					},
					{ seed },
				);
				expect(final).toBe(last);
				for (const values of seen) {
					for (let i = 1; i < values.length; i++) {
						expect(Object.is(values[i - 1], values[i])).toBe(false);
					}
					expect(values.at(-1)).toBe(last);
				}
			},
		),
		{ numRuns: RUNS },
	);
});

it("a SharedFlow with replay r gives a late subscriber exactly the last r values", async () => {
	await fc.assert(
		fc.asyncProperty(
			seeds(),
			fc.integer({ min: 0, max: 5 }),
			fc.integer({ min: 0, max: 4 }),
			fc.array(fc.integer(), { maxLength: 20 }),
			fc.array(delays({ max: 10 }), { maxLength: 3 }),
			async (seed, replay, extra, values, earlyDelays) => {
				let late: number[] = [];
				let cache: readonly number[] = [];
				await runTest(
					function* () {
						const shared = MutableSharedFlow<number>(replay, extra);
						// Early subscribers, slow ones among them, make emit suspend at times.
						const early: Job[] = earlyDelays.map((ms) =>
							this.launch(function* () {
								yield* shared.collect(function* () {
									yield* delay(ms);
								});
							}),
						);
						for (const v of values) yield* shared.emit(v);
						cache = shared.replayCache;
						// Nothing is emitted after this: what the late subscriber gets is the replay.
						const got: number[] = [];
						const lateJob = this.launch(function* () {
							yield* shared.collect((v) => {
								got.push(v);
							});
						});
						yield* delay(1);
						lateJob.cancel();
						late = got;
						for (const j of early) j.cancel();
					},
					{ seed },
				);
				const expected = replay === 0 ? [] : values.slice(-replay);
				expect(cache).toEqual(expected);
				expect(late).toEqual(expected);
			},
		),
		{ numRuns: RUNS },
	);
});

/** Upstream run periods `[start, stop)` the WhileSubscribed model predicts. */
function modelRuns(
	intervals: readonly [number, number][],
	stopTimeout: number,
): [number, number][] {
	const events: [number, number][] = [];
	for (const [start, end] of intervals) events.push([start, 1], [end, -1]);
	// At one instant, arrivals first: a subscriber replacing another keeps the count above 0.
	events.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
	const runs: [number, number][] = [];
	let count = 0;
	let startedAt: number | null = null;
	let stopAt: number | null = null;
	for (const [time, delta] of events) {
		if (stopAt !== null && stopAt < time) {
			runs.push([startedAt as number, stopAt]);
			startedAt = null;
			stopAt = null;
		}
		count += delta;
		if (count > 0) {
			stopAt = null;
			if (startedAt === null) startedAt = time;
		} else {
			stopAt = time + stopTimeout;
		}
	}
	if (stopAt !== null) runs.push([startedAt as number, stopAt]);
	return runs;
}

it("WhileSubscribed(t) runs its upstream exactly while subscribed, or for less than t ms after the last left", async () => {
	// Subscribers come and go at even milliseconds and t is odd: a stop never ties with an arrival.
	const interval = fc
		.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: 1, max: 100 }))
		.map(([s, len]): [number, number] => [2 * s, 2 * (s + len)]);
	await fc.assert(
		fc.asyncProperty(
			seeds(),
			fc.constantFrom(1, 3, 51, 101, 301),
			fc.array(interval, { minLength: 1, maxLength: 6 }),
			async (seed, stopTimeout, intervals) => {
				const runs: [number, number][] = [];
				await runTest(
					function* () {
						const clock = this.testScheduler;
						let startedAt = 0;
						const upstream = flow<number>(function* () {
							startedAt = clock.currentTime;
							try {
								yield* this.emit(1);
								yield* awaitCancellation();
							} finally {
								runs.push([startedAt, clock.currentTime]);
							}
						});
						const state = upstream.stateIn(
							this.backgroundScope,
							SharingStarted.WhileSubscribed(stopTimeout),
							0,
						);
						const subscribers = intervals.map(([start, end]) =>
							this.launch(function* () {
								yield* delay(start);
								const job = this.launch(function* () {
									yield* state.collect(() => {});
								});
								yield* delay(end - start);
								job.cancel();
							}),
						);
						for (const s of subscribers) yield* s.join();
						yield* delay(stopTimeout + 10);
					},
					{ seed },
				);
				expect(runs).toEqual(modelRuns(intervals, stopTimeout));
			},
		),
		{ numRuns: RUNS },
	);
});
