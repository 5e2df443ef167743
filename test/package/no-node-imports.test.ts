/**
 * The entry points users load in browsers, Deno and Bun import nothing from Node: every module
 * reachable from them (type-only imports included, since a bundler may keep them) imports only
 * relative modules or the optional peers. Node's builtins, with or without the `node:` prefix,
 * are out.
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../../src/", import.meta.url));

/** Every portable entry point (package.json's exports), by its source file. */
const ENTRIES = {
	kocoro: "index.ts",
	"kocoro/test": "test/index.ts",
	"kocoro/test/arbitraries": "test/arbitraries.ts",
	"kocoro/effect": "effect/index.ts",
	"kocoro/debug": "debug/index.ts",
};
const PEERS = new Set(["effect", "fast-check"]);
const builtins = new Set(builtinModules);

/** `import ... from "x"`, `export ... from "x"`, `import "x"`, `import("x")`. */
const SPECIFIER =
	/(?:^|[\s;}])(?:import|export)\s[^"'`;]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Comments removed, so examples in doc comments are not taken for imports. */
function code(file: string): string {
	return readFileSync(file, "utf8")
		.replace(/\/\*[\s\S]*?\*\//g, "")
		.replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
}

/** Each module reachable from `entry` with the bare (non-relative) specifiers it imports. */
function graph(entry: string): Map<string, string[]> {
	const seen = new Map<string, string[]>();
	const todo = [join(src, entry)];
	while (todo.length > 0) {
		const file = todo.pop()!;
		if (seen.has(file)) continue;
		const bare: string[] = [];
		seen.set(file, bare);
		for (const m of code(file).matchAll(SPECIFIER)) {
			const spec = (m[1] ?? m[2] ?? m[3])!;
			if (spec.startsWith(".")) {
				todo.push(join(dirname(file), spec.replace(/\.js$/, ".ts")));
			} else bare.push(spec);
		}
	}
	return seen;
}

describe("portable entry points", () => {
	for (const [name, entry] of Object.entries(ENTRIES)) {
		it(`${name} imports no Node builtin, anywhere in its module graph`, () => {
			const offending: string[] = [];
			const modules = graph(entry);
			for (const [file, specs] of modules) {
				for (const spec of specs) {
					const isNode = spec.startsWith("node:") || builtins.has(spec);
					if (isNode || !PEERS.has(spec.split("/")[0]!))
						offending.push(`src/${relative(src, file)} imports "${spec}"`);
				}
			}
			expect(offending).toEqual([]);
			expect(modules.size).toBeGreaterThan(0);
		});
	}

	it("the import scanner sees every form of import (guard against a scanner that finds nothing)", () => {
		// The main entry reaches most of src/: a scanner that missed re-exports would see one file.
		expect(graph("index.ts").size).toBeGreaterThan(30);
		const sample = [
			'import { a } from "node:fs";',
			'import type { B } from "node:url";',
			'export { c } from "./c.js";',
			'import "./side.js";',
			'const m = await import("node:os");',
			'import {\n\tx,\n\ty,\n} from "node:path";',
		].join("\n");
		const found = [...sample.matchAll(SPECIFIER)].map(
			(m) => m[1] ?? m[2] ?? m[3],
		);
		expect(found).toEqual([
			"node:fs",
			"node:url",
			"./c.js",
			"./side.js",
			"node:os",
			"node:path",
		]);
	});
});
