import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgs } from "../../scripts/bundled.js";

const fixture = fileURLToPath(new URL("./fixtures/app.ts", import.meta.url));
const cwd = fileURLToPath(new URL("../..", import.meta.url));
const CHILD_TIMEOUT_MS = 25_000;

interface Run {
	child: ChildProcess;
	/** Resolves when stdout has printed `line` (a whole line). */
	waitFor(line: string): Promise<void>;
	exited: Promise<{
		code: number | null;
		signal: NodeJS.Signals | null;
		stdout: string;
		stderr: string;
	}>;
}

function start(scenario: string): Run {
	const child = spawn(process.execPath, nodeArgs(fixture, scenario), {
		cwd,
		stdio: ["ignore", "pipe", "pipe"],
	});
	// A hung child fails its test by timeout; it must not outlive the test run.
	const guard = setTimeout(() => child.kill("SIGKILL"), CHILD_TIMEOUT_MS);
	let stdout = "";
	let stderr = "";
	const waiting: { line: string; resolve: () => void }[] = [];
	child.stdout?.on("data", (d: Buffer) => {
		stdout += d.toString();
		const lines = stdout.split("\n");
		for (let i = waiting.length - 1; i >= 0; i--) {
			const w = waiting[i];
			if (w !== undefined && lines.includes(w.line)) {
				waiting.splice(i, 1);
				w.resolve();
			}
		}
	});
	child.stderr?.on("data", (d: Buffer) => {
		stderr += d.toString();
	});
	const exited: Run["exited"] = new Promise((resolve, reject) => {
		child.on("error", reject);
		child.on("close", (code, signal) => {
			clearTimeout(guard);
			resolve({ code, signal, stdout, stderr });
		});
	});
	return {
		child,
		exited,
		waitFor(line) {
			if (stdout.split("\n").includes(line)) return Promise.resolve();
			return new Promise((resolve) => waiting.push({ line, resolve }));
		},
	};
}

const lines = (s: string) => s.split("\n").filter((l) => l !== "");

describe("main()", () => {
	it("success: exits 0 by itself and leaves no signal handler installed", async () => {
		const { code, stdout, stderr } = await start("success").exited;
		expect(code).toBe(0);
		expect(lines(stdout)).toEqual([
			"listening for signals: 2",
			"done",
			"exit code=0 signal listeners added=0",
		]);
		expect(stderr).toBe("");
	});

	it("keeps the process alive while the root waits; SIGINT cancels it, every finally runs, then the exit code is 130", async () => {
		const run = start("cleanup");
		await run.waitFor("ready");
		run.child.kill("SIGINT");
		const { code, stdout, stderr } = await run.exited;
		expect(code).toBe(130);
		expect(lines(stdout)).toEqual([
			"ready",
			"main caught CancellationException: SIGINT received",
			"main finally",
			"child cleanup done",
			"exit code=130 signal listeners added=0",
		]);
		expect(stderr).toBe("");
	});

	it("SIGTERM does the same with exit code 143", async () => {
		const run = start("cleanup");
		await run.waitFor("ready");
		run.child.kill("SIGTERM");
		const { code, stdout } = await run.exited;
		expect(code).toBe(143);
		expect(lines(stdout)).toEqual([
			"ready",
			"main caught CancellationException: SIGTERM received",
			"main finally",
			"child cleanup done",
			"exit code=143 signal listeners added=0",
		]);
	});

	it("a second SIGINT during cleanup exits at once with 130", async () => {
		const run = start("stuck-cleanup");
		await run.waitFor("ready");
		run.child.kill("SIGINT");
		await run.waitFor("cleaning up");
		run.child.kill("SIGINT");
		const { code, stdout, stderr } = await run.exited;
		expect(code).toBe(130);
		expect(lines(stdout)).toEqual([
			"ready",
			"cleaning up",
			"exit code=130 signal listeners added=2",
		]);
		expect(stderr).toBe("\nSIGINT received again: exiting now\n");
	});

	it("a failure prints the failing coroutine's name, String(e) and the stack, and exits 1", async () => {
		const { code, stdout, stderr } = await start("fail-named").exited;
		expect(code).toBe(1);
		expect(lines(stdout)).toEqual([
			"main finally",
			"exit code=1 signal listeners added=0",
		]);
		const err = lines(stderr);
		expect(err[0]).toBe('Exception in coroutine "loader": Error: boom');
		expect(err[1]).toMatch(/^ {4}at .*app\.ts:\d+:\d+/);
	});

	it("a failure of the root block names the root coroutine and prints its cause chain", async () => {
		const { code, stderr } = await start("fail-root").exited;
		expect(code).toBe(1);
		const err = lines(stderr);
		expect(err[0]).toBe('Exception in coroutine "app": TypeError: bad input');
		expect(err[1]).toMatch(/^ {4}at /);
		expect(err).toContain("Caused by: Error: root cause");
	});

	it("without a CoroutineName the failure is attributed to the main coroutine", async () => {
		const { code, stderr } = await start("fail-unnamed").exited;
		expect(code).toBe(1);
		expect(lines(stderr)[0]).toBe(
			"Exception in main coroutine: Error: unnamed boom",
		);
	});

	it("a CancellationException that escapes the block (an uncaught timeout) is a failure too", async () => {
		const { code, stderr } = await start("timeout").exited;
		expect(code).toBe(1);
		expect(lines(stderr)[0]).toBe(
			"Exception in main coroutine: TimeoutCancellationException: Timed out waiting for 5 ms",
		);
	});

	it("once main() is done, Ctrl-C has its default effect again: the process is killed by SIGINT", async () => {
		const run = start("after-main");
		await run.waitFor("ready");
		run.child.kill("SIGINT");
		const { code, signal, stdout, stderr } = await run.exited;
		expect(code).toBeNull();
		expect(signal).toBe("SIGINT");
		expect(lines(stdout)).toEqual(["ready"]);
		expect(stderr).toBe("");
	});

	it("no listener, timer or handle remains after real I/O cancelled in every way", async () => {
		const { code, stdout, stderr } = await start("no-leaks").exited;
		expect(code).toBe(0);
		expect(lines(stdout)).toEqual([
			"fast: fast",
			"direct: cancelled=true",
			"timeout: null",
			"parent failure: Error: parent failed",
			"withAbortSignal: fast signal=false",
			"effect: null",
			// main's own keep-alive timer, cleared as the root completes
			'resources after the work: ["Timeout"]',
			"resources at exit: []",
			"abort listeners at exit: 0",
			"exit code=0 signal listeners added=0",
		]);
		expect(stderr).toBe("");
	});
});
