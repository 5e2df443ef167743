import { Channel } from "kocoro";
import { runTest } from "kocoro/test";
import { describe, expect, it } from "vitest";

describe("suspending callbacks", () => {
	it("an async generator function as a suspending callback is a TypeError naming the call, not a silent result", async () => {
		let caught: unknown;
		await runTest(function* () {
			const ch = Channel<number>(1);
			ch.trySend(1);
			ch.close();
			try {
				yield* ch.consumeEach(
					// biome-ignore lint/suspicious/noExplicitAny: the wrong callback is the point
					async function* () {} as any,
				);
			} catch (e) {
				caught = e;
			}
		});
		expect(caught).toBeInstanceOf(TypeError);
		expect(String(caught)).toContain("consumeEach");
		expect(String(caught)).toContain("async generator function");
	});
});
