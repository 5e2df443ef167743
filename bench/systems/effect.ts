import { Duration, Effect, Fiber } from "effect";
import {
	args,
	check,
	EXTRA,
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

const { workload, scale } = args();

/** A root fiber with `width` children of `depth` suspended grandchildren, finally counters. */
function tree(
	width: number,
	depth: number,
	finals: { count: number; started: number },
	sample?: WeakSample,
) {
	const counted = <A, E>(e: Effect.Effect<A, E>) =>
		Effect.ensuring(
			e,
			Effect.sync(() => {
				finals.count++;
			}),
		);
	const suspended = Effect.sync(() => {
		finals.started++;
	}).pipe(Effect.andThen(Effect.never));
	const child = Effect.gen(function* () {
		for (let j = 0; j < depth; j++) {
			const fiber = yield* Effect.forkChild(counted(suspended));
			sample?.add(fiber);
		}
		yield* counted(suspended);
	});
	return Effect.gen(function* () {
		for (let i = 0; i < width; i++) yield* Effect.forkChild(child);
		yield* Effect.never;
	});
}

/** Waits until every fiber of the tree has started and suspended. */
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
	const root = Effect.runFork(tree(width, depth, finals));
	await allStarted(finals, width * (depth + 1));
	const ms = await stopwatch(
		() => Effect.runPromise(Fiber.interrupt(root)),
		profile,
	);
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
				Effect.runPromise(
					Effect.gen(function* () {
						const fibers = [];
						for (let i = 0; i < k; i++)
							fibers.push(yield* Effect.forkChild(Effect.void));
						yield* Fiber.joinAll(fibers);
					}),
				),
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
		const n = scaled(100_000, scale);
		let ran = 0;
		const ms = await timed(
			(k) =>
				Effect.runPromise(
					Effect.gen(function* () {
						const fibers = [];
						for (let i = 0; i < k; i++)
							fibers.push(
								yield* Effect.forkChild(
									Effect.gen(function* () {
										ran++;
									}),
								),
							);
						yield* Fiber.joinAll(fibers);
					}),
				),
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
				Effect.runPromise(
					Effect.gen(function* () {
						for (let i = 0; i < k; i++) {
							yield* Effect.yieldNow;
							steps++;
						}
					}),
				),
			n,
		);
		check(steps === 3 * n, `ran ${steps} steps`);
		const half = n >> 1;
		let steps2 = 0;
		const loop = Effect.gen(function* () {
			for (let i = 0; i < half; i++) {
				yield* Effect.yieldNow;
				steps2++;
			}
		});
		const ms2 = await timed(
			() =>
				Effect.runPromise(
					Effect.gen(function* () {
						const a = yield* Effect.forkChild(loop);
						const b = yield* Effect.forkChild(loop);
						yield* Fiber.joinAll([a, b]);
					}),
				),
			n,
		);
		check(steps2 === 6 * half, `two fibers ran ${steps2} steps`);
		report({
			value: n / ms / 1000,
			unit: "M steps/s",
			lowerIsBetter: false,
			extra: { [EXTRA.twoCoroutines]: round((2 * half) / ms2 / 1000) },
		});
		break;
	}
	case "cancel-tree": {
		const width = scaled(100, scale);
		await cancelTree(width, 1000);
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
				Effect.runPromise(
					Effect.gen(function* () {
						for (let i = 0; i < k; i++) {
							sum += yield* Effect.timeout(
								Effect.succeed(1),
								Duration.millis(1000),
							);
						}
					}),
				),
			n,
		);
		check(sum === 3 * n, `sum ${sum}`);
		report({
			value: (ms * 1000) / n,
			unit: "µs per timeout",
			lowerIsBetter: true,
		});
		break;
	}
	case "memory": {
		const n = scaled(100_000, scale);
		const finals = { count: 0, started: 0 };
		const sample = new WeakSample(1000);
		await cancelTree(1, 100);
		const before = await settleHeap();
		const root = Effect.runFork(tree(1, n, finals, sample));
		await allStarted(finals, n + 1);
		const alive = await settleHeap();
		await Effect.runPromise(Fiber.interrupt(root));
		const after = await settleHeap();
		check(finals.count === n + 1, `finally ran ${finals.count} times`);
		report({
			value: (alive - before) / n,
			unit: "bytes per suspended fiber",
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
			fairnessMs(scale),
			async (duration) => {
				let steps = 0;
				const end = performance.now() + duration;
				await Effect.runPromise(
					Effect.gen(function* () {
						for (;;) {
							yield* Effect.yieldNow;
							if ((++steps & 1023) === 0 && performance.now() >= end) return;
						}
					}),
				);
				return steps;
			},
		);
		report(result);
		break;
	}
}
