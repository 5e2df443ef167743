import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the README's example", () => {
	it("runs and prints what its comments say", () => {
		const readme = readFileSync(join(root, "README.md"), "utf8");
		const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
		expect(code).toBeDefined();
		const dir = mkdtempSync(join(tmpdir(), "kocoro-readme-"));
		try {
			// .mts: an ES module wherever it lives.
			const file = join(dir, "example.mts");
			writeFileSync(
				file,
				code!.replace(
					'from "kocoro"',
					`from ${JSON.stringify(join(root, "src/index.ts"))}`,
				),
			);
			const r = spawnSync(process.execPath, ["--import", "tsx", file], {
				cwd: root,
				encoding: "utf8",
				timeout: 20_000,
			});
			expect(r.stderr).toBe("");
			expect(r.status).toBe(0);
			expect(r.stdout.split("\n")).toEqual([
				"alpha: step 1",
				"beta: step 1",
				"alpha: step 2",
				"beta: step 2",
				"TimeoutCancellationException: Timed out waiting for 250 ms",
				"alpha: cleaned up",
				"beta: cleaned up",
				"",
			]);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
