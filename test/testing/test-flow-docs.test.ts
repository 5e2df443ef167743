/**
 * The `testFlow` examples of docs/testing.md, run as written: each block between the markers
 * below must appear in the doc verbatim.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { delay, flow, MutableStateFlow } from "kocoro";
import { runTest, testFlow } from "kocoro/test";
import { delays, propertyRuns, seeds } from "kocoro/test/arbitraries";
import { describe, expect, it } from "vitest";

// --- docs/testing.md: testFlow ---
const countdown = flow<number>(function* () {
	for (let i = 3; i > 0; i--) {
		yield* this.emit(i);
		yield* delay(1_000);
	}
	throw new Error("liftoff");
});

it("counts down, then fails", () =>
	runTest(function* () {
		yield* testFlow(countdown, function* (t) {
			expect(yield* t.awaitItem()).toBe(3);
			t.expectNoEvents(); // nothing else yet at this virtual instant
			yield* t.skipItems(1); // 2, a second later
			expect(yield* t.awaitItem()).toBe(1);
			expect((yield* t.awaitError()).message).toBe("liftoff");
		});
		expect(this.testScheduler.currentTime).toBe(3_000);
	}));
// --- end ---

// --- docs/testing.md: testFlow property ---
it("a StateFlow's collector ends on the last value set, whoever sets it when", async () => {
	await fc.assert(
		fc.asyncProperty(
			seeds(),
			fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), delays()), {
				minLength: 1,
				maxLength: 8,
			}),
			async (seed, writes) => {
				await runTest(
					function* () {
						const scope = this;
						const state = MutableStateFlow(-1);
						let last = -1;
						yield* testFlow(state, function* (t) {
							expect(yield* t.awaitItem()).toBe(-1);
							const writers = writes.map(([value, ms]) =>
								scope.launch(function* () {
									yield* delay(ms);
									state.value = value;
									last = value;
								}),
							);
							for (const w of writers) yield* w.join();
							expect(t.expectMostRecentItem()).toBe(last);
							t.expectNoEvents();
							yield* t.cancelAndIgnoreRemainingEvents();
						});
					},
					{ seed },
				);
			},
		),
		{ numRuns: propertyRuns(50) },
	);
});
// --- end ---

describe("docs/testing.md's testFlow section", () => {
	it("shows the examples above verbatim", () => {
		const doc = readFileSync(
			new URL("../../docs/testing.md", import.meta.url),
			"utf8",
		);
		const self = readFileSync(new URL(import.meta.url), "utf8");
		const examples = [
			...self.matchAll(
				/\/\/ --- docs\/testing\.md: testFlow[^\n]* ---\n([\s\S]*?)\/\/ --- end ---/g,
			),
		].map((m) => m[1]!.trim());
		expect(examples).toHaveLength(2);
		for (const example of examples) expect(doc).toContain(example);
	});
});
