/**
 * What a user's bundler ships (scripts/bundle-size.ts, esbuild minified): tree-shaking keeps
 * only what a program uses, and the sizes stay under their ceilings.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
	type BundleSize,
	bundleSizes,
	CEILINGS,
} from "../../scripts/bundle-size.js";

let sizes: BundleSize[] = [];
beforeAll(async () => {
	sizes = await bundleSizes();
});

describe("bundle size", () => {
	it("each bundle stays under its ceiling", () => {
		expect(sizes.map((s) => s.name)).toEqual(Object.keys(CEILINGS));
		for (const s of sizes)
			expect(s.minified, s.name).toBeLessThan(CEILINGS[s.name]!);
	});

	it("launch + delay + withTimeout leaves out main, interop, awaitAll and every other entry's code", () => {
		const small = sizes[0]!;
		const kept = small.modules.filter((m) =>
			/src\/(main|interop|test|debug|effect)\/|await-all|run-coroutine/.test(m),
		);
		expect(kept).toEqual([]);
		expect(small.minified).toBeLessThan(sizes[1]!.minified * 0.75);
	});
});
