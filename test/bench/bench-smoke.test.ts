import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("npm run bench -- --quick", () => {
	it("runs every workload for every system, each checking its own result", () => {
		const r = spawnSync(
			process.execPath,
			["--import", "tsx", "bench/run.ts", "--quick"],
			{
				cwd: root,
				encoding: "utf8",
				// Every workload of every system in a child process each: minutes on a loaded 2-core machine.
				timeout: 400_000,
			},
		);
		expect(r.stderr).not.toContain("CHECK FAILED");
		expect(r.status).toBe(0);
		for (const system of ["kocoro", "effect", "effection", "async/await"]) {
			expect(r.stdout).toContain(system);
		}
		for (const workload of [
			"spawn-join",
			"yield-steps",
			"cancel-tree",
			"timeout-fast",
			"memory",
			"fairness",
			"spawn-join-als",
			"yield-steps-als",
			"ping-pong",
			"channel-throughput",
			"fan-in",
			"channel-memory",
			"mutex-uncontended",
			"mutex-handoff",
			"flow-pipeline",
			"flow-suspending",
			"stateflow-fanout",
			"sharedflow-broadcast",
			"spawn-join-inline",
		]) {
			expect(r.stdout).toContain(`| ${workload} (`);
		}
	}, 420_000);
});
