// Runs examples/flow-pipeline.ts as a program and compares its whole output.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgs } from "../../scripts/bundled.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("examples/flow-pipeline.ts", () => {
	it("retries, falls back, cancels the slow request part-way and shows every finally", () => {
		const r = spawnSync(
			process.execPath,
			nodeArgs("examples/flow-pipeline.ts"),
			{
				cwd: root,
				encoding: "utf8",
				timeout: 25_000,
			},
		);
		expect(r.stderr).toBe("");
		expect(r.status).toBe(0);
		expect(r.stdout.split("\n")).toEqual([
			"  finally: request flaky/1 done",
			"  retry flaky/1 in 150 ms (flaky/1 answered 503)",
			"  finally: request page/2 done",
			"got page/2: <h1>page 2</h1>",
			"  finally: request broken/1 done",
			"got broken/1: fallback (broken/1 answered 500)",
			"  finally: request flaky/1 done",
			"  retry flaky/1 in 300 ms (flaky/1 answered 503)",
			"  finally: request flaky/1 done",
			"got flaky/1: flaky 1 finally answered",
			"  finally: request slow/1 done",
			"pipeline ended: cancelled downstream (take has its three results)",
			"3 results; the slow request was cancelled",
			"finally: server closed",
			"",
		]);
	}, 30_000);
});
