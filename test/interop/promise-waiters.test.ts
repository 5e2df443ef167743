import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgs, runNode } from "../../scripts/bundled.js";

// Before: each cancelled awaitPromise(p) of a pending p left its reaction on p (~330-790 B
// each), and a cancelled asDeferred(p) stayed reachable until p settled.
describe("waiters of a long-lived promise: one reaction per promise, nothing left by a cancelled waiter", () => {
	const fixture = fileURLToPath(
		new URL("./fixtures/waiter-heap.ts", import.meta.url),
	);

	async function runFixture(mode: string): Promise<{
		bytesPerWaiter: number;
		alive: number;
		sampled: number;
		thenCalls: number;
	}> {
		const r = await runNode(
			["--expose-gc", ...nodeArgs(fixture, mode)],
			60_000,
		);
		if (r.code !== 0) throw new Error(`fixture exited ${r.code}: ${r.stderr}`);
		return JSON.parse(r.stdout.trim());
	}

	for (const mode of ["awaitPromise", "asDeferred"]) {
		it(`${mode}: 2 x 10,000 cancelled waiters subscribe once, keep < 64 B each after GC, and are collectable`, async () => {
			const r = await runFixture(mode);
			expect(r.thenCalls).toBe(1);
			expect(r.bytesPerWaiter).toBeLessThan(64);
			expect(r.sampled).toBe(100);
			expect(r.alive).toBe(0);
		}, 70_000);
	}
});
