import type { Suspend } from "kocoro";
import type { TestScope } from "kocoro/test";
import { type RunTestError, runTest } from "kocoro/test";

/** Runs a virtual-time test that must fail; returns its first failure. */
export async function failureOf(
	block: (this: TestScope, scope: TestScope) => Suspend<void>,
): Promise<Error> {
	let failure: Error | undefined;
	await runTest(block).catch((e: RunTestError) => {
		failure = e.errors[0] ?? e;
	});
	if (failure === undefined) throw new Error("the test body did not fail");
	return failure;
}
