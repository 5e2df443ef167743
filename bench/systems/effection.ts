import {
	createQueue,
	type Operation,
	race,
	run,
	sleep,
	spawn,
	suspend,
	type Task,
	until,
} from "effection";
import {
	args,
	check,
	EXTRA,
	fail,
	fairnessMs,
	measureFairness,
	report,
	round,
	scaled,
	settleHeap,
	stopwatch,
	timed,
	WeakSample,
} from "../protocol.js";

const { workload, scale: requested } = args();
/** effection runs at a tenth of the size: its cost per task grows with the number of tasks. */
const scale = requested / 10;

/** The cheapest suspension effection 4 offers: it has no yield-to-scheduler primitive. */
const resolved = () => until(Promise.resolve());

function* suspended(finals: {
	count: number;
	started: number;
}): Operation<void> {
	try {
		finals.started++;
		yield* suspend();
	} finally {
		finals.count++;
	}
}

function tree(
	width: number,
	depth: number,
	finals: { count: number; started: number },
	sample?: WeakSample,
) {
	return function* (): Operation<void> {
		for (let i = 0; i < width; i++) {
			yield* spawn(function* () {
				for (let j = 0; j < depth; j++) {
					const task = yield* spawn(() => suspended(finals));
					sample?.add(task);
				}
				yield* suspended(finals);
			});
		}
		yield* suspend();
	};
}

async function allStarted(
	finals: { started: number },
	total: number,
): Promise<void> {
	while (finals.started < total) await new Promise((r) => setImmediate(r));
}

async function cancelTree(
	width: number,
	depth: number,
	profile = false,
): Promise<number> {
	const finals = { count: 0, started: 0 };
	const root: Task<void> = run(tree(width, depth, finals));
	await allStarted(finals, width * (depth + 1));
	const ms = await stopwatch(() => root.halt(), profile);
	check(
		finals.count === width * (depth + 1),
		`finally ran ${finals.count} times`,
	);
	return ms;
}

switch (workload) {
	case "spawn-join": {
		const n = scaled(100_000, scale);
		const ms = await timed(
			(k) =>
				run(function* () {
					const tasks: Task<void>[] = [];
					for (let i = 0; i < k; i++) tasks.push(yield* spawn(function* () {}));
					for (const task of tasks) yield* task;
				}),
			n,
		);
		report({
			value: (ms * 1000) / n,
			unit: "µs per child",
			lowerIsBetter: true,
		});
		break;
	}
	case "spawn-join-inline": {
		// Its spawn-join already spawns an inline block; this one has a body, like the others'.
		const n = scaled(100_000, scale);
		let ran = 0;
		const ms = await timed(
			(k) =>
				run(function* () {
					const tasks: Task<void>[] = [];
					for (let i = 0; i < k; i++)
						tasks.push(
							yield* spawn(function* () {
								ran++;
							}),
						);
					for (const task of tasks) yield* task;
				}),
			n,
		);
		check(ran > 0, "no child ran");
		report({
			value: (ms * 1000) / n,
			unit: "µs per child",
			lowerIsBetter: true,
		});
		break;
	}
	case "yield-steps": {
		const n = scaled(1_000_000, scale);
		let steps = 0;
		const ms = await timed(
			(k) =>
				run(function* () {
					for (let i = 0; i < k; i++) {
						yield* resolved();
						steps++;
					}
				}),
			n,
		);
		check(steps === 3 * n, `ran ${steps} steps`);
		const half = n >> 1;
		let steps2 = 0;
		function* loop(): Operation<void> {
			for (let i = 0; i < half; i++) {
				yield* resolved();
				steps2++;
			}
		}
		const ms2 = await timed(
			() =>
				run(function* () {
					const a = yield* spawn(loop);
					const b = yield* spawn(loop);
					yield* a;
					yield* b;
				}),
			n,
		);
		check(steps2 === 6 * half, `two tasks ran ${steps2} steps`);
		report({
			value: n / ms / 1000,
			unit: "M steps/s",
			lowerIsBetter: false,
			extra: {
				step: "until(Promise.resolve())",
				[EXTRA.twoCoroutines]: round((2 * half) / ms2 / 1000),
			},
		});
		break;
	}
	case "cancel-tree": {
		const width = scaled(100, scale);
		await cancelTree(Math.max(1, width >> 2), 1000);
		const ms = await cancelTree(width, 1000, true);
		report({
			value: (ms * 1000) / (width * 1001),
			unit: "µs per cancelled coroutine",
			lowerIsBetter: true,
		});
		break;
	}
	case "timeout-fast": {
		const n = scaled(100_000, scale);
		let sum = 0;
		const ms = await timed(
			(k) =>
				run(function* () {
					for (let i = 0; i < k; i++) {
						sum += yield* race([
							(function* (): Operation<number> {
								return 1;
							})(),
							(function* (): Operation<number> {
								yield* sleep(1000);
								throw new Error("timed out");
							})(),
						]);
					}
				}),
			n,
		);
		check(sum === 3 * n, `sum ${sum}`);
		report({
			value: (ms * 1000) / n,
			unit: "µs per race-with-sleep timeout",
			lowerIsBetter: true,
		});
		break;
	}
	case "memory": {
		const n = scaled(100_000, scale);
		await cancelTree(1, 100);
		const finals = { count: 0, started: 0 };
		const sample = new WeakSample(100);
		const before = await settleHeap();
		const root = run(tree(1, n, finals, sample));
		await allStarted(finals, n + 1);
		const alive = await settleHeap();
		await root.halt();
		const after = await settleHeap();
		check(finals.count === n + 1, `finally ran ${finals.count} times`);
		report({
			value: (alive - before) / n,
			unit: "bytes per suspended task",
			lowerIsBetter: true,
			extra: {
				[EXTRA.retainedBytes]: round((after - before) / n),
				[EXTRA.sampleAlive]: sample.alive(),
				[EXTRA.sampleSize]: sample.size,
			},
		});
		break;
	}
	case "fairness": {
		const result = await measureFairness(
			fairnessMs(requested),
			async (duration) => {
				let steps = 0;
				const end = performance.now() + duration;
				await run(function* () {
					for (;;) {
						yield* resolved();
						if ((++steps & 1023) === 0 && performance.now() >= end) return;
					}
				});
				return steps;
			},
		);
		report(result);
		break;
	}
	case "ping-pong": {
		const n = scaled(200_000, scale);
		const ms = await timed(
			(k) =>
				run(function* () {
					const ping = createQueue<number, never>();
					const pong = createQueue<number, never>();
					const peer = yield* spawn(function* () {
						for (let i = 0; i < k; i++) {
							const r = yield* ping.next();
							pong.add((r.value as number) + 1);
						}
					});
					let sum = 0;
					for (let i = 0; i < k; i++) {
						ping.add(i);
						sum += (yield* pong.next()).value as number;
					}
					yield* peer;
					check(sum === (k * (k + 1)) / 2, `sum ${sum}`);
				}),
			n,
		);
		report({
			value: (ms * 1000) / n,
			unit: "µs per round trip",
			lowerIsBetter: true,
			extra: { channels: "two createQueue()" },
		});
		break;
	}
	case "channel-throughput": {
		const n = scaled(1_000_000, scale);
		const ms = await timed(
			(k) =>
				run(function* () {
					const q = createQueue<number, never>();
					yield* spawn(function* () {
						for (let i = 0; i < k; i++) {
							q.add(i);
							if ((i & 63) === 63) yield* resolved();
						}
					});
					for (let i = 0; i < k; i++) yield* q.next();
				}),
			n,
		);
		report({
			value: n / ms / 1000,
			unit: "M elements/s",
			lowerIsBetter: false,
			extra: {
				channel: "createQueue() (unbounded; the producer yields every 64)",
			},
		});
		break;
	}
	case "fan-in": {
		const producers = 1000;
		const each = scaled(100, requested); // the producer count stays 1000, as the others'
		const ms = await timed(
			(k) =>
				run(function* () {
					const q = createQueue<number, never>();
					for (let p = 0; p < producers; p++) {
						yield* spawn(function* () {
							for (let i = 0; i < k; i++) {
								q.add(i);
								yield* resolved();
							}
						});
					}
					for (let i = 0; i < producers * k; i++) yield* q.next();
				}),
			each,
		);
		report({
			value: (ms * 1000) / (producers * each),
			unit: "µs per element",
			lowerIsBetter: true,
			extra: { producers, channel: "createQueue() (unbounded)" },
		});
		break;
	}
	case "channel-memory": {
		fail(
			"channel-memory has no effection peer (its queues never make a sender wait)",
		);
	}
}
