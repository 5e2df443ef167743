import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgs } from "../../scripts/bundled.js";

// Before: each cancelled awaitPromise(p) of a pending p left its reaction on p (~330-790 B
// each), and a cancelled asDeferred(p) stayed reachable until p settled.
describe("waiters of a long-lived promise: one reaction per promise, nothing left by a cancelled waiter", () => {
	const fixture = fileURLToPath(
		new URL("./fixtures/waiter-heap.ts", import.meta.url),
	);
	const cwd = fileURLToPath(new URL("../..", import.meta.url));

	function runFixture(mode: string): Promise<{
		bytesPerWaiter: number;
		alive: number;
		sampled: number;
		thenCalls: number;
	}> {
		return new Promise((resolve, reject) => {
			const child = spawn(
				process.execPath,
				["--expose-gc", ...nodeArgs(fixture, mode)],
				{ cwd, stdio: ["ignore", "pipe", "pipe"] },
			);
			const guard = setTimeout(() => child.kill("SIGKILL"), 60_000);
			let out = "";
			let err = "";
			child.stdout.on("data", (d: Buffer) => {
				out += d.toString();
			});
			child.stderr.on("data", (d: Buffer) => {
				err += d.toString();
			});
			child.on("error", reject);
			child.on("close", (code) => {
				clearTimeout(guard);
				if (code === 0) resolve(JSON.parse(out.trim()));
				else reject(new Error(`fixture exited ${code}: ${err}`));
			});
		});
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
