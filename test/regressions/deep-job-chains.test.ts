import { type CompletableJob, Job } from "kocoro";
import { describe, expect, it } from "vitest";

/** A chain root <- j1 <- j2 <- ... of `n` plain jobs, each the parent of the next. */
function chain(n: number): CompletableJob[] {
	const jobs = [Job()];
	for (let i = 0; i < n; i++) jobs.push(Job(jobs[i]));
	return jobs;
}

const N = 1_000_000;

describe("a chain of a million jobs never overflows the stack", () => {
	it("completing leaf-first completes every job", () => {
		const jobs = chain(N);
		let accepted = 0;
		for (let i = jobs.length - 1; i >= 0; i--) {
			if (jobs[i]!.complete()) accepted++;
		}
		expect(accepted).toBe(jobs.length);
		expect(jobs[0]!.isCompleted).toBe(true);
	});

	it("completing root-first completes the root only after the leaf", () => {
		const jobs = chain(N);
		for (const job of jobs) job.complete();
		expect(jobs[0]!.isCompleted).toBe(true);
		expect(jobs[N]!.isCompleted).toBe(true);
	});

	it("cancelling the root cancels the leaf", () => {
		const jobs = chain(N);
		jobs[0]!.cancel();
		expect(jobs[N]!.isCancelled).toBe(true);
		expect(jobs[0]!.isCompleted).toBe(true);
	});

	// Regression: JobImpl.handlesException walked the ancestors recursively (O(n^2), and a
	// stack overflow on a deep chain) instead of being computed once, as Kotlin does.
	it("a failure at the leaf climbs to the root (200,000 levels: each creates its child cause)", () => {
		const jobs = chain(200_000);
		const boom = new Error("leaf failed");
		jobs[200_000]!.completeExceptionally(boom);
		expect(jobs[0]!.isCancelled).toBe(true);
		expect(jobs[0]!.isCompleted).toBe(true);
	});
});
