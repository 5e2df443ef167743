import {
	type CompletableJob,
	CoroutineScope,
	type Deferred,
	IllegalStateException,
	Job,
	type Job as JobType,
	runCoroutine,
	type Suspend,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { lastAncestrySteps } from "../../src/job/ancestry.js";

/** A chain root <- j1 <- ... of `n` plain jobs, each the child of the previous. */
function chain(n: number): CompletableJob[] {
	const jobs: CompletableJob[] = [Job()];
	for (let i = 1; i < n; i++) jobs.push(Job(jobs[i - 1]));
	return jobs;
}

const SELF_WAIT =
	/from inside it \(or one of its children\) would wait forever/;

describe("join/await of oneself or an ancestor fails instead of waiting forever", () => {
	it("join of the coroutine itself throws IllegalStateException", async () => {
		const failure = await runCoroutine(function* () {
			const self = this.coroutineContext.get(Job.Key) as JobType;
			try {
				yield* self.join();
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(failure).toBeInstanceOf(IllegalStateException);
		expect(String((failure as Error).message)).toMatch(/^join of /);
		expect(String((failure as Error).message)).toMatch(SELF_WAIT);
	});

	it("await of an ancestor from a grandchild throws IllegalStateException", async () => {
		const failure = await runCoroutine(function* () {
			const outer: Deferred<unknown> = this.async(
				function* (): Suspend<unknown> {
					const inner = this.launch(function* () {
						yield* yieldNow();
					});
					const grandchild = this.async(function* (): Suspend<unknown> {
						try {
							yield* outer.await();
							return null;
						} catch (e) {
							return e;
						}
					});
					yield* inner.join();
					return yield* grandchild.await();
				},
			);
			return yield* outer.await();
		});
		expect(failure).toBeInstanceOf(IllegalStateException);
		expect(String((failure as Error).message)).toMatch(/^await of /);
		expect(String((failure as Error).message)).toMatch(SELF_WAIT);
	});
});

describe("the self-wait check costs O(log depth), not a walk of every ancestor", () => {
	const DEPTH = 100_000;
	/** log2(100,000) ~ 17: skew-binary jumps take at most ~3 log2(depth) steps. */
	const BOUND = 60;

	it("a coroutine 100,000 jobs deep joins its root, a mid-depth ancestor, an unrelated job and a sibling with few steps each", async () => {
		const jobs = chain(DEPTH);
		const unrelated = Job();
		Job(unrelated); // it has a child, so it could have been an ancestor
		const steps: Record<string, number> = {};
		const failures: Record<string, unknown> = {};
		const scope = CoroutineScope(jobs[DEPTH - 1]!);
		const sibling = Job(jobs[DEPTH - 1]);
		const waiter = scope.launch(function* () {
			for (const [name, target] of [
				["root", jobs[0]!],
				["mid", jobs[DEPTH >> 1]!],
				["parent", jobs[DEPTH - 1]!],
			] as const) {
				try {
					yield* target.join();
				} catch (e) {
					failures[name] = e;
				}
				steps[name] = lastAncestrySteps();
			}
			const joinUnrelated = this.launch(function* () {
				yield* unrelated.join();
			});
			yield* yieldNow();
			steps.unrelated = lastAncestrySteps();
			const joinSibling = this.launch(function* () {
				yield* sibling.join();
			});
			yield* yieldNow();
			steps.sibling = lastAncestrySteps();
			unrelated.cancel();
			sibling.complete();
			yield* joinUnrelated.join();
			yield* joinSibling.join();
		});
		await runCoroutine(function* () {
			yield* waiter.join();
		});
		for (const name of ["root", "mid", "parent"]) {
			expect(failures[name]).toBeInstanceOf(IllegalStateException);
		}
		expect(steps.root).toBeGreaterThan(0);
		for (const [name, n] of Object.entries(steps)) {
			expect(n, name).toBeLessThanOrEqual(BOUND);
		}
		expect(Object.keys(steps).sort()).toEqual([
			"mid",
			"parent",
			"root",
			"sibling",
			"unrelated",
		]);
	});
});
