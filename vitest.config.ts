import { availableParallelism } from "node:os";
import { join } from "node:path";
import { defineConfig } from "vitest/config";
import { entryPoints, repositoryRoot } from "./scripts/entry-points.js";

/** `kocoro`, `kocoro/test`, ... resolve to their sources, as package.json's exports list them. */
const alias = entryPoints().map((entry) => ({
	find: new RegExp(`^${entry.specifier.replaceAll("/", "\\/")}$`),
	replacement: join(repositoryRoot, entry.source),
}));

/**
 * The bench smoke test keeps every core busy for about half a minute: it runs alone, after the
 * rest, where it does not compete with the tests that measure real time.
 */
const BENCH = "test/bench/**/*.test.ts";

export default defineConfig({
	resolve: { alias },
	test: {
		reporters: ["default", "./scripts/plain-summary-reporter.ts"],
		testTimeout: 30_000,
		// One test file per core (vitest's default leaves a core free: one worker on 2 cores).
		maxWorkers: availableParallelism(),
		hookTimeout: 30_000,
		projects: [
			{
				extends: true,
				test: {
					name: "behaviour",
					// The files of a worker share one module graph (each file is not re-imported from
					// scratch: a third of the suite's time). So a test file must leave nothing behind
					// that another could see: no coroutine running, no handler or global replaced.
					isolate: false,
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
