/**
 * The checker's own tests: it must accept what is linearizable and reject what is not, or the
 * properties that use it prove nothing. A deliberately broken model (LIFO hand-off) must be
 * rejected on a history of the real Mutex.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	CHANNEL_KINDS,
	type ChannelStep,
	channelModel,
	channelSteps,
	channelSubject,
} from "./channel-model.js";
import {
	checkLinearizable,
	HistoryRecorder,
	type SequentialModel,
} from "./checker.js";
import { type MutexStep, mutexModel, mutexSubject } from "./mutex-model.js";
import {
	handOffScenarios,
	runScenario,
	type Scenario,
	scenarios,
} from "./scenario.js";

/** A FIFO queue of numbers: `enq x`, `deq -> x` (or "empty"). */
type QueueOp = { k: "enq"; x: number } | { k: "deq"; r: number | "empty" };
function queueModel(lifo = false): SequentialModel<number[], QueueOp> {
	return {
		initial: [],
		key: (s) => s.join(","),
		step(s, op) {
			if (op.k === "enq") return [...s, op.x];
			if (s.length === 0) return op.r === "empty" ? s : null;
			const x = lifo ? s[s.length - 1] : s[0];
			if (x !== op.r) return null;
			return lifo ? s.slice(0, -1) : s.slice(1);
		},
	};
}

describe("checkLinearizable", () => {
	it("accepts overlapping operations in an order real time allows", () => {
		const h = new HistoryRecorder<QueueOp>();
		const enq1 = h.invoke();
		const enq2 = h.invoke();
		enq2([{ k: "enq", x: 2 }]); // overlaps enq 1: either order is allowed
		enq1([{ k: "enq", x: 1 }]);
		h.point({ k: "deq", r: 2 });
		h.point({ k: "deq", r: 1 });
		expect(checkLinearizable(h.events, queueModel()).ok).toBe(true);
	});

	it("rejects a FIFO violation between operations ordered in real time", () => {
		const h = new HistoryRecorder<QueueOp>();
		h.point({ k: "enq", x: 1 });
		h.point({ k: "enq", x: 2 });
		h.point({ k: "deq", r: 2 });
		const r = checkLinearizable(h.events, queueModel());
		expect(r.ok).toBe(false);
		expect(r.longest.map((e) => e.id)).toEqual([0, 1]);
		// ...which a LIFO model accepts: the model, not the checker, decides.
		expect(checkLinearizable(h.events, queueModel(true)).ok).toBe(true);
	});

	it("rejects a lost element and a duplicated one", () => {
		const lost = new HistoryRecorder<QueueOp>();
		lost.point({ k: "enq", x: 1 });
		lost.point({ k: "deq", r: "empty" });
		expect(checkLinearizable(lost.events, queueModel()).ok).toBe(false);
		const dup = new HistoryRecorder<QueueOp>();
		dup.point({ k: "enq", x: 1 });
		dup.point({ k: "deq", r: 1 });
		dup.point({ k: "deq", r: 1 });
		expect(checkLinearizable(dup.events, queueModel()).ok).toBe(false);
	});

	it("keeps a request before its completion (the after link)", () => {
		const h = new HistoryRecorder<QueueOp>();
		const both = h.invoke();
		both([
			{ k: "enq", x: 1 },
			{ k: "deq", r: 1 },
		]);
		expect(checkLinearizable(h.events, queueModel()).ok).toBe(true);
		// Without the link, deq could go first and see "empty"; with it, that order is never tried.
		const h2 = new HistoryRecorder<QueueOp>();
		h2.invoke()([
			{ k: "deq", r: "empty" },
			{ k: "enq", x: 1 },
		]);
		h2.point({ k: "deq", r: 1 });
		expect(checkLinearizable(h2.events, queueModel()).ok).toBe(true);
		const h3 = new HistoryRecorder<QueueOp>();
		h3.invoke()([
			{ k: "deq", r: 1 },
			{ k: "enq", x: 1 },
		]);
		expect(checkLinearizable(h3.events, queueModel()).ok).toBe(false);
	});
});

describe("a broken mutex model is rejected on the real Mutex's histories", () => {
	it("LIFO hand-off: A holds the lock, B then C wait; A's unlock goes to B, which the LIFO model cannot explain", async () => {
		const s: Scenario<"lock" | "tryLock" | "unlock" | "unlockAny"> = {
			threads: [
				[
					{ k: "op", op: "lock" },
					{ k: "pause", ms: 2 },
					{ k: "op", op: "unlock" },
				],
				[
					{ k: "pause", ms: 0 },
					{ k: "op", op: "lock" },
					{ k: "op", op: "unlock" },
				],
				[
					{ k: "pause", ms: 1 },
					{ k: "op", op: "lock" },
					{ k: "op", op: "unlock" },
				],
			],
			cancelAt: [null, null, null],
			seed: undefined,
		};
		const events = await runScenario(s, mutexSubject);
		expect(checkLinearizable(events, mutexModel()).ok).toBe(true);
		expect(checkLinearizable(events, mutexModel({ lifo: true })).ok).toBe(
			false,
		);
	});

	it("generated scenarios: the fair model accepts every history, the LIFO model rejects some", async () => {
		let rejected = 0;
		let total = 0;
		await fc.assert(
			fc.asyncProperty(
				handOffScenarios<MutexStep>("lock", "unlock"),
				async (s) => {
					const events = await runScenario(s, mutexSubject);
					total++;
					expect(checkLinearizable(events, mutexModel()).ok).toBe(true);
					if (!checkLinearizable(events, mutexModel({ lifo: true })).ok)
						rejected++;
				},
			),
			{ numRuns: 200, seed: 42 },
		);
		expect(total).toBe(200);
		expect(rejected).toBeGreaterThan(0);
	});

	it("a model where a waiter handed the lock and cancelled before it ran keeps it is rejected", async () => {
		// t=1: A unlocks, handing the lock to B; B's canceller runs next, before B resumes.
		const s: Scenario<"lock" | "tryLock" | "unlock" | "unlockAny"> = {
			threads: [
				[
					{ k: "op", op: "lock" },
					{ k: "pause", ms: 1 },
					{ k: "op", op: "unlock" },
				],
				[
					{ k: "pause", ms: 0 },
					{ k: "op", op: "lock" },
					{ k: "op", op: "unlock" },
				],
			],
			cancelAt: [null, 1],
			seed: undefined,
		};
		const events = await runScenario(s, mutexSubject);
		expect(checkLinearizable(events, mutexModel()).ok).toBe(true);
		expect(
			checkLinearizable(events, mutexModel({ leakOnCancel: true })).ok,
		).toBe(false);
	});
});

describe("a broken channel model is rejected on the real channel's histories", () => {
	it("LIFO buffer on Channel(2): the fair model accepts every history, the LIFO one rejects some", async () => {
		const kind = CHANNEL_KINDS.find((k) => k.name === "Channel(2)")!;
		let rejected = 0;
		await fc.assert(
			fc.asyncProperty(scenarios(channelSteps), async (s) => {
				const events = await runScenario(s, channelSubject(kind));
				expect(checkLinearizable(events, channelModel(kind)).ok).toBe(true);
				if (!checkLinearizable(events, channelModel(kind, { lifo: true })).ok)
					rejected++;
			}),
			{ numRuns: 200, seed: 7 },
		);
		expect(rejected).toBeGreaterThan(0);
	});

	it("a model that forgets the elements a cancel() drops from the buffer is rejected", async () => {
		const kind = CHANNEL_KINDS.find((k) => k.name === "Channel(2)")!;
		const s: Scenario<ChannelStep> = {
			threads: [
				[
					{ k: "op", op: "send" },
					{ k: "op", op: "send" },
					{ k: "op", op: "cancel" },
				],
				[
					{ k: "pause", ms: 1 },
					{ k: "op", op: "receiveCatching" },
				],
			],
			cancelAt: [null, null],
			seed: undefined,
		};
		const events = await runScenario(s, channelSubject(kind));
		expect(checkLinearizable(events, channelModel(kind)).ok).toBe(true);
		const forgetful = channelModel(kind);
		const broken: typeof forgetful = {
			...forgetful,
			step: (state, e) =>
				e.k === "cancelChannel"
					? forgetful.step({ ...state, buffer: [] }, e)
					: forgetful.step(state, e),
		};
		expect(checkLinearizable(events, broken).ok).toBe(false);
	});
});
