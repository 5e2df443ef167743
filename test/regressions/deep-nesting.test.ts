import {
	type Block,
	type CoroutineScope,
	coroutineScope,
	delay,
	runCoroutine,
	type Suspend,
	supervisorScope,
	withContext,
	withTimeout,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";

const MILLION = 1_000_000;

/** One nesting level: runs `block` inside the scoping function under test. */
type Nest = (scope: CoroutineScope, block: Block<number>) => Suspend<number>;

const NESTS: [string, Nest][] = [
	["coroutineScope", (_, block) => coroutineScope(block)],
	["supervisorScope", (_, block) => supervisorScope(block)],
	["withContext", (scope, block) => withContext(scope.coroutineContext, block)],
	["withTimeout", (_, block) => withTimeout(60_000, block)],
	[
		"withTimeoutOrNull",
		(_, block) => withTimeoutOrNull(60_000, block) as Suspend<number>,
	],
	["async{}.await()", (scope, block) => scope.async(block).await()],
];

/** `depth` levels, level `depth` nested with `nests[depth % nests.length]`, each adding 1. */
function* nested(
	scope: CoroutineScope,
	nests: Nest[],
	depth: number,
	innermost: () => Suspend<void>,
): Suspend<number> {
	if (depth === 0) {
		yield* innermost();
		return 0;
	}
	const nest = nests[depth % nests.length]!;
	return yield* nest(scope, function* () {
		return 1 + (yield* nested(this, nests, depth - 1, innermost));
	});
}

function* nothing(): Suspend<void> {}

/** Far deeper than the ~2,000 levels that overflowed the stack when each level recursed. */
const DEEP = 20_000;

describe("nesting scoping functions is limited by memory only, not by the stack", () => {
	const all = NESTS.map(([, nest]) => nest);
	const suspending = () => delay(1);

	it("a million levels, cycling through every scoping function and async{}.await(), complete (nothing suspends)", async () => {
		const depth = await runCoroutine(function* () {
			return yield* nested(this, all, MILLION, nothing);
		});
		expect(depth).toBe(MILLION);
	}, 300_000);

	it("a million levels, cycling through every scoping function and async{}.await(), complete after the innermost level suspends", async () => {
		const depth = await runCoroutine(function* () {
			return yield* nested(this, all, MILLION, suspending);
		});
		expect(depth).toBe(MILLION);
	}, 300_000);

	for (const [name, nest] of NESTS) {
		it(`${DEEP} nested ${name} complete, with and without a suspension at the innermost level`, async () => {
			for (const innermost of [nothing, suspending]) {
				const depth = await runCoroutine(function* () {
					return yield* nested(this, [nest], DEEP, innermost);
				});
				expect(depth).toBe(DEEP);
			}
		}, 120_000);
	}

	it("the block of a scoping function starts before anything else runs (Kotlin's order)", async () => {
		const order: string[] = [];
		await runCoroutine(function* () {
			this.launch(function* () {
				order.push("launched child");
			});
			order.push("before");
			const r = yield* coroutineScope(function* () {
				order.push("block");
				return yield* withContext(this.coroutineContext, function* () {
					order.push("nested block");
					return 7;
				});
			});
			order.push(`after ${r}`);
			yield* yieldNow();
		});
		expect(order).toEqual([
			"before",
			"block",
			"nested block",
			"after 7",
			"launched child",
		]);
	});
});

describe("user code that overflows the stack fails its own coroutine only", () => {
	function recurse(n: number): number {
		return recurse(n + 1) + 1;
	}
	function* deepDelegation(n: number): Suspend<number> {
		if (n === 0) {
			yield* yieldNow();
			return 0;
		}
		return 1 + (yield* deepDelegation(n - 1));
	}

	const overflows: [string, (scope: CoroutineScope) => Suspend<number>][] = [
		[
			"a recursive plain function",
			function* () {
				return recurse(0);
			},
		],
		[
			"a recursive plain function 10,000 scopes deep",
			function* (scope) {
				return yield* nested(
					scope,
					[(_, block) => coroutineScope(block)],
					10_000,
					function* () {
						recurse(0);
					},
				);
			},
		],
		[
			"a million suspend functions each calling the next with yield*",
			() => deepDelegation(MILLION),
		],
	];

	for (const [what, body] of overflows) {
		it(`${what}: the coroutine fails with the RangeError, the others go on`, async () => {
			let otherSteps = 0;
			const result = await runCoroutine(function* () {
				const other = this.launch(function* () {
					for (let i = 0; i < 100; i++) {
						yield* yieldNow();
						otherSteps++;
					}
				});
				// A supervisor: the failure stays with the failing coroutine.
				const failure = yield* supervisorScope(function* () {
					const failing = this.async(function* () {
						return yield* body(this);
					});
					yield* failing.join();
					return failing.getCompletionExceptionOrNull();
				});
				yield* other.join();
				return failure;
			});
			expect(result).toBeInstanceOf(RangeError);
			expect(otherSteps).toBe(100);
			// The run queue still runs what comes next.
			expect(
				await runCoroutine(function* () {
					yield* yieldNow();
					return "after";
				}),
			).toBe("after");
		}, 120_000);
	}
});
