import {
	asFlow,
	awaitCancellation,
	Channel,
	CoroutineScope,
	Dispatchers,
	flow,
	type Job,
	MutableSharedFlow,
	MutableStateFlow,
	Mutex,
	runCoroutine,
	type Suspend,
	withTimeout,
	yieldNow,
} from "kocoro";
import {
	args,
	benchStorage,
	check,
	EXTRA,
	fairnessMs,
	flowRate,
	measureFairness,
	type Result,
	report,
	reportFlowRate,
	round,
	scaled,
	settleHeap,
	stopwatch,
	timed,
	WeakSample,
} from "../protocol.js";

const { workload, scale, withStore } = args();

const noop = function* () {};

/** Kotlin's `0 until n` as a lazy iterable (no array). */
function range(n: number): Iterable<number> {
	return {
		[Symbol.iterator]() {
			let i = 0;
			return {
				next: (): IteratorResult<number> =>
					i < n
						? { value: i++, done: false }
						: { value: undefined, done: true },
			};
		},
	};
}
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
	case "ping-pong": {
		const n = scaled(200_000, scale);
		const ms = await timed(
			(k) =>
				runCoroutine(function* () {
					const ping = Channel<number>();
					const pong = Channel<number>();
					this.launch(function* () {
						for (let i = 0; i < k; i++)
							yield* pong.send((yield* ping.receive()) + 1);
					});
					let sum = 0;
					for (let i = 0; i < k; i++) {
						yield* ping.send(i);
						sum += yield* pong.receive();
					}
					check(sum === (k * (k + 1)) / 2, `sum ${sum}`);
				}),
			n,
		);
		report({
			value: (ms * 1000) / n,
			unit: "µs per round trip",
			lowerIsBetter: true,
			extra: { channels: "two Channel() (rendezvous)" },
		});
		break;
	}
	case "channel-throughput": {
		const n = scaled(1_000_000, scale);
		const ms = await timed(
			(k) =>
				runCoroutine(function* () {
					const ch = Channel<number>(64);
					this.launch(function* () {
						for (let i = 0; i < k; i++) yield* ch.send(i);
						ch.close();
					});
					let count = 0;
					for (const it = ch.iterator(); yield* it.hasNext(); ) {
						it.next();
						count++;
					}
					check(count === k, `received ${count}`);
				}),
			n,
		);
		report({
			value: n / ms / 1000,
			unit: "M elements/s",
			lowerIsBetter: false,
			extra: { channel: "Channel(64)" },
		});
		break;
	}
	case "fan-in": {
		const producers = 1000;
		const each = scaled(100, scale);
		const ms = await timed(
			(k) =>
				runCoroutine(function* () {
					const ch = Channel<number>(Channel.BUFFERED);
					for (let p = 0; p < producers; p++) {
						this.launch(function* () {
							for (let i = 0; i < k; i++) yield* ch.send(i);
						});
					}
					let count = 0;
					const total = producers * k;
					while (count < total) {
						yield* ch.receive();
						count++;
					}
				}),
			each,
		);
		report({
			value: (ms * 1000) / (producers * each),
			unit: "µs per element",
			lowerIsBetter: true,
			extra: { producers, channel: "Channel(BUFFERED)" },
		});
		break;
	}
	case "channel-memory": {
		const n = scaled(100_000, scale);
		/** Heap bytes per coroutine of n coroutines suspended on `wait`, then cancelled. */
		const perCoroutine = async (
			wait: (i: number) => Suspend<unknown>,
		): Promise<number> => {
			const before = await settleHeap();
			const scope = CoroutineScope(Dispatchers.Default);
			for (let i = 0; i < n; i++)
				scope.launch(function* () {
					yield* wait(i);
				});
			await afterQueued();
			const alive = await settleHeap();
			scope.cancel();
			await afterQueued();
			await afterQueued();
			return (alive - before) / n;
		};
		await perCoroutine(() => awaitCancellation()); // warm up
		const idle = await perCoroutine(() => awaitCancellation());
		const full = Channel<number>();
		const sender = await perCoroutine((i) => full.send(i));
		const empty = Channel<number>();
		const receiver = await perCoroutine(() => empty.receive());
		const result: Result = {
			value: sender - idle,
			unit: "bytes per suspended sender beyond the coroutine",
			lowerIsBetter: true,
			extra: {
				[EXTRA.suspendedReceiver]: round(receiver - idle),
				"bytes per coroutine in awaitCancellation": round(idle),
			},
		};
		report(result);
		break;
	}
	case "mutex-uncontended": {
		const n = scaled(1_000_000, scale);
		const mutex = Mutex();
		let count = 0;
		const body = () => {
			count++;
		};
		const ms = await timed(
			(k) =>
				runCoroutine(function* () {
					for (let i = 0; i < k; i++) yield* mutex.withLock(body);
				}),
			n,
		);
		check(count === 3 * n && !mutex.isLocked, `ran ${count} bodies`);
		report({
			value: (ms * 1000) / n,
			unit: "µs per withLock",
			lowerIsBetter: true,
		});
		break;
	}
	case "mutex-handoff": {
		const n = scaled(200_000, scale);
		const mutex = Mutex();
		let inside = 0;
		let count = 0;
		const body = function* () {
			check(++inside === 1, "two bodies inside the lock");
			count++;
			yield* yieldNow();
			inside--;
		};
		const ms = await timed(
			(k) =>
				runCoroutine(function* () {
					for (let c = 0; c < 2; c++) {
						this.launch(function* () {
							for (let i = 0; i < k; i++) yield* mutex.withLock(body);
						});
					}
				}),
			n,
		);
		check(count === 6 * n && !mutex.isLocked, `ran ${count} bodies`);
		report({
			value: (ms * 1000) / (2 * n),
			unit: "µs per contended withLock",
			lowerIsBetter: true,
		});
		break;
	}
	case "stateflow-fanout": {
		// One MutableStateFlow, 1,000 collectors, 10,000 updates; the updater yields after each,
		// so every collector sees every value (no conflation): cost per delivered value.
		const collectors = scaled(1_000, scale);
		const updates = scaled(10_000, scale);
		let delivered = 0;
		const ms = await timed(async () => {
			delivered = 0;
			await runCoroutine(function* () {
				const state = MutableStateFlow(0);
				const jobs: Job[] = [];
				for (let i = 0; i < collectors; i++) {
					jobs.push(
						this.launch(function* () {
							yield* state.collect(() => {
								delivered++;
							});
						}),
					);
				}
				yield* yieldNow();
				for (let i = 1; i <= updates; i++) {
					state.value = i;
					yield* yieldNow();
				}
				for (const j of jobs) j.cancel();
			});
		}, updates);
		check(
			delivered === collectors * (updates + 1),
			`delivered ${delivered} values`,
		);
		report({
			value: (ms * 1e6) / delivered,
			unit: "ns per delivered value",
			lowerIsBetter: true,
			extra: { [EXTRA.delivered]: delivered },
		});
		break;
	}
	case "sharedflow-broadcast": {
		// MutableSharedFlow(extraBufferCapacity = 64), 100 collectors, 100,000 emits.
		const collectors = scaled(100, scale);
		const emits = scaled(100_000, scale);
		let delivered = 0;
		const ms = await timed(async () => {
			delivered = 0;
			await runCoroutine(function* () {
				const shared = MutableSharedFlow<number>({ extraBufferCapacity: 64 });
				const jobs: Job[] = [];
				for (let i = 0; i < collectors; i++) {
					jobs.push(
						this.launch(function* () {
							yield* shared.collect(() => {
								delivered++;
							});
						}),
					);
				}
				while (shared.subscriptionCount.value < collectors) yield* yieldNow();
				for (let i = 1; i <= emits; i++) yield* shared.emit(i);
				while (delivered < collectors * emits) yield* yieldNow();
				for (const j of jobs) j.cancel();
			});
		}, emits);
		check(delivered === collectors * emits, `delivered ${delivered} values`);
		report({
			value: (ms * 1e6) / delivered,
			unit: "ns per delivered value",
			lowerIsBetter: true,
			extra: { [EXTRA.delivered]: delivered },
		});
		break;
	}
	case "flow-pipeline": {
		// Plain lambdas: the collector never suspends, so no value pays for suspension. The source
		// is Kotlin's `(0 until n).asFlow()` (RxJS's `range`); the extra figure is the same pipeline
		// over a `flow {}` builder, whose body pays one `yield*` per value.
		const builder = await flowRate(
			(n) =>
				runCoroutine(function* () {
					return yield* flow<number>(function* () {
						for (let i = 0; i < n; i++) yield* this.emit(i);
					})
						.map((x) => x * 2)
						.filter((x) => x % 3 === 0)
						.fold(0, (acc, x) => acc + x);
				}),
			scale,
		);
		await reportFlowRate(
			(n) =>
				runCoroutine(function* () {
					return yield* asFlow(range(n))
						.map((x) => x * 2)
						.filter((x) => x % 3 === 0)
						.fold(0, (acc, x) => acc + x);
				}),
			scale,
			{ [EXTRA.flowBuilder]: round(builder) },
		);
		break;
	}
	case "flow-suspending":
		// Generator-function lambdas (they could suspend; they do not).
		await reportFlowRate(
			(n) =>
				runCoroutine(function* () {
					return yield* asFlow(range(n))
						.map(function* (x) {
							return x * 2;
						})
						.filter(function* (x) {
							return x % 3 === 0;
						})
						.fold(0, function* (acc, x) {
							return acc + x;
						});
				}),
			scale,
		);
		break;
}
