import {
	CoroutineName,
	currentCoroutineContext,
	EmptyCoroutineContext,
	runCoroutine,
} from "kocoro";
import { describe, expect, expectTypeOf, it } from "vitest";

describe("runCoroutine takes the context before or after the block", () => {
	it("runCoroutine(context, block): Kotlin's runBlocking(context) {} order", async () => {
		const p = runCoroutine(CoroutineName("first"), function* () {
			return currentCoroutineContext().get(CoroutineName.Key)?.name;
		});
		expectTypeOf(p).toEqualTypeOf<Promise<string | undefined>>();
		expect(await p).toBe("first");
	});

	it("runCoroutine(block, context) and runCoroutine(block) still work", async () => {
		expect(
			await runCoroutine(function* () {
				return currentCoroutineContext().get(CoroutineName.Key)?.name;
			}, CoroutineName("second")),
		).toBe("second");
		expect(
			await runCoroutine(function* () {
				return 3;
			}),
		).toBe(3);
	});

	it("a wrong argument in either order names the call", () => {
		expect(() => runCoroutine(EmptyCoroutineContext, 5 as never)).toThrow(
			/runCoroutine\(context, block\): the block must be a generator function/,
		);
		expect(() => runCoroutine(5 as never)).toThrow(
			/runCoroutine\(block\): the block must be a generator function .*got number/,
		);
		expect(() => runCoroutine(function* () {}, 5 as never)).toThrow(
			/runCoroutine\(block, context\)/,
		);
	});
});
