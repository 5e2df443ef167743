/**
 * What a user's bundler ships (scripts/bundle-size.ts, esbuild minified): tree-shaking keeps
 * only what a program uses, and the sizes stay under their ceilings. The small program's ceiling
 * is 49 KB (48,100 bytes measured): it carries the channel implementation (buffered-channel,
 * producer-scope, channel-waiters, ... about 13 KB of it), because `produce` and `actor` are
 * methods of every coroutine scope, so the coroutine class imports them; docs/benchmarks.md,
 * "Bundle size", has the metafile's top contributors.
 */
import { beforeAll, describe, expect, it } from "vitest";
import {
	type BundleSize,
	bundleSizes,
	SMALL_PROGRAM_CEILING,
} from "../../scripts/bundle-size.js";

let sizes: BundleSize[] = [];
beforeAll(async () => {
	sizes = await bundleSizes();
});

describe("bundle size", () => {
	it("launch + delay + withTimeout stays under its ceiling", () => {
		expect(sizes.map((s) => s.name)).toEqual([
			"launch + delay + withTimeout",
			"the whole main entry",
		]);
		expect(sizes[0]!.minified).toBeLessThan(SMALL_PROGRAM_CEILING);
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
