import { defineConfig } from "vitest/config";
import base from "./vitest.config.js";

/**
 * The tests that need what `.ci/install-runtimes` installs (other Node versions, Bun, Deno,
 * Chromium, TypeScript 7) or pack the package: `npm run test:runtimes`, run by `.ci/run`.
 */
export default defineConfig({
	resolve: base.resolve ?? {},
	test: {
		include: ["test/runtimes/**/*.test.ts"],
		reporters: ["default", "./scripts/plain-summary-reporter.ts"],
		// They build, pack and spawn runtimes: one file at a time on a 2-core machine.
		fileParallelism: false,
		testTimeout: 180_000,
		hookTimeout: 300_000,
	},
});
