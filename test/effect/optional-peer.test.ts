// `effect` is an optional peer dependency: only the `kocoro/effect` entry may import it. Walks the
// static import graph of every other entry and lists the packages it reaches.
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const src = fileURLToPath(new URL("../../src", import.meta.url));
const SPECIFIER =
	/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+"([^"]+)"|(?:^|\n)\s*import\s+"([^"]+)"|import\("([^"]+)"\)/g;

/** The bare (package) specifiers reachable from `entry` through relative imports. */
function packagesReachedFrom(entry: string): string[] {
	const seen = new Set<string>();
	const packages = new Set<string>();
	const queue = [entry];
	for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
		if (seen.has(file)) continue;
		seen.add(file);
		const text = readFileSync(file, "utf8");
		for (const m of text.matchAll(SPECIFIER)) {
			const spec = m[1] ?? m[2] ?? m[3];
			if (spec === undefined) continue;
			if (spec.startsWith(".")) {
				queue.push(resolve(dirname(file), spec.replace(/\.js$/, ".ts")));
			} else {
				packages.add(spec);
			}
		}
	}
	return [...packages].filter((p) => !p.startsWith("node:")).sort();
}

describe("effect is an optional peer dependency", () => {
	it("the kocoro, kocoro/test and kocoro/debug entries import no package at all", () => {
		expect(packagesReachedFrom(join(src, "index.ts"))).toEqual([]);
		// The walk does follow the graph: the Effect entry reaches the core through ../index.js.
		expect(packagesReachedFrom(join(src, "effect/from-effect.ts"))).toEqual([
			"effect",
		]);
		expect(packagesReachedFrom(join(src, "debug/index.ts"))).toEqual([]);
		// kocoro/test offers fast-check arbitraries: its own optional peer dependency.
		expect(
			packagesReachedFrom(join(src, "test/index.ts")).filter(
				(p) => p !== "fast-check",
			),
		).toEqual([]);
	});

	it("kocoro/effect imports effect and nothing else", () => {
		expect(packagesReachedFrom(join(src, "effect/index.ts"))).toEqual([
			"effect",
		]);
	});
});
