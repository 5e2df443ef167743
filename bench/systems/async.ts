/**
 * Plain async/await, the baseline: promises for children, `await null` for a step,
 * `Promise.race` with a cleared `setTimeout` for a timeout, and an AbortController per node for
 * cancelling a tree (each child listens on its parent's signal).
 */
import { setMaxListeners } from "node:events";
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

/** A task that waits until `signal` aborts, then runs its finally. */
function waitForAbort(
	signal: AbortSignal,
	finals: { count: number; started: number },
): Promise<void> {
	finals.started++;
	return new Promise<void>((_, reject) => {
		signal.addEventListener("abort", () => reject(signal.reason), {
			once: true,
		});
	})
		.catch(() => {})
		.finally(() => {
			finals.count++;
		});
}

function abortTree(
	width: number,
	depth: number,
	finals: { count: number; started: number },
	sample?: WeakSample,
) {
	const root = new AbortController();
	setMaxListeners(0, root.signal); // one listener per child is the point of the tree
	const all: Promise<void>[] = [];
	for (let i = 0; i < width; i++) {
		const child = new AbortController();
		setMaxListeners(0, child.signal);
		root.signal.addEventListener(
			"abort",
			() => child.abort(root.signal.reason),
			{ once: true },
		);
		for (let j = 0; j < depth; j++) {
			const grandchild = new AbortController();
			sample?.add(grandchild);
			child.signal.addEventListener(
				"abort",
				() => grandchild.abort(child.signal.reason),
				{
					once: true,
				},
			);
			all.push(waitForAbort(grandchild.signal, finals));
		}
		all.push(waitForAbort(child.signal, finals));
	}
	// Nothing keeps the array of results once the tree is done.
	return { root, done: Promise.all(all).then(() => {}) };
}

async function cancelTree(
	width: number,
	depth: number,
	profile = false,
): Promise<number> {
	const finals = { count: 0, started: 0 };
	const { root, done } = abortTree(width, depth, finals);
	const ms = await stopwatch(async () => {
		root.abort();
		await done;
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
		const child = async () => {};
		const ms = await timed(async (k) => {
			const all: Promise<void>[] = [];
			for (let i = 0; i < k; i++) all.push(child());
			await Promise.all(all);
		}, n);
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
		const ms = await timed(async (k) => {
			for (let i = 0; i < k; i++) {
				await null;
				steps++;
			}
		}, n);
		check(steps === 3 * n, `ran ${steps} steps`);
		const half = n >> 1;
		let steps2 = 0;
		const loop = async () => {
			for (let i = 0; i < half; i++) {
				await null;
				steps2++;
			}
		};
		const ms2 = await timed(async () => {
			await Promise.all([loop(), loop()]);
		}, n);
		check(steps2 === 6 * half, `two loops ran ${steps2} steps`);
		const extra: Record<string, number> = {
			[EXTRA.twoCoroutines]: round((2 * half) / ms2 / 1000),
		};
		if (withStore) {
			const ms3 = await timed(async () => {
				await Promise.all(
					[1, 2].map((r) => benchStorage.run({ request: r }, loop)),
				);
			}, n);
			check(
				steps2 === 12 * half,
				`two requests ran ${steps2 - 6 * half} steps`,
			);
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
		await cancelTree(width, 1000);
		const ms = await cancelTree(width, 1000, true);
		report({
			value: (ms * 1000) / (width * 1001),
			unit: "µs per cancelled task (AbortController tree)",
			lowerIsBetter: true,
		});
		break;
	}
	case "timeout-fast": {
		const n = scaled(100_000, scale);
		let sum = 0;
		const body = async () => 1;
		const ms = await timed(async (k) => {
			for (let i = 0; i < k; i++) {
				let timer: NodeJS.Timeout | undefined;
				const timeout = new Promise<never>((_, reject) => {
					timer = setTimeout(() => reject(new Error("timed out")), 1000);
				});
				try {
					sum += await Promise.race([body(), timeout]);
				} finally {
					clearTimeout(timer);
				}
			}
		}, n);
		check(sum === 3 * n, `sum ${sum}`);
		report({
			value: (ms * 1000) / n,
			unit: "µs per Promise.race timeout",
			lowerIsBetter: true,
		});
		break;
	}
	case "memory": {
		const n = scaled(100_000, scale);
		await cancelTree(1, 100);
		const finals = { count: 0, started: 0 };
		const sample = new WeakSample(1000);
		const before = await settleHeap();
		// 100 × 1,000 like cancel-tree: 100,000 listeners on one AbortSignal is quadratic in Node.
		const width = Math.max(1, Math.round(n / 1000));
		const { root, done } = abortTree(width, 999, finals, sample);
		const alive = await settleHeap();
		root.abort();
		await done;
		const after = await settleHeap();
		check(finals.count === width * 1000, `finally ran ${finals.count} times`);
		report({
			value: (alive - before) / (width * 1000),
			unit: "bytes per pending task (promise + AbortController)",
			lowerIsBetter: true,
			extra: {
				[EXTRA.retainedBytes]: round((after - before) / (width * 1000)),
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
				for (;;) {
					await null; // a microtask: the event loop never gets a turn
					if ((++steps & 1023) === 0 && performance.now() >= end) return steps;
				}
			},
		);
		report(result);
		break;
	}
}
