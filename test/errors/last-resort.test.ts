import { describe, expect, it } from "vitest";
import { nodeArgsOfSource, runNode } from "../../scripts/bundled.js";
import { withHangGuard } from "../support/test-base.js";

/** Runs an ES module script (importing `./src/index.ts`) in a fresh Node process. */
async function runScript(
	script: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
	const r = await runNode(nodeArgsOfSource(script), 20_000);
	return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

describe("the default last resort for uncaught failures (E5, K5)", () => {
	it("with no handler anywhere, a root launch's failure is thrown from a macrotask: the host reports it and the process fails", async () => {
		const script = `
			import { GlobalScope } from "./src/index.ts";
			GlobalScope.launch(function* () { throw new Error("nobody handles me"); });
			setTimeout(() => console.log("next macrotask still ran"), 50);
		`;
		const r = await withHangGuard(
			runScript(script),
			"the child process",
			20_000,
		);
		expect(r.stderr).toContain("nobody handles me");
		expect(r.status).not.toBe(0);
		expect(r.stdout).not.toContain("next macrotask still ran");
	});

	it("an uncaughtException listener sees the failure itself, by identity of its message and class", async () => {
		const script = `
			import { GlobalScope, runCoroutine } from "./src/index.ts";
			class MyFailure extends Error { name = "MyFailure"; }
			process.on("uncaughtException", (e) => {
				console.log("caught " + String(e) + " " + (e instanceof MyFailure));
			});
			await runCoroutine(function* () {
				yield* GlobalScope.launch(function* () { throw new MyFailure("lost?"); }).join();
				console.log("the launching coroutine goes on");
			});
		`;
		const r = await withHangGuard(
			runScript(script),
			"the child process",
			20_000,
		);
		expect(r.stdout.trim().split("\n")).toEqual([
			"the launching coroutine goes on",
			"caught MyFailure: lost? true",
		]);
		expect(r.status).toBe(0);
	});
});
