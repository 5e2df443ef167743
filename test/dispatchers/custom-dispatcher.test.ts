import {
	type CoroutineContext,
	CoroutineDispatcher,
	runCoroutine,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";

/**
 * A user dispatcher that happens to define methods named like the runtime's old internal hooks.
 * They must stay plain methods of the subclass: scheduling goes through `dispatch` only.
 */
class CountingDispatcher extends CoroutineDispatcher {
	dispatched = 0;
	hookCalls = 0;
	dispatch(_context: CoroutineContext, block: () => void): void {
		this.dispatched++;
		setImmediate(block);
	}
	dispatchTask(_context: CoroutineContext, _task: unknown): void {
		this.hookCalls++;
		throw new Error("dispatchTask of the subclass must not be called");
	}
	dispatchStart(_context: CoroutineContext, _task: unknown): void {
		this.hookCalls++;
	}
	yieldInPlace(_task: unknown): boolean {
		this.hookCalls++;
		return true;
	}
}

describe("a dispatcher's internal hooks cannot be overridden by accident", () => {
	it("methods named dispatchTask, dispatchStart and yieldInPlace in a subclass do not change scheduling", async () => {
		const d = new CountingDispatcher();
		const steps: string[] = [];
		await runCoroutine(d, function* () {
			steps.push("start");
			yield* yieldNow();
			steps.push("after yield");
		});
		expect(steps).toEqual(["start", "after yield"]);
		// The first step and the resumption after yieldNow, each through dispatch.
		expect(d.dispatched).toBe(2);
		expect(d.hookCalls).toBe(0);
	});
});
