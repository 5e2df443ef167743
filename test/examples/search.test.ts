// Runs examples/search.ts as a real program (real time, a local HTTP server): its output, line by
// line, and a Ctrl-C (SIGINT) while the second request is in flight.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgs } from "../../scripts/bundled.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

function run(
	onStdout?: (all: string, kill: (s: NodeJS.Signals) => void) => void,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, nodeArgs("examples/search.ts"), {
			cwd: root,
			stdio: ["ignore", "pipe", "pipe"],
		});
		const guard = setTimeout(() => child.kill("SIGKILL"), 25_000);
		let stdout = "";
		let stderr = "";
		child.stdout.on("data", (d: Buffer) => {
			stdout += d.toString();
			onStdout?.(stdout, (s) => child.kill(s));
		});
		child.stderr.on("data", (d: Buffer) => {
			stderr += d.toString();
		});
		child.on("error", reject);
		child.on("close", (code) => {
			clearTimeout(guard);
			resolve({ code, stdout, stderr });
		});
	});
}

describe("examples/search.ts", () => {
	it("debounces, skips an unchanged query, aborts the request in flight, and shuts down", async () => {
		const r = await run();
		expect(r.stderr).toBe("");
		expect(r.code).toBe(0);
		expect(r.stdout.split("\n")).toEqual([
			'typed "k"',
			"results: (none)",
			'typed "ko"',
			'typed "kot"',
			'request "kot"',
			'typed "kotl"',
			'typed "kotlin"',
			'request "kot" aborted: Child of the scoped flow was cancelled',
			'request "kotlin"',
			"results: kotlin, kotlinx.coroutines",
			'typed "kotlinx"',
			'typed "kotlin"',
			"search pipeline stopped",
			"server closed",
			"",
		]);
	}, 30_000);

	it("Ctrl-C aborts the request in flight, stops the pipeline and closes the server (exit 130)", async () => {
		let sent = false;
		const r = await run((out, kill) => {
			if (!sent && out.includes('request "kotlin"')) {
				sent = true;
				kill("SIGINT");
			}
		});
		expect(r.code).toBe(130);
		const lines = r.stdout.split("\n");
		const at = lines.indexOf('request "kotlin"');
		expect(lines.slice(at + 1, at + 2)[0]).toMatch(
			/^request "kotlin" aborted: /,
		);
		expect(lines).toContain("search pipeline stopped");
		expect(lines.at(-2)).toBe("server closed");
	}, 30_000);
});
