import {
	Duration,
	Effect,
	Fiber,
	PubSub,
	Queue,
	Semaphore,
	Stream,
	SubscriptionRef,
} from "effect";
import {
	args,
	check,
	EXTRA,
	fairnessMs,
	measureFairness,
	report,
	reportFlowRate,
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
	case "ping-pong": {
		const n = scaled(200_000, scale);
		const ms = await timed(
			(k) =>
				Effect.runPromise(
					Effect.gen(function* () {
						const ping = yield* Queue.bounded<number>(1);
						const pong = yield* Queue.bounded<number>(1);
						yield* Effect.forkChild(
							Effect.gen(function* () {
								for (let i = 0; i < k; i++)
									yield* Queue.offer(pong, (yield* Queue.take(ping)) + 1);
							}),
						);
						let sum = 0;
						for (let i = 0; i < k; i++) {
							yield* Queue.offer(ping, i);
							sum += yield* Queue.take(pong);
						}
						check(sum === (k * (k + 1)) / 2, `sum ${sum}`);
					}),
				),
			n,
		);
		report({
			value: (ms * 1000) / n,
			unit: "µs per round trip",
			lowerIsBetter: true,
			extra: { channels: "two Queue.bounded(1)" },
		});
		break;
	}
	case "channel-throughput": {
		const n = scaled(1_000_000, scale);
		const ms = await timed(
			(k) =>
				Effect.runPromise(
					Effect.gen(function* () {
						const q = yield* Queue.bounded<number>(64);
						yield* Effect.forkChild(
							Effect.gen(function* () {
								for (let i = 0; i < k; i++) yield* Queue.offer(q, i);
							}),
						);
						for (let i = 0; i < k; i++) yield* Queue.take(q);
					}),
				),
			n,
		);
		report({
			value: n / ms / 1000,
			unit: "M elements/s",
			lowerIsBetter: false,
			extra: { channel: "Queue.bounded(64)" },
		});
		break;
	}
	case "fan-in": {
		const producers = 1000;
		const each = scaled(100, scale);
		const ms = await timed(
			(k) =>
				Effect.runPromise(
					Effect.gen(function* () {
						const q = yield* Queue.bounded<number>(64);
						for (let p = 0; p < producers; p++) {
							yield* Effect.forkChild(
								Effect.gen(function* () {
									for (let i = 0; i < k; i++) yield* Queue.offer(q, i);
								}),
							);
						}
						for (let i = 0; i < producers * k; i++) yield* Queue.take(q);
					}),
				),
			each,
		);
		report({
			value: (ms * 1000) / (producers * each),
			unit: "µs per element",
			lowerIsBetter: true,
			extra: { producers, channel: "Queue.bounded(64)" },
		});
		break;
	}
	case "channel-memory": {
		const n = scaled(100_000, scale);
		const perFiber = async (
			wait: (i: number) => Effect.Effect<unknown>,
		): Promise<number> => {
			const before = await settleHeap();
			const fibers = [];
			for (let i = 0; i < n; i++) fibers.push(Effect.runFork(wait(i)));
			await new Promise((r) => setImmediate(r));
			const alive = await settleHeap();
			await Effect.runPromise(Fiber.interruptAll(fibers));
			return (alive - before) / n;
		};
		await perFiber(() => Effect.never);
		const idle = await perFiber(() => Effect.never);
		const full = await Effect.runPromise(Queue.bounded<number>(1));
		await Effect.runPromise(Queue.offer(full, -1));
		const sender = await perFiber((i) => Queue.offer(full, i));
		const empty = await Effect.runPromise(Queue.bounded<number>(1));
		const receiver = await perFiber(() => Queue.take(empty));
		report({
			value: sender - idle,
			unit: "bytes per suspended offer beyond the fiber",
			lowerIsBetter: true,
			extra: {
				[EXTRA.suspendedReceiver]: round(receiver - idle),
				"bytes per fiber in Effect.never": round(idle),
			},
		});
		break;
	}
	case "mutex-uncontended": {
		const n = scaled(1_000_000, scale);
		const sem = Semaphore.makeUnsafe(1);
		let count = 0;
		const body = Effect.sync(() => {
			count++;
		});
		const locked = sem.withPermits(1)(body);
		const ms = await timed(
			(k) =>
				Effect.runPromise(
					Effect.gen(function* () {
						for (let i = 0; i < k; i++) yield* locked;
					}),
				),
			n,
		);
		check(count === 3 * n, `ran ${count} bodies`);
		report({
			value: (ms * 1000) / n,
			unit: "µs per withLock",
			lowerIsBetter: true,
		});
		break;
	}
	case "mutex-handoff": {
		const n = scaled(200_000, scale);
		const sem = Semaphore.makeUnsafe(1);
		let inside = 0;
		let count = 0;
		const body = Effect.gen(function* () {
			check(++inside === 1, "two bodies inside the lock");
			count++;
			yield* Effect.yieldNow;
			inside--;
		});
		const locked = sem.withPermits(1)(body);
		const loop = (k: number) =>
			Effect.gen(function* () {
				for (let i = 0; i < k; i++) yield* locked;
			});
		const ms = await timed(
			(k) =>
				Effect.runPromise(
					Effect.all([loop(k), loop(k)], { concurrency: "unbounded" }).pipe(
						Effect.asVoid,
					),
				),
			n,
		);
		check(count === 6 * n, `ran ${count} bodies`);
		report({
			value: (ms * 1000) / (2 * n),
			unit: "µs per contended withLock",
			lowerIsBetter: true,
		});
		break;
	}
	case "stateflow-fanout": {
		// SubscriptionRef: 1,000 fibers run its `changes` stream, 1,000 sets (a tenth of kocoro's:
		// at ~20 µs a value the full size takes minutes; the figure is per value); every value is
		// delivered (its changes are not conflated).
		const collectors = scaled(1_000, scale);
		const updates = scaled(1_000, scale);
		let delivered = 0;
		const ms = await timed(async () => {
			delivered = 0;
			await Effect.runPromise(
				Effect.gen(function* () {
					const ref = yield* SubscriptionRef.make(0);
					const fibers = [];
					for (let i = 0; i < collectors; i++) {
						fibers.push(
							yield* Effect.forkChild(
								Stream.runForEach(SubscriptionRef.changes(ref), () =>
									Effect.sync(() => {
										delivered++;
									}),
								),
							),
						);
					}
					while (delivered < collectors) yield* Effect.yieldNow;
					for (let i = 1; i <= updates; i++) {
						yield* SubscriptionRef.set(ref, i);
						yield* Effect.yieldNow;
					}
					while (delivered < collectors * (updates + 1)) yield* Effect.yieldNow;
					for (const f of fibers) yield* Fiber.interrupt(f);
				}),
			);
		}, updates);
		check(delivered === collectors * (updates + 1), `delivered ${delivered}`);
		report({
			value: (ms * 1e6) / delivered,
			unit: "ns per delivered value",
			lowerIsBetter: true,
			extra: { [EXTRA.delivered]: delivered, sizes: "/10" },
		});
		break;
	}
	case "sharedflow-broadcast": {
		// PubSub.bounded(64), 100 subscriber fibers, 10,000 publishes (a tenth, as above).
		const collectors = scaled(100, scale);
		const emits = scaled(10_000, scale);
		let delivered = 0;
		const ms = await timed(async () => {
			delivered = 0;
			await Effect.runPromise(
				Effect.scoped(
					Effect.gen(function* () {
						const pubsub = yield* PubSub.bounded<number>(64);
						const fibers = [];
						let subscribed = 0;
						for (let i = 0; i < collectors; i++) {
							fibers.push(
								yield* Effect.forkChild(
									Effect.scoped(
										Effect.gen(function* () {
											const sub = yield* PubSub.subscribe(pubsub);
											subscribed++;
											for (;;) {
												yield* PubSub.take(sub);
												delivered++;
											}
										}),
									),
								),
							);
						}
						while (subscribed < collectors) yield* Effect.yieldNow;
						for (let i = 1; i <= emits; i++) yield* PubSub.publish(pubsub, i);
						while (delivered < collectors * emits) yield* Effect.yieldNow;
						for (const f of fibers) yield* Fiber.interrupt(f);
					}),
				),
			);
		}, emits);
		check(delivered === collectors * emits, `delivered ${delivered}`);
		report({
			value: (ms * 1e6) / delivered,
			unit: "ns per delivered value",
			lowerIsBetter: true,
			extra: { [EXTRA.delivered]: delivered, sizes: "/10" },
		});
		break;
	}
	case "flow-pipeline":
		// Effect's Stream (chunked: pure map/filter run per chunk of 4096).
		await reportFlowRate(
			(n) =>
				Effect.runPromise(
					Stream.range(0, n - 1).pipe(
						Stream.map((x) => x * 2),
						Stream.filter((x) => x % 3 === 0),
						Stream.runFold(
							() => 0,
							(acc: number, x: number) => acc + x,
						),
					),
				),
			scale,
		);
		break;
	case "flow-suspending":
		await reportFlowRate(
			(n) =>
				Effect.runPromise(
					Stream.range(0, n - 1).pipe(
						Stream.mapEffect((x) => Effect.succeed(x * 2)),
						Stream.filterEffect((x) => Effect.succeed(x % 3 === 0)),
						Stream.runFoldEffect(
							() => 0,
							(acc: number, x: number) => Effect.succeed(acc + x),
						),
					),
				),
			scale,
		);
		break;
}
