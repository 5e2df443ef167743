import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends the test output with one plain line, `N passed, N failed` (and `, N skipped`), which any
 * CI can read whatever runner it knows.
 */
export default class PlainSummaryReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		for (const module of testModules) {
			for (const test of module.children.allTests()) {
				const state = test.result().state;
				if (state === "passed") passed++;
				else if (state === "failed") failed++;
				else skipped++;
			}
			if (module.state() === "failed" && module.children.size === 0) failed++;
		}
		const tail = skipped > 0 ? `, ${skipped} skipped` : "";
		process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
	}
}
