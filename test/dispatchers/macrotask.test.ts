/**
 * How the run queue yields to the event loop where there is no `setImmediate` (browsers): a
 * `MessageChannel` message, else `setTimeout(0)`. The selection is tested on stand-in hosts, and
 * the queue's fairness with each fallback on Node's own MessageChannel and setTimeout.
 */
import { runCoroutine, yieldNow } from "kocoro";
import { afterEach, describe, expect, it } from "vitest";
import { macrotaskScheduler } from "../../src/dispatchers/macrotask.js";
import { useMacrotaskHost } from "../../src/dispatchers/run-queue.js";
import { withHangGuard } from "../support/test-base.js";

/** Node's MessageChannel, counting the messages posted on it. */
function countingChannel(counter: { posts: number }) {
	return function CountingChannel() {
		const channel = new MessageChannel();
		const port = channel.port2;
		const post = port.postMessage.bind(port);
		port.postMessage = (message: unknown) => {
			counter.posts++;
			post(message);
		};
		return channel;
	};
}

function ran(schedule: () => void, onRun: Promise<void>): Promise<void> {
	schedule();
	return withHangGuard(onRun, "the scheduled callback");
}

describe("macrotaskScheduler(callback, host)", () => {
	it("picks setImmediate, else MessageChannel, else setTimeout, else refuses clearly", () => {
		const f = () => {};
		expect(
			macrotaskScheduler(f, { setImmediate, MessageChannel, setTimeout }).kind,
		).toBe("setImmediate");
		expect(macrotaskScheduler(f, { MessageChannel, setTimeout }).kind).toBe(
			"MessageChannel",
		);
		expect(macrotaskScheduler(f, { setTimeout }).kind).toBe("setTimeout");
		expect(macrotaskScheduler(f).kind).toBe("setImmediate"); // Node's global
		expect(() => macrotaskScheduler(f, {})).toThrow(
			"kocoro's run queue needs setImmediate, MessageChannel or setTimeout, and this runtime has none of them",
		);
	});

	it("each facility runs the callback in a later macrotask, after the microtasks queued with it", async () => {
		for (const host of [
			{ setImmediate },
			{ MessageChannel },
			{ setTimeout },
		] as const) {
			const order: string[] = [];
			let done!: () => void;
			const finished = new Promise<void>((r) => {
				done = r;
			});
			const { schedule } = macrotaskScheduler(() => {
				order.push("callback");
				done();
			}, host);
			queueMicrotask(() => order.push("microtask"));
			await ran(schedule, finished);
			order.push("after");
			// A macrotask: the microtask queued after scheduling ran first.
			expect(order).toEqual(["microtask", "callback", "after"]);
		}
	});
});

describe("the run queue without setImmediate", () => {
	afterEach(() => useMacrotaskHost());

	it("with setTimeout: a coroutine looping on yieldNow() does not starve a setTimeout(0)", async () => {
		useMacrotaskHost({ setTimeout });
		let timerFired = false;
		let steps = 0;
		const loop = runCoroutine(function* () {
			setTimeout(() => {
				timerFired = true;
			}, 0);
			// Two coroutines, so every yield goes through the queue; ends once the timer ran.
			const spin = function* () {
				while (!timerFired) {
					yield* yieldNow();
					steps++;
				}
			};
			this.launch(spin);
			this.launch(spin);
		});
		await withHangGuard(loop, "a yieldNow loop with setTimeout");
		expect(timerFired).toBe(true);
		expect(steps).toBeGreaterThan(0);
	});

	// Node's MessagePort runs up to 1,000 queued messages in one event-loop turn (a browser runs
	// one message per task), so Node cannot show the fairness a browser gets from it; the browser
	// test does. Here: the queue's slices really go through the channel, and the loop completes.
	it("with MessageChannel: the queue hands each slice over through the channel's messages", async () => {
		const counter = { posts: 0 };
		useMacrotaskHost({ MessageChannel: countingChannel(counter), setTimeout });
		let steps = 0;
		await withHangGuard(
			runCoroutine(function* () {
				const spin = function* () {
					while (counter.posts < 3) {
						yield* yieldNow();
						steps++;
					}
				};
				this.launch(spin);
				this.launch(spin);
			}),
			"a yieldNow loop with MessageChannel",
		);
		expect(counter.posts).toBeGreaterThanOrEqual(3);
		expect(steps).toBeGreaterThan(0);
	});
});
