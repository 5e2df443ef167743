import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("docs/channels.md", () => {
	it("its example runs and prints what its comments say", () => {
		const doc = readFileSync(join(root, "docs/channels.md"), "utf8");
		const code = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
		expect(code).toBeDefined();
		const expected = [...code!.matchAll(/^\/\/ (.*)$/gm)].map((m) => m[1]);
		const dir = mkdtempSync(join(tmpdir(), "kocoro-channels-doc-"));
		try {
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
			expect(r.stdout.trim().split("\n")).toEqual(expected);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	}, 30_000);
});
