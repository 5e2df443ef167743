/**
 * Where random choices of the runtime come from (`selectUnbiased`'s shuffle). A dispatcher that
 * decides them exposes a `randomSource` property: the test dispatchers give the generator of
 * `runTest({ seed })`, so a seeded test replays the same choices. Every other dispatcher uses
 * `Math.random`.
 */
export interface RandomSource {
	/** A number in [0, 1). */
	random(): number;
}

const mathRandom: RandomSource = { random: Math.random };

export function randomSourceOf(dispatcher: object): RandomSource {
	const own = (dispatcher as { randomSource?: RandomSource }).randomSource;
	return own ?? mathRandom;
}
