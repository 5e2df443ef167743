// Runs examples/demo.ts as a real program: without flags (through `npm start`), with a short
// --deadline, and interrupted by SIGINT; checks its summary and exit code.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgs } from "../../scripts/bundled.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const PAGES = 12;

interface Result {
	code: number | null;
	stdout: string;
	stderr: string;
}

function run(
	command: string,
	args: string[],
	onStdout?: (all: string, kill: (s: NodeJS.Signals) => void) => void,
): Promise<Result> {
	return new Promise((resolve, reject) => {
		const child = spawn(command, args, {
			cwd: root,
			stdio: ["ignore", "pipe", "pipe"],
		});
		// A hung child fails its test by timeout; it must not outlive the test run.
		const guard = setTimeout(() => child.kill("SIGKILL"), 18_000);
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

/** The summary's fields, by label. */
function summary(stdout: string): Map<string, string> {
	const lines = stdout.split("\n");
	const start = lines.indexOf("Summary");
	expect(start).toBeGreaterThan(0);
	const fields = new Map<string, string>();
	for (const line of lines.slice(start + 1)) {
		const m = /^ {2}([a-z ]+):\s+(.*)$/.exec(line);
		if (m?.[1] !== undefined && m[2] !== undefined) fields.set(m[1], m[2]);
	}
	return fields;
}

const count = (field: string | undefined) =>
	field === undefined || field === "none" ? 0 : field.split(", ").length;

function expectFullCleanup(fields: Map<string, string>): void {
	const cleanup = (fields.get("cleanup ran") ?? "").split(", ");
	// Workers finish in any order; the server is closed last, after every worker.
	expect(cleanup.at(-1)).toBe("server closed");
	expect([...cleanup].sort()).toEqual([
		"server closed",
		"worker 1 flushed",
		"worker 2 flushed",
		"worker 3 flushed",
	]);
}

function expectEveryPageAccounted(fields: Map<string, string>): void {
	const ok = Number(/^(\d+) of 12$/.exec(fields.get("finished ok") ?? "")?.[1]);
	const total =
		ok +
		count(fields.get("failed")) +
		count(fields.get("timed out")) +
		count(fields.get("cancelled")) +
		count(fields.get("not started"));
	expect(total).toBe(PAGES);
}

describe("examples/demo.ts", () => {
	it("`npm start` finishes by itself with exit code 0 and a full summary", async () => {
		const { code, stdout } = await run("npm", ["start", "--silent"]);
		expect(code).toBe(0);
		const fields = summary(stdout);
		expect(fields.get("finished ok")).toBe("10 of 12");
		expect(fields.get("failed")).toBe("/flaky/3");
		expect(fields.get("timed out")).toBe("/slow");
		expect(fields.get("cancelled")).toBe("none");
		expect(fields.get("not started")).toBe("none");
		expect(fields.get("batch")).toBe(
			"HTTP 500 for /broken; cancelled siblings: /thumb/1, /thumb/2",
		);
		expect(fields.get("stopped by")).toBe("nothing, all work completed");
		expectFullCleanup(fields);
		expect(stdout).not.toContain("] cancelled ");
		// Progress was printed as it went: retries with backoff, then the gave-up lines.
		expect(stdout).toContain("retry  /flaky/1 in 50 ms (HTTP 503)");
		expect(stdout).toContain("retry  /flaky/1 in 100 ms (HTTP 503)");
		expect(stdout).toContain(
			"gave up /slow after 3 attempts (timed out after 500 ms)",
		);
	}, 20_000);

	it("--deadline cancels the crawl cleanly: what finished, what was cancelled, what cleanup ran", async () => {
		const { code, stdout } = await run(
			process.execPath,
			nodeArgs("examples/demo.ts", "--deadline", "300"),
		);
		expect(code).toBe(0);
		const fields = summary(stdout);
		expect(fields.get("stopped by")).toBe("the deadline (300 ms)");
		expect(fields.get("batch")).toBe("not run");
		expectEveryPageAccounted(fields);
		// /slow needs three 500 ms attempts: it cannot have finished before the deadline.
		expect(
			`${fields.get("cancelled")}, ${fields.get("not started")}`,
		).toContain("/slow");
		expectFullCleanup(fields);
		expectCancellationsReported(
			stdout,
			fields,
			'Coroutine "demo" timed out waiting for 300 ms',
		);
	}, 20_000);

	it("SIGINT (Ctrl-C) cancels everything through main(): summary, cleanup, exit code 130", async () => {
		let sent = false;
		const { code, stdout, stderr } = await run(
			process.execPath,
			nodeArgs("examples/demo.ts"),
			(all, kill) => {
				if (!sent && all.includes("] ok     /page/")) {
					sent = true;
					kill("SIGINT");
				}
			},
		);
		expect(sent).toBe(true);
		expect(code).toBe(130);
		expect(stderr).toBe("");
		const fields = summary(stdout);
		expect(fields.get("stopped by")).toBe("SIGINT received");
		expect(fields.get("batch")).toBe("not run");
		expectEveryPageAccounted(fields);
		expect(fields.get("timed out")).toBe("none");
		expectFullCleanup(fields);
		// Every page the summary calls cancelled was reported as it happened, with the reason.
		expectCancellationsReported(stdout, fields, "SIGINT received");
	}, 20_000);

	it("bad arguments print the usage and exit 2 without starting anything", async () => {
		const cases: [string[], string][] = [
			[
				["--deadline", "soon"],
				'demo: --deadline expects a number of milliseconds, got "soon"',
			],
			[["--deadline"], "demo: unexpected arguments: --deadline"],
			[["--verbose"], "demo: unexpected arguments: --verbose"],
		];
		for (const [args, message] of cases) {
			const { code, stdout, stderr } = await run(
				process.execPath,
				nodeArgs("examples/demo.ts", ...args),
			);
			expect(code).toBe(2);
			expect(stdout).toBe("");
			expect(stderr).toBe(
				`${message}\nusage: npm start [-- --deadline <milliseconds>]\n`,
			);
		}
	}, 20_000);
});

function expectCancellationsReported(
	stdout: string,
	fields: Map<string, string>,
	reason: string,
): void {
	const cancelled = fields.get("cancelled") ?? "none";
	const reported = stdout
		.split("\n")
		.map((l) =>
			/\] cancelled (\S+) (?:during attempt \d+|while backing off) \((.*)\)$/.exec(
				l,
			),
		)
		.filter((m) => m !== null)
		.map((m) => [m[1], m[2]]);
	const expected = cancelled === "none" ? [] : cancelled.split(", ");
	expect(reported.map(([path]) => path).sort()).toEqual([...expected].sort());
	for (const [, why] of reported) expect(why).toBe(reason);
}
