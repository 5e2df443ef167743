/**
 * The user property test shown in docs/testing.md, run as written: the doc's code block must
 * appear in this file verbatim (checked below), so the documentation cannot drift.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { delay, type Suspend } from "kocoro";
import { checkCancellationPoints } from "kocoro/test";
import { delays, propertyRuns, seeds } from "kocoro/test/arbitraries";
import { describe, expect, it } from "vitest";

// --- docs/testing.md: user property test ---
/** A pool of `size` connections: `use` borrows one for the block and always gives it back. */
class Pool {
	inUse = 0;
	peak = 0;
	constructor(private readonly size: number) {}

	*use<T>(block: () => Suspend<T>): Suspend<T> {
		while (this.inUse >= this.size) yield* delay(1); // wait for a free connection
		this.inUse++;
		this.peak = Math.max(this.peak, this.inUse);
		try {
			return yield* block();
		} finally {
			this.inUse--;
		}
	}
}

it("the pool is released at every cancellation point, in any interleaving", async () => {
	await fc.assert(
		fc.asyncProperty(
			seeds(),
			fc.array(delays(), { minLength: 1, maxLength: 4 }),
			async (seed, jobs) => {
				const pool = new Pool(2);
				await checkCancellationPoints(
					function* () {
						for (const ms of jobs) {
							this.launch(function* () {
								yield* pool.use(function* () {
									yield* delay(ms);
								});
							});
						}
					},
					(run) => {
						expect(pool.inUse).toBe(0); // every connection came back
						expect(pool.peak).toBeLessThanOrEqual(2); // never over the limit
						if (run.point > 0) expect(run.result.status).toBe("cancelled");
					},
					{ seed, modes: ["cancel", "failSibling"] },
				);
			},
		),
		{ numRuns: propertyRuns(50) },
	);
});
// --- end ---

describe("docs/testing.md", () => {
	it("shows the example above verbatim, with imports this file makes too", () => {
		const doc = readFileSync(
			new URL("../../docs/testing.md", import.meta.url),
			"utf8",
		);
		const self = readFileSync(new URL(import.meta.url), "utf8");
		const example =
			/\/\/ --- docs\/testing\.md: user property test ---\n([\s\S]*?)\/\/ --- end ---/.exec(
				self,
			)?.[1];
		expect(example).toBeDefined();
		const block = /```ts\n((?:import [^\n]*\n)+)\n([\s\S]*?)```/
			.exec(doc.slice(doc.indexOf("## Property tests with fast-check")))
			?.slice(1);
		expect(block).toBeDefined();
		const [imports, code] = block!;
		expect(code!.trim()).toBe(example!.trim());
		for (const line of imports!.trim().split("\n"))
			expect(self).toContain(line);
	});
});
