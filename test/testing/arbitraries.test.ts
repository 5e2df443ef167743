import fc from "fast-check";
import {
	cancellationPoints,
	delays,
	propertyRuns,
	seeds,
} from "kocoro/test/arbitraries";
import { afterEach, describe, expect, it } from "vitest";

const saved = process.env.KOCORO_PROPERTY_RUNS;
afterEach(() => {
	if (saved === undefined) delete process.env.KOCORO_PROPERTY_RUNS;
	else process.env.KOCORO_PROPERTY_RUNS = saved;
});

describe("kocoro/test/arbitraries", () => {
	it("propertyRuns reads KOCORO_PROPERTY_RUNS, else the default", () => {
		delete process.env.KOCORO_PROPERTY_RUNS;
		expect(propertyRuns()).toBe(200);
		expect(propertyRuns(30)).toBe(30);
		process.env.KOCORO_PROPERTY_RUNS = "10000";
		expect(propertyRuns()).toBe(10_000);
		process.env.KOCORO_PROPERTY_RUNS = "lots";
		expect(() => propertyRuns()).toThrow(
			'KOCORO_PROPERTY_RUNS must be a positive integer, got "lots"',
		);
	});

	it("draws seeds, delays and cancellation points in range", () => {
		for (const s of fc.sample(seeds(), { numRuns: 200, seed: 1 })) {
			expect(Number.isInteger(s) && s >= 0 && s <= 0xffffffff).toBe(true);
		}
		const ds = fc.sample(delays({ max: 5 }), { numRuns: 200, seed: 2 });
		expect(new Set(ds)).toEqual(new Set([0, 1, 2, 3, 4, 5]));
		for (const p of fc.sample(cancellationPoints(), { numRuns: 50, seed: 3 })) {
			expect(p.point).toBeGreaterThanOrEqual(0);
			expect(["cancel", "failSibling"]).toContain(p.mode);
		}
		expect(() => delays({ max: 0 })).toThrow(RangeError);
	});
});
