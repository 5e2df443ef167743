/**
 * `npx tsx bench/inline-generator.ts` (any Node: `.ci/cache/node24/.../node --import tsx ...`):
 * what V8 charges for a generator block written inline, against a hoisted one. Each iteration
 * calls a generator function and runs it to its end (`next()` once); "inline" creates a fresh
 * `function* () {}` closure in the loop, as `this.launch(function* () { ... })` in a loop does.
 * Prints nanoseconds per iteration (median of 7 rounds) and the ratio.
 */
const N = 2_000_000;
let sink = 0;

function hoisted(n: number): number {
	const block = function* () {
		sink++;
	};
	const t = performance.now();
	for (let i = 0; i < n; i++) block().next();
	return performance.now() - t;
}

function inline(n: number): number {
	const t = performance.now();
	for (let i = 0; i < n; i++)
		(function* () {
			sink++;
		})().next();
	return performance.now() - t;
}

/** A closure over a loop variable, as a block that uses `i` is. */
function inlineCapturing(n: number): number {
	const t = performance.now();
	for (let i = 0; i < n; i++)
		(function* () {
			sink += i & 1;
		})().next();
	return performance.now() - t;
}

/** The hoisting that keeps per-child data: a fresh arrow that calls a hoisted generator. */
function arrowAroundHoisted(n: number): number {
	const block = function* (i: number) {
		sink += i & 1;
	};
	const t = performance.now();
	for (let i = 0; i < n; i++) (() => block(i))().next();
	return performance.now() - t;
}

function median(f: (n: number) => number): number {
	f(N / 10); // warm up
	const rounds = Array.from({ length: 7 }, () => (f(N) * 1e6) / N).sort(
		(a, b) => a - b,
	);
	return rounds[3]!;
}

const h = median(hoisted);
const i = median(inline);
const c = median(inlineCapturing);
const a = median(arrowAroundHoisted);
console.log(`Node ${process.version}`);
console.log(`hoisted generator block: ${h.toFixed(1)} ns per call`);
console.log(
	`inline generator block:  ${i.toFixed(1)} ns per call (${(i / h).toFixed(1)}× the hoisted one)`,
);
console.log(
	`inline, capturing i:     ${c.toFixed(1)} ns per call (${(c / h).toFixed(1)}× the hoisted one)`,
);
console.log(
	`arrow around a hoisted:  ${a.toFixed(1)} ns per call (${(a / h).toFixed(1)}× the hoisted one)`,
);
if (sink === 0) throw new Error("nothing ran");
