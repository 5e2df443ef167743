import { fileURLToPath } from "node:url";
import { configDefaults, defineConfig } from "vitest/config";

const src = (p: string) =>
	fileURLToPath(new URL(`./src/${p}`, import.meta.url));

export default defineConfig({
	resolve: {
		alias: [
			{ find: /^kocoro\/test$/, replacement: src("test/index.ts") },
			{
				find: /^kocoro\/test\/arbitraries$/,
				replacement: src("test/arbitraries.ts"),
			},
			{ find: /^kocoro\/effect$/, replacement: src("effect/index.ts") },
			{ find: /^kocoro\/debug$/, replacement: src("debug/index.ts") },
			{ find: /^kocoro$/, replacement: src("index.ts") },
		],
	},
	test: {
		include: ["test/**/*.test.ts", "property-tests/**/*.test.ts"],
		// Other runtimes and the packed package: npm run test:runtimes (vitest.runtimes.config.ts).
		exclude: [...configDefaults.exclude, "test/runtimes/**"],
		reporters: ["default", "./scripts/plain-summary-reporter.ts"],
		testTimeout: 30_000,
		hookTimeout: 30_000,
	},
});
