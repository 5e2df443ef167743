import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgsOfSource } from "../../scripts/bundled.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("docs/channels.md", () => {
	it("its example runs and prints what its comments say", () => {
		const doc = readFileSync(join(root, "docs/channels.md"), "utf8");
		const code = /```ts\n([\s\S]*?)```/.exec(doc)?.[1];
		expect(code).toBeDefined();
		const expected = [...code!.matchAll(/^\/\/ (.*)$/gm)].map((m) => m[1]);
		const r = spawnSync(process.execPath, nodeArgsOfSource(code!), {
			cwd: root,
			encoding: "utf8",
			timeout: 20_000,
		});
		expect(r.stderr).toBe("");
		expect(r.status).toBe(0);
		expect(r.stdout.trim().split("\n")).toEqual(expected);
	}, 30_000);
});
