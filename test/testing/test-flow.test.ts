import {
	delay,
	flow,
	flowOf,
	MutableSharedFlow,
	MutableStateFlow,
} from "kocoro";
import {
	type FlowEvent,
	runTest,
	TurbineAssertionError,
	testFlow,
} from "kocoro/test";
import { expect as assert, describe, it } from "vitest";

class MyError extends Error {}

/** The failure of a runTest whose body must fail. */
async function failureOf(block: Parameters<typeof runTest>[0]): Promise<Error> {
	let failure: unknown;
	await runTest(block).catch((e: { errors?: Error[] }) => {
		failure = e.errors?.[0] ?? e;
	});
	if (!(failure instanceof Error))
		throw new Error("the test body did not fail");
	return failure;
}

describe("testFlow: passing uses", () => {
	it("awaitItem, awaitComplete", () =>
		runTest(function* () {
			yield* testFlow(flowOf(1, 2), function* (t) {
				assert(yield* t.awaitItem()).toBe(1);
				assert(yield* t.awaitItem()).toBe(2);
				yield* t.awaitComplete();
			});
		}));

	it("awaitError returns the flow's failure; expectNoEvents between items in virtual time", () =>
		runTest(function* () {
			const f = flow<number>(function* () {
				yield* this.emit(1);
				yield* delay(1_000);
				throw new MyError("boom");
			});
			yield* testFlow(f, function* (t) {
				assert(yield* t.awaitItem()).toBe(1);
				t.expectNoEvents();
				assert(yield* t.awaitError()).toBeInstanceOf(MyError);
			});
			assert(this.testScheduler.currentTime).toBe(1_000);
		}));

	it("skipItems, expectMostRecentItem, cancelAndIgnoreRemainingEvents on a hot flow", () =>
		runTest(function* () {
			const state = MutableStateFlow(0);
			yield* testFlow(state, function* (t) {
				assert(yield* t.awaitItem()).toBe(0);
				state.value = 1;
				state.value = 2; // the unconfined collector sees both
				yield* t.skipItems(1);
				assert(yield* t.awaitItem()).toBe(2);
				state.value = 3;
				state.value = 4;
				assert(t.expectMostRecentItem()).toBe(4);
				yield* t.cancelAndIgnoreRemainingEvents();
			});
			assert(state.subscriptionCount.value).toBe(0);
		}));

	it("cancelAndConsumeRemainingEvents returns what was left", () =>
		runTest(function* () {
			const shared = MutableSharedFlow<string>({ extraBufferCapacity: 4 });
			let rest: FlowEvent<string>[] = [];
			yield* testFlow(shared, function* (t) {
				shared.tryEmit("a");
				shared.tryEmit("b");
				rest = yield* t.cancelAndConsumeRemainingEvents();
			});
			assert(rest.map(String)).toEqual(['Item("a")', 'Item("b")']);
		}));
});

describe("testFlow: failure messages name what came instead", () => {
	it("an unexpected completion", async () => {
		const e = await failureOf(function* () {
			yield* testFlow(flowOf(1), function* (t) {
				yield* t.awaitItem();
				yield* t.awaitItem();
			});
		});
		assert(e).toBeInstanceOf(TurbineAssertionError);
		assert(e.message).toBe("Expected item but found Complete");
	});

	it("an unexpected item", async () => {
		const e = await failureOf(function* () {
			yield* testFlow(flowOf(1, 2), function* (t) {
				yield* t.awaitItem();
				yield* t.awaitComplete();
			});
		});
		assert(e.message).toBe("Expected complete but found Item(2)");
	});

	it("an unexpected error, with the error as cause", async () => {
		const boom = new MyError("boom");
		const e = await failureOf(function* () {
			yield* testFlow(
				flow<number>(function* () {
					throw boom;
				}),
				function* (t) {
					yield* t.awaitItem();
				},
			);
		});
		assert(e.message).toBe("Expected item but found Error(Error: boom)");
		assert(e.cause).toBe(boom);
	});

	it("expectNoEvents with an event there", async () => {
		const e = await failureOf(function* () {
			yield* testFlow(flowOf("x"), function* (t) {
				t.expectNoEvents();
			});
		});
		assert(e.message).toBe('Expected no events but found Item("x")');
	});

	it("events left unconsumed at the end", async () => {
		const e = await failureOf(function* () {
			yield* testFlow(flowOf(1, 2), function* (t) {
				yield* t.awaitItem();
			});
		});
		assert(e.message).toBe("Unconsumed events found:\n - Item(2)\n - Complete");
	});

	it("no event within the timeout (3,000 virtual ms by default)", async () => {
		let at = -1;
		const e = await failureOf(function* () {
			const scheduler = this.testScheduler;
			try {
				yield* testFlow(MutableSharedFlow<number>(), function* (t) {
					yield* t.awaitItem();
				});
			} finally {
				at = scheduler.currentTime;
			}
		});
		assert(e.message).toBe("No value produced in 3000 ms");
		assert(at).toBe(3_000);
	});

	it("a custom timeout", async () => {
		const e = await failureOf(function* () {
			yield* testFlow(
				flow<number>(function* () {
					yield* delay(600);
					yield* this.emit(1);
				}),
				function* (t) {
					yield* t.awaitItem();
				},
				{ timeout: 500 },
			);
		});
		assert(e.message).toBe("No value produced in 500 ms");
	});

	it("skipItems and expectMostRecentItem", async () => {
		const skip = await failureOf(function* () {
			yield* testFlow(flowOf(1), function* (t) {
				yield* t.skipItems(2);
			});
		});
		assert(skip.message).toBe("Expected 2 items but got 1 items and Complete");
		const recent = await failureOf(function* () {
			yield* testFlow(MutableSharedFlow<number>(), function* (t) {
				t.expectMostRecentItem();
			});
		});
		assert(recent.message).toBe("No item was found");
	});
});
