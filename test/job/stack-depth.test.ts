import {
	CancellationException,
	CompletableDeferred,
	type CompletableJob,
	Job,
	suspendCancellableCoroutine,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { flagsOf, STATE_FLAGS, useTestBase } from "../support/test-base.js";

const t = useTestBase();
const MILLION = 1_000_000;

/** A chain root <- j1 <- j2 <- ... <- leaf of `n` plain jobs, each the child of the previous. */
function chain(n: number): CompletableJob[] {
	const jobs: CompletableJob[] = [Job()];
	for (let i = 1; i < n; i++) jobs.push(Job(jobs[i - 1]));
	return jobs;
}

describe("steps never grow the stack (K2)", () => {
	it("a million suspendCancellableCoroutine calls resumed synchronously in a row", async () => {
		const sum = await t.runBlock(function* () {
			let total = 0;
			for (let i = 0; i < MILLION; i++) {
				total += yield* suspendCancellableCoroutine<number>((cont) =>
					cont.resume(1),
				);
			}
			return total;
		});
		expect(sum).toBe(MILLION);
	});

	it("a million awaits of a completed Deferred in a row", async () => {
		const sum = await t.runBlock(function* () {
			const d = CompletableDeferred<number>();
			d.complete(2);
			let total = 0;
			for (let i = 0; i < MILLION; i++) total += yield* d.await();
			return total;
		});
		expect(sum).toBe(2 * MILLION);
	});

	it("a chain of a million Job(parent)s completed leaf-up: the last complete() finishes them all", () => {
		const jobs = chain(MILLION);
		for (let i = 0; i < MILLION - 1; i++) jobs[i]?.complete(); // each waits for its child
		const root = jobs[0]!;
		expect(flagsOf(root)).toEqual(STATE_FLAGS.Completing);
		jobs[MILLION - 1]?.complete();
		expect(flagsOf(root)).toEqual(STATE_FLAGS.Completed);
		expect(flagsOf(jobs[MILLION >> 1]!)).toEqual(STATE_FLAGS.Completed);
	});

	it("a chain of a million Job(parent)s cancelled at the root: the cancellation reaches the leaf", () => {
		const jobs = chain(MILLION);
		const leaf = jobs[MILLION - 1]!;
		const ce = new CancellationException("root cancelled");
		const seen: (Error | null)[] = [];
		leaf.invokeOnCompletion((c) => seen.push(c));
		jobs[0]?.cancel(ce);
		expect(flagsOf(leaf)).toEqual(STATE_FLAGS.Cancelled);
		expect(flagsOf(jobs[0]!)).toEqual(STATE_FLAGS.Cancelled);
		t.expectSame(seen, [ce]);
	});

	it("a chain of a million Job(parent)s where the leaf fails: the failure climbs to the root", () => {
		const jobs = chain(MILLION);
		const boom = new Error("leaf failed");
		jobs[MILLION - 1]?.completeExceptionally(boom);
		const root = jobs[0]!;
		expect(flagsOf(root)).toEqual(STATE_FLAGS.Cancelled);
		expect(root.getCancellationException().cause).toBe(boom);
	});
});
