/**
 * `fast-check` is an optional peer dependency of `kocoro/test/arbitraries` only: the core entry,
 * `kocoro/test` and `kocoro/debug` must load without it. Checked on the static import graph of
 * the sources (every `import`/`export ... from` and dynamic `import()`), file by file.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const SPECIFIER =
	/(?:^|[\s;])(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|(?:^|[\s;])import\s*["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

/** The module specifiers a source file imports, comments removed first. */
function specifiers(file: string): string[] {
	const text = readFileSync(file, "utf8")
		.replace(/\/\*[\s\S]*?\*\//g, "")
		.replace(/(^|[^:"'`])\/\/.*$/gm, "$1");
	const out: string[] = [];
	for (const m of text.matchAll(SPECIFIER)) out.push(m[1] ?? m[2] ?? m[3]!);
	return out;
}

/** Every source file reachable from `entry`, and the bare (package) imports each one makes. */
function importGraph(entry: string): Map<string, string[]> {
	const packages = new Map<string, string[]>();
	const todo = [resolve(root, entry)];
	const seen = new Set<string>();
	while (todo.length > 0) {
		const file = todo.pop()!;
		if (seen.has(file)) continue;
		seen.add(file);
		const bare: string[] = [];
		for (const s of specifiers(file)) {
			if (s.startsWith(".")) {
				todo.push(resolve(dirname(file), s.replace(/\.js$/, ".ts")));
			} else bare.push(s);
		}
		packages.set(relative(root, file), bare);
	}
	return packages;
}

/** The files of `graph` that import `pkg` (or one of its subpaths). */
function importersOf(graph: Map<string, string[]>, pkg: string): string[] {
	return [...graph]
		.filter(([, bare]) =>
			bare.some((s) => s === pkg || s.startsWith(`${pkg}/`)),
		)
		.map(([file]) => file);
}

describe("optional peer dependencies", () => {
	it("the core entry (src/index.ts) never reaches fast-check or effect", () => {
		const graph = importGraph("src/index.ts");
		expect(graph.size).toBeGreaterThan(30); // the walk did follow the imports
		expect(importersOf(graph, "fast-check")).toEqual([]);
		expect(importersOf(graph, "effect")).toEqual([]);
		const packages = new Set([...graph.values()].flat());
		expect([...packages].filter((p) => !p.startsWith("node:"))).toEqual([]);
	});

	it("kocoro/test and kocoro/debug load without fast-check", () => {
		for (const entry of ["src/test/index.ts", "src/debug/index.ts"]) {
			const graph = importGraph(entry);
			expect(graph.has("src/test/arbitraries.ts")).toBe(false);
			expect(importersOf(graph, "fast-check")).toEqual([]);
		}
	});

	it("only src/test/arbitraries.ts imports fast-check, and it is its own entry point", () => {
		const files: string[] = [];
		const walk = (dir: string) => {
			for (const e of readdirSync(dir, { withFileTypes: true })) {
				const path = join(dir, e.name);
				if (e.isDirectory()) walk(path);
				else if (path.endsWith(".ts")) files.push(path);
			}
		};
		walk(join(root, "src"));
		const users = files
			.filter((f) => specifiers(f).some((s) => s === "fast-check"))
			.map((f) => relative(root, f));
		expect(users).toEqual(["src/test/arbitraries.ts"]);
		// The walk sees it there (so the checks above would catch a stray import).
		expect(
			importersOf(importGraph("src/test/arbitraries.ts"), "fast-check"),
		).toEqual(["src/test/arbitraries.ts"]);
		const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
		expect(pkg.exports["./test/arbitraries"]).toEqual({
			types: "./dist/test/arbitraries.d.ts",
			import: "./dist/test/arbitraries.js",
		});
		expect(pkg.peerDependenciesMeta["fast-check"]).toEqual({ optional: true });
		expect(pkg.dependencies?.["fast-check"]).toBeUndefined();
	});
});
