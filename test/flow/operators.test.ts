import {
	AbstractFlow,
	awaitPromise,
	Channel,
	CoroutineDispatcher,
	CoroutineName,
	consumeAsFlow,
	currentCoroutineContext,
	delay,
	emptyFlow,
	type FlowCollector,
	flow,
	flowOf,
	IllegalArgumentException,
	IllegalStateException,
	Job,
	merge,
	NoSuchElementException,
	receiveAsFlow,
	type Suspend,
	TimeoutCancellationException,
} from "kocoro";
import { runTest } from "kocoro/test";
import { expect as assert, describe, it } from "vitest";
import { failureOf } from "./flow-support.js";

const run = (block: Parameters<typeof runTest>[0]) => runTest(block);

describe("terminal operators", () => {
	it("toList, toSet, first, firstOrNull, last, single, reduce, fold, count, any/all/none", async () => {
		await run(function* () {
			const f = flowOf(1, 2, 3, 2);
			assert(yield* f.toList()).toEqual([1, 2, 3, 2]);
			assert([...(yield* f.toSet())]).toEqual([1, 2, 3]);
			assert(yield* f.first()).toBe(1);
			assert(yield* f.first((x) => x > 1)).toBe(2);
			assert(yield* f.firstOrNull((x) => x > 5)).toBe(null);
			assert(yield* f.last()).toBe(2);
			assert(yield* emptyFlow<number>().lastOrNull()).toBe(null);
			assert(yield* flowOf(7).single()).toBe(7);
			assert(yield* f.singleOrNull()).toBe(null);
			assert(yield* f.reduce((a, b) => a + b)).toBe(8);
			assert(yield* f.fold("", (a, b) => a + b)).toBe("1232");
			assert(yield* f.count()).toBe(4);
			assert(yield* f.count((x) => x === 2)).toBe(2);
			assert(yield* f.any((x) => x === 3)).toBe(true);
			assert(yield* f.all((x) => x < 3)).toBe(false);
			assert(yield* f.none((x) => x > 3)).toBe(true);
			const seen: string[] = [];
			yield* f.collectIndexed((i, v) => {
				seen.push(`${i}:${v}`);
			});
			assert(seen).toEqual(["0:1", "1:2", "2:3", "3:2"]);
		});
	});
	it("keeps kotlinx's texts for empty and multi-element flows", async () => {
		assert(
			await failureOf(function* () {
				yield* emptyFlow<number>().reduce((a, b) => a + b);
			}),
		).toEqual(new NoSuchElementException("Empty flow can't be reduced"));
		assert(
			await failureOf(function* () {
				yield* emptyFlow<number>().first();
			}),
		).toEqual(new NoSuchElementException("Expected at least one element"));
		assert(
			await failureOf(function* () {
				yield* emptyFlow<number>().single();
			}),
		).toEqual(new NoSuchElementException("Flow is empty"));
		const many = await failureOf(function* () {
			yield* flowOf(1, 2).single();
		});
		assert(many).toBeInstanceOf(IllegalArgumentException);
		assert(many.message).toBe("Flow has more than one element");
	});
	it("first() stops the upstream: its finally runs, the code after emit never", async () => {
		const log: string[] = [];
		await run(function* () {
			const v = yield* flow<number>(function* () {
				try {
					yield* this.emit(1);
					log.push("unreached");
				} finally {
					log.push("finally");
				}
			}).first();
			log.push(`first ${v}`);
		});
		assert(log).toEqual(["finally", "first 1"]);
	});
	it("launchIn collects in a new coroutine of the scope", async () => {
		await run(function* () {
			const got: number[] = [];
			const job = flowOf(1, 2)
				.onEach((v) => {
					got.push(v);
				})
				.launchIn(this);
			assert(got).toEqual([]);
			yield* job.join();
			assert(got).toEqual([1, 2]);
		});
	});
});

describe("intermediate operators", () => {
	it("map, filter, filterNot, mapNotNull, filterNotNull, filterIsInstance, onEach, withIndex", async () => {
		await run(function* () {
			const f = flowOf(1, 2, 3, 4);
			assert(yield* f.map((x) => x * 10).toList()).toEqual([10, 20, 30, 40]);
			assert(yield* f.filter((x) => x % 2 === 0).toList()).toEqual([2, 4]);
			assert(yield* f.filterNot((x) => x % 2 === 0).toList()).toEqual([1, 3]);
			assert(
				yield* f.mapNotNull((x) => (x > 2 ? `${x}` : null)).toList(),
			).toEqual(["3", "4"]);
			assert(
				yield* flowOf(1, null, undefined, 2).filterNotNull().toList(),
			).toEqual([1, 2]);
			assert(
				yield* flowOf<unknown>(1, "a", 2, new Date(0))
					.filterIsInstance(Number)
					.toList(),
			).toEqual([1, 2]);
			assert(
				(yield* flowOf<unknown>(1, new Date(0)).filterIsInstance(Date).toList())
					.length,
			).toBe(1);
			const seen: number[] = [];
			yield* f
				.onEach((x) => {
					seen.push(x);
				})
				.collect();
			assert(seen).toEqual([1, 2, 3, 4]);
			assert(yield* flowOf("a", "b").withIndex().toList()).toEqual([
				{ index: 0, value: "a" },
				{ index: 1, value: "b" },
			]);
		});
	});
	it("map infers arrays and strings as results, generator functions by their return type", async () => {
		await run(function* () {
			const pairs: number[][] = yield* flowOf(1, 2)
				.map((x) => [x, x])
				.toList();
			assert(pairs).toEqual([
				[1, 1],
				[2, 2],
			]);
			const strs: string[] = yield* flowOf(1)
				.map((x) => `${x}`)
				.toList();
			assert(strs).toEqual(["1"]);
			const delayed: number[] = yield* flowOf(1, 2)
				.map(function* (x) {
					yield* delay(10);
					return x + 1;
				})
				.toList();
			assert(delayed).toEqual([2, 3]);
			assert(this.testScheduler.currentTime).toBe(20);
		});
	});
	it("take, drop, takeWhile, dropWhile, transformWhile, chunked", async () => {
		await run(function* () {
			const f = flowOf(1, 2, 3, 4, 1);
			assert(yield* f.take(2).toList()).toEqual([1, 2]);
			assert(yield* f.drop(3).toList()).toEqual([4, 1]);
			assert(yield* f.takeWhile((x) => x < 3).toList()).toEqual([1, 2]);
			assert(yield* f.dropWhile((x) => x < 3).toList()).toEqual([3, 4, 1]);
			assert(
				yield* f
					.transformWhile<string>(function* (x) {
						yield* this.emit(`${x}`);
						return x < 2;
					})
					.toList(),
			).toEqual(["1", "2"]);
			assert(yield* f.chunked(2).toList()).toEqual([[1, 2], [3, 4], [1]]);
		});
	});
	it("transform emits any number of values through `this` or the last argument", async () => {
		await run(function* () {
			const got = yield* flowOf(1, 2)
				.transform<string>(function* (x) {
					yield* this.emit(`a${x}`);
					yield* this.emit(`b${x}`);
				})
				.toList();
			assert(got).toEqual(["a1", "b1", "a2", "b2"]);
			const viaArg = yield* flowOf(3)
				.transform<number>((x, c) => c.emit(x * 2))
				.toList();
			assert(viaArg).toEqual([6]);
		});
	});
	it("onStart, onEmpty, onCompletion emit around the upstream", async () => {
		await run(function* () {
			assert(
				yield* flowOf(1)
					.onStart(function* () {
						yield* this.emit(0);
					})
					.onCompletion(function* () {
						yield* this.emit(9);
					})
					.toList(),
			).toEqual([0, 1, 9]);
			assert(
				yield* emptyFlow<number>()
					.onEmpty(function* () {
						yield* this.emit(-1);
					})
					.toList(),
			).toEqual([-1]);
		});
	});
	it("distinctUntilChanged, distinctUntilChangedBy, scan, runningFold, runningReduce", async () => {
		await run(function* () {
			const f = flowOf(1, 1, 2, 2, 1);
			assert(yield* f.distinctUntilChanged().toList()).toEqual([1, 2, 1]);
			assert(
				yield* flowOf({ k: 1 }, { k: 1 }, { k: 2 })
					.distinctUntilChangedBy((o) => o.k)
					.toList(),
			).toEqual([{ k: 1 }, { k: 2 }]);
			assert(
				yield* flowOf(1, 2, 3)
					.scan(0, (a, x) => a + x)
					.toList(),
			).toEqual([0, 1, 3, 6]);
			assert(
				yield* flowOf(1, 2, 3)
					.runningFold(10, (a, x) => a + x)
					.toList(),
			).toEqual([10, 11, 13, 16]);
			assert(
				yield* flowOf(1, 2, 3)
					.runningReduce((a, x) => a + x)
					.toList(),
			).toEqual([1, 3, 6]);
		});
	});
	it("flattenConcat, flattenMerge, merge", async () => {
		await run(function* () {
			assert(
				yield* flowOf(flowOf(1, 2), flowOf(3)).flattenConcat().toList(),
			).toEqual([1, 2, 3]);
			assert(
				yield* flowOf(flowOf(1, 2), flowOf(3)).flattenMerge().toList(),
			).toEqual([1, 2, 3]);
			const slow = flow<string>(function* () {
				yield* delay(20);
				yield* this.emit("slow");
			});
			const fast = flow<string>(function* () {
				yield* delay(10);
				yield* this.emit("fast");
			});
			assert(yield* merge(slow, fast).toList()).toEqual(["fast", "slow"]);
		});
	});
	it("timeout fails with withTimeout's exception when the upstream is silent", async () => {
		const e = await failureOf(function* () {
			yield* flow<number>(function* () {
				yield* this.emit(1);
				yield* delay(200);
				yield* this.emit(2);
			})
				.timeout(100)
				.collect();
		});
		assert(e).toBeInstanceOf(TimeoutCancellationException);
		assert(e.message).toBe("Timed out waiting for 100 ms");
	});
	it("let chains a user operator", async () => {
		await run(function* () {
			const doubled = <T extends number>(f: ReturnType<typeof flowOf<T>>) =>
				f.map((x) => x * 2);
			assert(yield* flowOf(1, 2).let(doubled).toList()).toEqual([2, 4]);
		});
	});
	it("validates arguments with kotlinx's require texts", () => {
		const f = flowOf(1);
		assert(() => f.take(0)).toThrow(
			new RangeError("Requested element count 0 should be positive"),
		);
		assert(() => f.drop(-1)).toThrow(
			new RangeError("Drop count should be non-negative, but had -1"),
		);
		assert(() => f.retry(0)).toThrow(
			new RangeError("Expected positive amount of retries, but had 0"),
		);
		assert(() => f.buffer(-5)).toThrow(
			new RangeError(
				"Buffer size should be non-negative, BUFFERED, or CONFLATED, but was -5",
			),
		);
		assert(() => f.flattenMerge.call(flowOf(flowOf(1)), 0)).toThrow(
			new RangeError("Expected positive concurrency level, but had 0"),
		);
		assert(() => f.sample(0)).toThrow(
			new RangeError("Sample period should be positive"),
		);
		assert(() => f.debounce(-1)).toThrow(
			new RangeError("Debounce timeout should not be negative"),
		);
		assert(() => f.chunked(0)).toThrow(
			new RangeError("Expected positive chunk size, but got 0"),
		);
		assert(() => f.flowOn(Job())).toThrow(TypeError);
		assert(() => f.flowOn(Job())).toThrow(
			/^Flow context cannot contain job in it. Had /,
		);
	});
});

describe("R2: suspending callbacks", () => {
	it("an async function is a TypeError naming awaitPromise", () => {
		assert(() => flowOf(1).map(async (x) => x)).toThrow(
			/yield\* awaitPromise\(p\)/,
		);
		assert(() => flowOf(1).map(async (x) => x)).toThrow(TypeError);
		// @ts-expect-error an async action is rejected by the types too
		assert(() => flowOf(1).collect(async () => {})).toThrow(TypeError);
	});
	it("a returned promise is a TypeError naming awaitPromise", async () => {
		const e = await failureOf(function* () {
			yield* flowOf(1)
				.map((x) => Promise.resolve(x))
				.collect();
		});
		assert(e).toBeInstanceOf(TypeError);
		assert(e.message).toMatch(/Flow\.map: .*yield\* awaitPromise\(p\)/);
	});
	it("a generator callback may wait for a promise with awaitPromise", async () => {
		await run(function* () {
			const got = yield* flowOf(1)
				.map(function* (x) {
					return (yield* awaitPromise(Promise.resolve(x))) + 1;
				})
				.toList();
			assert(got).toEqual([2]);
		});
	});
});

describe("exception transparency and context preservation", () => {
	it("catch handles an upstream failure and may emit", async () => {
		await run(function* () {
			const got = yield* flow<number>(function* () {
				yield* this.emit(1);
				throw new Error("up");
			})
				.catch(function* (e) {
					yield* this.emit(e.message === "up" ? -1 : -2);
				})
				.toList();
			assert(got).toEqual([1, -1]);
		});
	});
	it("catch does not catch the collector's own cancellation", async () => {
		let caught = false;
		await run(function* () {
			const job = this.launch(function* () {
				yield* flow<number>(function* () {
					yield* delay(100);
				})
					.catch(() => {
						caught = true;
					})
					.collect();
			});
			yield* delay(10);
			yield* job.cancelAndJoin();
		});
		assert(caught).toBe(false);
	});
	it("a launched child that emits violates the invariant", async () => {
		const e = await failureOf(function* () {
			const outer = this;
			yield* flow<number>(function* () {
				const c = this;
				const job = outer.launch(function* () {
					yield* c.emit(1);
				});
				yield* job.join();
			}).collect();
		});
		assert(e).toBeInstanceOf(IllegalStateException);
		assert(e.message).toMatch(
			/^Flow invariant is violated:\n\t\tEmission from another coroutine is detected.\n\t\tChild of StandaloneCoroutine\{Active\}@[0-9a-f]+, expected child of /,
		);
	});
	it("coroutineScope {} inside flow {} may emit", async () => {
		const { coroutineScope } = await import("kocoro");
		await run(function* () {
			const got = yield* flow<number>(function* () {
				const c = this;
				yield* coroutineScope(function* () {
					yield* c.emit(1);
				});
			}).toList();
			assert(got).toEqual([1]);
		});
	});
	it("onCompletion sees a downstream failure and handles nothing", async () => {
		const causes: string[] = [];
		const e = await failureOf(function* () {
			yield* flowOf(1)
				.onCompletion((c) => {
					causes.push(String(c));
				})
				.collect(() => {
					throw new Error("down");
				});
		});
		assert(e.message).toBe("down");
		assert(causes).toEqual(["Error: down"]);
	});
	it("retry re-collects while the predicate holds; retryWhen gets the attempt", async () => {
		await run(function* () {
			let attempts = 0;
			const got = yield* flow<number>(function* () {
				attempts++;
				yield* this.emit(attempts);
				if (attempts < 3) throw new Error("flaky");
			})
				.retry(5)
				.toList();
			assert(got).toEqual([1, 2, 3]);
			const log: number[] = [];
			const e = yield* flow<number>(function* () {
				throw new Error("always");
			})
				.retryWhen(function* (_e, attempt) {
					log.push(attempt);
					yield* delay(100);
					return attempt < 2;
				})
				.catch(function* (err) {
					yield* this.emit(-1);
					log.push(err.message === "always" ? 99 : 0);
				})
				.toList();
			assert(e).toEqual([-1]);
			assert(log).toEqual([0, 1, 2, 99]);
			assert(this.testScheduler.currentTime).toBe(300);
		});
	});
});

describe("flowOn and fusion", () => {
	it("flowOn runs the upstream in the given context, the collector in its own", async () => {
		await run(function* () {
			const seen: string[] = [];
			const name = () =>
				currentCoroutineContext().get(CoroutineName.Key)?.name ?? "none";
			yield* flow<number>(function* () {
				seen.push(`emit in ${name()}`);
				yield* this.emit(1);
			})
				.flowOn(CoroutineName("upstream"))
				.collect(() => {
					seen.push(`collect in ${name()}`);
				});
			assert(seen).toEqual(["emit in upstream", "collect in none"]);
		});
	});
	it("flowOn with a context that adds nothing runs in place (no coroutine, same frame)", async () => {
		await run(function* () {
			const ctx = currentCoroutineContext();
			const dispatcher = ctx.get(
				CoroutineDispatcher.Key,
			) as CoroutineDispatcher;
			const log: string[] = [];
			yield* flowOf(1, 2)
				.onEach((v) => {
					log.push(`up ${v}`);
				})
				.flowOn(dispatcher)
				.collect((v) => {
					log.push(`down ${v}`);
				});
			assert(log).toEqual(["up 1", "down 1", "up 2", "down 2"]);
		});
	});
	it("adjacent buffer/flowOn fuse into one producer: the first context wins, capacities add", async () => {
		await run(function* () {
			const names: string[] = [];
			const name = () =>
				currentCoroutineContext().get(CoroutineName.Key)?.name ?? "none";
			let producers = 0;
			const before = new Set<unknown>();
			yield* flow<number>(function* () {
				names.push(name());
				before.add(currentCoroutineContext().get(Job.Key));
				producers = before.size;
				for (let i = 0; i < 5; i++) yield* this.emit(i);
			})
				.flowOn(CoroutineName("a"))
				.buffer(2)
				.flowOn(CoroutineName("b"))
				.buffer(1)
				.collect(function* () {
					yield* delay(10);
				});
			assert(names).toEqual(["a"]);
			assert(producers).toBe(1);
		});
	});
	it("a buffer of 2 fused with a buffer of 1 lets the producer run 3 values ahead (+1 in hand)", async () => {
		await run(function* () {
			const log: string[] = [];
			yield* flow<number>(function* () {
				for (let i = 1; i <= 6; i++) {
					log.push(`emit ${i}`);
					yield* this.emit(i);
				}
			})
				.buffer(2)
				.buffer(1)
				.collect(function* (v) {
					log.push(`got ${v}`);
					yield* delay(10);
				});
			assert(log.slice(0, 5)).toEqual([
				"emit 1",
				"emit 2",
				"emit 3",
				"emit 4",
				"emit 5",
			]);
			assert(log[5]).toBe("got 1");
		});
	});
	it("a Job in flowOn's context is a TypeError", () => {
		assert(() => flowOf(1).flowOn(Job())).toThrow(TypeError);
	});
});

describe("channels as flows", () => {
	it("receiveAsFlow shares a channel between collectors; emitAll(channel) consumes it", async () => {
		await run(function* () {
			const ch = Channel<number>(Channel.UNLIMITED);
			for (let i = 1; i <= 4; i++) ch.trySend(i);
			ch.close();
			const got = yield* receiveAsFlow(ch).take(2).toList();
			assert(got).toEqual([1, 2]);
			assert(ch.isClosedForReceive).toBe(false);
			const rest = yield* flow<number>(function* () {
				yield* this.emitAll(ch);
			}).toList();
			assert(rest).toEqual([3, 4]);
		});
	});
	it("consumeAsFlow can be collected once and cancels the channel at its end", async () => {
		await run(function* () {
			const ch = Channel<number>(Channel.UNLIMITED);
			ch.trySend(1);
			ch.trySend(2);
			const f = consumeAsFlow(ch);
			assert(yield* f.take(1).toList()).toEqual([1]);
			assert(ch.isClosedForReceive).toBe(true);
			assert(() => f.collect()).toThrow(
				new IllegalStateException(
					"ReceiveChannel.consumeAsFlow can be collected just once",
				),
			);
		});
	});
	it("produceIn runs the flow in a producer of the scope", async () => {
		await run(function* () {
			const ch = flowOf(1, 2, 3).produceIn(this);
			assert(yield* ch.toList()).toEqual([1, 2, 3]);
		});
	});
});

describe("AbstractFlow", () => {
	it("collectSafely gets a collector that checks the invariants", async () => {
		class Countdown extends AbstractFlow<number> {
			*collectSafely(c: FlowCollector<number>): Suspend<void> {
				for (let i = 3; i > 0; i--) yield* c.emit(i);
			}
		}
		await run(function* () {
			assert(yield* new Countdown().toList()).toEqual([3, 2, 1]);
			assert(yield* new Countdown().map((x) => x * 2).first()).toBe(6);
		});
	});
});
