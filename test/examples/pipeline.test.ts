// Runs examples/pipeline.ts as a real program and compares its exact output: a produce pipeline
// with fan-out and fan-in, a select with a timeout, a Mutex-guarded cache, cancelled part-way.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgs } from "../../scripts/bundled.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("examples/pipeline.ts", () => {
	it("prints the pipeline's progress, the collector's timeouts and every finally, in this order", () => {
		const r = spawnSync(process.execPath, nodeArgs("examples/pipeline.ts"), {
			cwd: root,
			encoding: "utf8",
			timeout: 20_000,
		});
		expect(r.stderr).toBe("");
		expect(r.status).toBe(0);
		expect(r.stdout.split("\n")).toEqual([
			"cache: loading pear",
			"producer: order 1 taken",
			"producer: order 2 taken",
			"producer: order 3 taken",
			"collector: nothing for 250 ms",
			"cache: loading apple",
			"collector: order 1: pear costs 41 (worker 1)",
			"producer: order 4 taken",
			"collector: nothing for 250 ms",
			"collector: order 2: apple costs 52 (worker 2)",
			"collector: order 3: pear costs 41 (worker 3)",
			"producer: order 5 taken",
			"collector: order 4: apple costs 52 (worker 1)",
			"collector: order 5: pear costs 41 (worker 2)",
			"collector: enough, cancelling the pipeline",
			// Cancelled part-way: each coroutine's finally says where it was. Worker 2's order 5 was
			// delivered, but it was cancelled before it resumed from send (prompt cancellation);
			// likewise the producer's order 6, which worker 1 had taken.
			"producer: finally (was sending order 6)",
			"worker 2: finally (was handing over order 5)",
			"worker 1: finally (was pricing order 6)",
			"worker 3: finally (was waiting for an order)",
			"done: 5 results, 2 cache loads, pipeline cancelled: true",
			"",
		]);
	}, 30_000);
});
