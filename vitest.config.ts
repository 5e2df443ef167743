import { join } from "node:path";
import { defineConfig } from "vitest/config";
import { entryPoints, repositoryRoot } from "./scripts/entry-points.js";

/** `kocoro`, `kocoro/test`, ... resolve to their sources, as package.json's exports list them. */
const alias = entryPoints().map((entry) => ({
	find: new RegExp(`^${entry.specifier.replaceAll("/", "\\/")}$`),
	replacement: join(repositoryRoot, entry.source),
}));

/** The bench smoke test keeps a core busy for half a minute: it runs alone, after the rest. */
const BENCH = "test/bench/**/*.test.ts";

export default defineConfig({
	resolve: { alias },
	test: {
		reporters: ["default", "./scripts/plain-summary-reporter.ts"],
		testTimeout: 30_000,
		hookTimeout: 30_000,
		projects: [
			{
				extends: true,
				test: {
					name: "behaviour",
					include: ["test/**/*.test.ts", "property-tests/**/*.test.ts"],
					// Other runtimes and the packed package: npm run test:runtimes (vitest.runtimes.config.ts).
					exclude: [BENCH, "test/runtimes/**"],
					sequence: { groupOrder: 0 },
				},
			},
			{
				extends: true,
				test: {
					name: "bench",
					include: [BENCH],
					sequence: { groupOrder: 1 },
				},
			},
		],
	},
});
