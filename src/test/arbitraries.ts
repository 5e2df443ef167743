/**
 * fast-check helpers for property tests of coroutine code (`kocoro/test/arbitraries`).
 *
 * This is the only module of kocoro that imports `fast-check`, an optional peer dependency: the
 * rest of `kocoro/test` works without it.
 *
 * @example
 * import fc from "fast-check";
 * import { checkCancellationPoints, runTest } from "kocoro/test";
 * import { cancellationPoints, delays, propertyRuns, seeds } from "kocoro/test/arbitraries";
 *
 * it("the pool is empty after any interleaving", () =>
 *   fc.assert(
 *     fc.asyncProperty(seeds(), fc.array(delays(), { maxLength: 5 }), (seed, work) =>
 *       runTest(function* () {
 *         for (const ms of work) this.launch(function* () { yield* pool.use(function* () { yield* delay(ms); }); });
 *       }, { seed })),
 *     { numRuns: propertyRuns() }));
 */
import fc from "fast-check";
import type { CancellationPointMode } from "./cancellation-points.js";
import { checkOptions } from "./check-options.js";

/**
 * Seeds for `runTest(block, { seed })`: any 32-bit unsigned integer.
 *
 * @example
 * it("passes in any order of simultaneous tasks", () =>
 *   fc.assert(fc.asyncProperty(seeds(), (seed) => runTest(function* () { yield* work(); }, { seed }))));
 */
export function seeds(): fc.Arbitrary<number> {
	return fc.integer({ min: 0, max: 0xffffffff });
}

/**
 * Delays in virtual milliseconds, from a small set so that timers often fall on the same
 * instant (where seeded interleavings differ): 0 (returns at once) and 1..`max` (default 10).
 *
 * @example
 * await fc.assert(
 *   fc.asyncProperty(fc.array(delays({ max: 5 })), (times) =>
 *     runTest(function* () {
 *       for (const t of times) this.launch(function* () { yield* delay(t); });
 *     })));
 */
export function delays(options: { max?: number } = {}): fc.Arbitrary<number> {
	checkOptions(options, "delays(options)");
	const max = options.max ?? 10;
	if (!Number.isInteger(max) || max < 1) {
		throw new RangeError(
			`delays({ max }): expected an integer >= 1, got ${max}`,
		);
	}
	return fc.oneof(
		{ weight: 1, arbitrary: fc.constant(0) },
		{ weight: 4, arbitrary: fc.integer({ min: 1, max }) },
	);
}

/**
 * A cancellation point to inject at, for `checkCancellationPoints(block, check, { only: point,
 * modes: [mode] })`: `point` is any integer >= 0, taken modulo the number of points counted.
 *
 * @example
 * await fc.assert(
 *   fc.asyncProperty(cancellationPoints(), async ({ point, mode }) => {
 *     await checkCancellationPoints(function* () { yield* pool.use(work); }, () => expect(pool.inUse).toBe(0), { only: point, modes: [mode] });
 *   }));
 */
export function cancellationPoints(): fc.Arbitrary<{
	point: number;
	mode: CancellationPointMode;
}> {
	return fc.record({
		point: fc.nat(),
		mode: fc.constantFrom<CancellationPointMode>("cancel", "failSibling"),
	});
}

/**
 * How many runs a property makes: `KOCORO_PROPERTY_RUNS` from the environment if set (for a
 * long local run: `KOCORO_PROPERTY_RUNS=10000 npm test`), else `defaultRuns` (200).
 *
 * @example
 * await fc.assert(
 *   fc.asyncProperty(seeds(), (seed) => runTest(function* () { yield* work(); }, { seed })),
 *   { numRuns: propertyRuns(50) });
 */
export function propertyRuns(defaultRuns = 200): number {
	if (!Number.isInteger(defaultRuns) || defaultRuns < 1) {
		throw new RangeError(
			`propertyRuns(defaultRuns): expected an integer >= 1, got ${String(defaultRuns)}`,
		);
	}
	// No `process` in a browser: the default applies there.
	const env = (
		globalThis as { process?: { env?: Record<string, string | undefined> } }
	).process?.env?.KOCORO_PROPERTY_RUNS;
	if (env === undefined || env === "") return defaultRuns;
	const n = Number(env);
	if (!Number.isInteger(n) || n < 1) {
		throw new RangeError(
			`KOCORO_PROPERTY_RUNS must be a positive integer, got ${JSON.stringify(env)}`,
		);
	}
	return n;
}
