/**
 * The user property test shown in docs/testing.md, run as written: the doc's code block must
 * appear in this file verbatim (checked below), so the documentation cannot drift.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { CancellationException, delay, type Suspend } from "kocoro";
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

// --- docs/testing.md: retry loop ---
/** Runs `attempt` up to `times` times, waiting `backoff` ms after each failure. */
function* retry<T>(
	times: number,
	backoff: number,
	attempt: () => Suspend<T>,
): Suspend<T> {
	for (let i = 1; ; i++) {
		try {
			return yield* attempt();
		} catch (e) {
			if (e instanceof CancellationException || i >= times) throw e;
			yield* delay(backoff);
		}
	}
}

it("a retry loop closes every connection it opens, wherever it is cancelled", async () => {
	let open = 0;
	const report = await checkCancellationPoints(
		function* () {
			let calls = 0;
			return yield* retry(3, 100, function* () {
				open++;
				try {
					yield* delay(10);
					if (++calls < 3) throw new Error(`attempt ${calls} failed`);
					return calls;
				} finally {
					open--;
				}
			});
		},
		(run) => {
			expect(open).toBe(0);
			if (run.point === 0)
				expect(run.result).toEqual({ status: "completed", value: 3 });
			else expect(run.result.status).toBe("cancelled");
		},
	);
	// start, 3 attempts' delays and 2 back-offs: cancelled at each of the 6 points in turn
	expect(report).toEqual({ points: 6, runs: 7 });
});
// --- end ---

/** `import { a, type B } from "m"` lines: module -> names (a default import counts as a name). */
function importsOf(text: string): Map<string, Set<string>> {
	const out = new Map<string, Set<string>>();
	for (const m of text.matchAll(
		/^import (?:(\w+)|\{([^}]*)\}) from "([^"]+)";$/gm,
	)) {
		const names = out.get(m[3]!) ?? new Set<string>();
		if (m[1] !== undefined) names.add(`default ${m[1]}`);
		for (const n of (m[2] ?? "").split(","))
			if (n.trim() !== "") names.add(n.trim());
		out.set(m[3]!, names);
	}
	return out;
}

describe("docs/testing.md", () => {
	const doc = readFileSync(
		new URL("../../docs/testing.md", import.meta.url),
		"utf8",
	);
	const self = readFileSync(new URL(import.meta.url), "utf8");

	it("shows the examples above verbatim", () => {
		const examples = [
			...self.matchAll(
				/\/\/ --- docs\/testing\.md: [^\n]* ---\n([\s\S]*?)\/\/ --- end ---/g,
			),
		].map((m) => m[1]!.trim());
		expect(examples).toHaveLength(2);
		for (const example of examples) expect(doc).toContain(example);
	});

	it("imports in the docs' examples only what this file imports", () => {
		const section = doc.slice(
			doc.indexOf("## Property tests with fast-check"),
			doc.indexOf("## `kocoro/debug`"),
		);
		const documented = importsOf(section);
		expect([...documented.keys()].sort()).toEqual([
			"fast-check",
			"kocoro",
			"kocoro/test",
			"kocoro/test/arbitraries",
		]);
		const mine = importsOf(self);
		for (const [from, names] of documented)
			for (const name of names) expect(mine.get(from)).toContain(name);
	});
});
