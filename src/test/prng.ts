/**
 * mulberry32: a 32-bit seeded generator, small and fast, good enough to shuffle tasks. The same
 * seed always gives the same sequence, on every platform.
 */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

/** Checks a user-given seed: an integer that fits in 32 bits (negative ones are accepted too). */
export function checkSeed(seed: unknown, where: string): number {
	if (
		typeof seed !== "number" ||
		!Number.isInteger(seed) ||
		seed < -0x80000000 ||
		seed > 0xffffffff
	) {
		throw new RangeError(
			`${where}: seed must be an integer between -2^31 and 2^32 - 1, got ${String(seed)}`,
		);
	}
	return seed;
}
