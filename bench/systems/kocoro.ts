import {
	awaitCancellation,
	CoroutineScope,
	Dispatchers,
	runCoroutine,
	withTimeout,
	yieldNow,
} from "kocoro";
import {
	args,
	benchStorage,
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

const { workload, scale, withStore } = args();

const noop = function* () {};
const returnsAtOnce = function* () {
	return 1;
};

/** FIFO run queue: this runs after the first step of everything launched before it. */
const afterQueued = () =>
	runCoroutine(function* () {
		yield* yieldNow();
	});

/** A root with `width` children of `depth` suspended grandchildren, each counting its finally. */
async function suspendedTree(
	width: number,
	depth: number,
	finals: { count: number },
	sample?: WeakSample,
) {
	const leaf = function* () {
		try {
			yield* awaitCancellation();
		} finally {
			finals.count++;
		}
	};
	const scope = CoroutineScope(Dispatchers.Default);
	const root = scope.launch(function* () {
		for (let i = 0; i < width; i++) {
			this.launch(function* () {
				for (let j = 0; j < depth; j++) {
					const job = this.launch(leaf);
					sample?.add(job);
				}
				try {
					yield* awaitCancellation();
				} finally {
					finals.count++;
				}
			});
		}
	});
	await afterQueued();
	await afterQueued();
	return { scope, root };
}

async function cancelTree(
	width: number,
	depth: number,
	profile = false,
): Promise<number> {
	const finals = { count: 0 };
	const { scope, root } = await suspendedTree(width, depth, finals);
	const ms = await stopwatch(async () => {
		root.cancel();
		await scope.promise(function* () {
			yield* root.join();
		});
	}, profile);
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
				runCoroutine(function* () {
					for (let i = 0; i < k; i++) this.launch(noop);
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
		const n = scaled(100_000, scale);
		let ran = 0;
		const ms = await timed(
			(k) =>
				runCoroutine(function* () {
					for (let i = 0; i < k; i++)
						this.launch(function* () {
							ran++;
						});
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
				runCoroutine(function* () {
					for (let i = 0; i < k; i++) {
						yield* yieldNow();
						steps++;
					}
				}),
			n,
		);
		check(steps === 3 * n, `ran ${steps} steps`);
		// The same number of steps split between two coroutines: every yield goes through the
		// run queue (with one coroutine alone, yieldNow may continue in place).
		const half = n >> 1;
		let steps2 = 0;
		const loop = function* () {
			for (let i = 0; i < half; i++) {
				yield* yieldNow();
				steps2++;
			}
		};
		const ms2 = await timed(
			() =>
				runCoroutine(function* () {
					this.launch(loop);
					this.launch(loop);
				}),
			n,
		);
		check(steps2 === 6 * half, `two coroutines ran ${steps2} steps`);
		const extra: Record<string, number> = {
			[EXTRA.twoCoroutines]: round((2 * half) / ms2 / 1000),
		};
		if (withStore) {
			// The worst case: two roots with different stores take turns, a context switch per step.
			let steps3 = 0;
			const request = function* () {
				for (let i = 0; i < half; i++) {
					yield* yieldNow();
					steps3++;
				}
			};
			const ms3 = await timed(async () => {
				await Promise.all(
					[1, 2].map((r) =>
						benchStorage.run({ request: r }, () => runCoroutine(request)),
					),
				);
			}, n);
			check(steps3 === 6 * half, `two requests ran ${steps3} steps`);
			extra[EXTRA.twoRequests] = round((2 * half) / ms3 / 1000);
		}
		report({
			value: n / ms / 1000,
			unit: "M steps/s",
			lowerIsBetter: false,
			extra,
		});
		break;
	}
	case "cancel-tree": {
		const width = scaled(100, scale);
		await cancelTree(width, 1000); // warm up
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
				runCoroutine(function* () {
					for (let i = 0; i < k; i++)
						sum += yield* withTimeout(1000, returnsAtOnce);
				}),
			n,
		);
		check(sum === 3 * n, `sum ${sum}`);
		report({
			value: (ms * 1000) / n,
			unit: "µs per withTimeout",
			lowerIsBetter: true,
		});
		break;
	}
	case "memory": {
		const n = scaled(100_000, scale);
		const finals = { count: 0 };
		const sample = new WeakSample(1000);
		await cancelTree(10, 100); // warm up
		const before = await settleHeap();
		const { scope, root } = await suspendedTree(1, n, finals, sample);
		const alive = await settleHeap();
		root.cancel();
		await scope.promise(function* () {
			yield* root.join();
		});
		const after = await settleHeap();
		check(finals.count === n + 1, `finally ran ${finals.count} times`);
		report({
			value: (alive - before) / n,
			unit: "bytes per suspended coroutine",
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
				await runCoroutine(function* () {
					for (;;) {
						yield* yieldNow();
						if ((++steps & 1023) === 0 && performance.now() >= end) return;
					}
				});
				return steps;
			},
		);
		report(result);
		break;
	}
}
