/**
 * The async context over the suspensions of channels, select, sync and flows: each request (a
 * root coroutine in its own `als.run`) sees its own store after every one of them, including a
 * resumption that another request's coroutine triggers (a rendezvous hand-off, an unlock, a
 * shared flow's emit) and one a timer triggers (`onTimeout`, `debounce`-like waits).
 */
import {
	Channel,
	CoroutineScope,
	Dispatchers,
	delay,
	flow,
	flowOf,
	MutableSharedFlow,
	Mutex,
	Semaphore,
	SharingStarted,
	select,
	yieldNow,
} from "kocoro";
import { beforeEach, describe, expect, it } from "vitest";
import {
	als,
	byRequest,
	clearLog,
	log,
	own,
	requests,
	see,
} from "./fixtures/requests.js";

beforeEach(clearLog);

describe("async context across channels, select, sync and flows", () => {
	it("channel send/receive, rendezvous and buffered, within each request", async () => {
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					for (const capacity of [Channel.RENDEZVOUS, 1]) {
						const ch = Channel<number>(capacity);
						this.launch(function* () {
							yield* ch.send(1);
							see(`${id} sent ${capacity}`);
							yield* ch.send(2);
							ch.close();
						});
						yield* ch.receive();
						see(`${id} received ${capacity}`);
						yield* ch.receive();
						see(`${id} received again ${capacity}`);
					}
				},
		);
		// The order within a request is the channels' business: the store is this test's.
		expect([...log].sort()).toEqual(
			own(
				["a", "b"],
				[
					"received 0",
					"sent 0",
					"received again 0",
					"sent 1",
					"received 1",
					"received again 1",
				],
			).sort(),
		);
	});

	it("a rendezvous hand-off between two requests: the receiver resumes in its own store", async () => {
		const ch = Channel<string>();
		const buffered = Channel<string>(1);
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					if (id === "a") {
						// a suspends in receive; b's send resumes it from b's step
						const v = yield* ch.receive();
						see(`a received ${v}`);
						// a suspends in send; b's receive resumes it
						yield* buffered.send("x");
						yield* buffered.send("y");
						see("a sent");
					} else {
						yield* yieldNow();
						yield* ch.send("from b");
						see("b sent");
						yield* buffered.receive();
						see("b received");
						yield* buffered.receive();
						see("b received again");
					}
				},
		);
		expect(byRequest(["a", "b"])).toEqual([
			"a received from b=a",
			"a sent=a",
			"b sent=b",
			"b received=b",
			"b received again=b",
		]);
	});

	it("select: onReceive resumed by another request's send, and onTimeout", async () => {
		const ch = Channel<string>();
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					if (id === "a") {
						const got = yield* select<string>((s) => {
							s.onReceive(ch, (v) => {
								see("a onReceive clause");
								return v;
							});
						});
						see(`a selected ${got}`);
					} else {
						yield* yieldNow();
						yield* ch.send("b's");
						see("b sent");
					}
					const timedOut = yield* select<string>((s) => {
						s.onReceive(Channel<string>(), (v) => v);
						s.onTimeout(2, () => {
							see(`${id} onTimeout clause`);
							return "timeout";
						});
					});
					see(`${id} ${timedOut}`);
				},
		);
		expect(byRequest(["a", "b"])).toEqual([
			"a onReceive clause=a",
			"a selected b's=a",
			"a onTimeout clause=a",
			"a timeout=a",
			"b sent=b",
			"b onTimeout clause=b",
			"b timeout=b",
		]);
	});

	it("Mutex.withLock and Semaphore: a waiter resumed by the other request's release", async () => {
		const mutex = Mutex();
		const semaphore = Semaphore(1);
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					// a takes both first; b waits for each and is handed it by a's release
					if (id === "b") yield* yieldNow();
					yield* mutex.withLock(function* () {
						see(`${id} locked`);
						yield* delay(2);
						see(`${id} still locked`);
					});
					see(`${id} unlocked`);
					yield* semaphore.acquire();
					see(`${id} acquired`);
					yield* delay(2);
					semaphore.release();
					see(`${id} released`);
				},
		);
		expect(byRequest(["a", "b"])).toEqual(
			own(
				["a", "b"],
				["locked", "still locked", "unlocked", "acquired", "released"],
			),
		);
		// b did wait: it locked after a unlocked.
		expect(log.indexOf("b locked=b")).toBeGreaterThan(
			log.indexOf("a unlocked=a"),
		);
	});

	it("flow collect across delay in flow {}, buffer(), flowOn(Dispatchers.Default) and flatMapMerge", async () => {
		await requests(
			["a", "b"],
			(id) =>
				function* () {
					const numbers = flow<number>(function* () {
						see(`${id} upstream`);
						yield* delay(1);
						see(`${id} upstream after delay`);
						yield* this.emit(1);
					});
					yield* numbers.collect((v) => see(`${id} plain ${v}`));
					yield* numbers.buffer(4).collect((v) => see(`${id} buffer ${v}`));
					yield* numbers
						.flowOn(Dispatchers.Default)
						.collect((v) => see(`${id} flowOn ${v}`));
					yield* flowOf(1, 2)
						.flatMapMerge((v) =>
							flow<number>(function* () {
								yield* delay(v);
								see(`${id} inner ${v}`);
								yield* this.emit(v);
							}),
						)
						.collect((v) => see(`${id} merged ${v}`));
				},
		);
		const stages = ["plain", "buffer", "flowOn"].flatMap((s) => [
			"upstream",
			"upstream after delay",
			`${s} 1`,
		]);
		// Real-time delays on Dispatchers.Default: the order of the merged inner flows may vary.
		expect([...log].sort()).toEqual(
			own(
				["a", "b"],
				[...stages, "inner 1", "merged 1", "inner 2", "merged 2"],
			).sort(),
		);
	});

	it("a MutableSharedFlow collector resumed by another request's emit, and stateIn", async () => {
		const events = MutableSharedFlow<string>();
		await requests(
			["a", "b", "e"],
			(id) =>
				function* () {
					if (id === "e") {
						// the emitter: waits until both collectors are subscribed
						yield* events.subscriptionCount.first((n) => n === 2);
						yield* events.emit("one");
						see("e emitted");
						return;
					}
					const got = yield* events.first();
					see(`${id} got ${got}`);
					const upstream = flow<number>(function* () {
						see(`${id} stateIn upstream`);
						yield* delay(1);
						yield* this.emit(1);
					});
					const sharing = CoroutineScope(Dispatchers.Default);
					const state = upstream.stateIn(sharing, SharingStarted.Eagerly, 0);
					const seen = yield* state.first((v) => {
						see(`${id} state ${v}`);
						return v === 1;
					});
					see(`${id} stateIn ${seen}`);
					sharing.cancel();
				},
		);
		// The sharing coroutine and the first subscriber race on Dispatchers.Default: sorted.
		expect([...log].sort()).toEqual(
			[
				...own(
					["a", "b"],
					["got one", "stateIn upstream", "state 0", "state 1", "stateIn 1"],
				),
				"e emitted=e",
			].sort(),
		);
		expect(als.getStore()).toBeUndefined();
	});
});
