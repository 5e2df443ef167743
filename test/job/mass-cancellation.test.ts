import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	JobCancellationException,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("cancelling many coroutines", () => {
	it("100,000 suspended children of a parent cancelled with a CancellationException all see that same exception", async () => {
		const N = 100_000;
		await t.runBlock(function* () {
			const ce = new CancellationException("shared");
			const started = CompletableDeferred<void>();
			let running = 0;
			let caught = 0;
			let same = 0;
			const parent = this.launch(function* () {
				for (let i = 0; i < N; i++) {
					this.launch(function* () {
						if (++running === N) started.complete();
						try {
							yield* awaitCancellation();
						} catch (e) {
							caught++;
							if (e === ce) same++;
							throw e;
						}
					});
				}
			});
			yield* started.await();
			parent.cancel(ce);
			yield* parent.join();
			expect([caught, same]).toEqual([N, N]);
		});
	});

	it("100,000 children of a parent cancelled with no cause share one JobCancellationException", async () => {
		const N = 100_000;
		await t.runBlock(function* () {
			const started = CompletableDeferred<void>();
			let running = 0;
			let first: unknown = null;
			let same = 0;
			const parent = this.launch(function* () {
				for (let i = 0; i < N; i++) {
					this.launch(function* () {
						if (++running === N) started.complete();
						try {
							yield* awaitCancellation();
						} catch (e) {
							if (first === null) first = e;
							if (e === first) same++;
							throw e;
						}
					});
				}
			});
			yield* started.await();
			yield* yieldNow();
			parent.cancel();
			yield* parent.join();
			expect(first).toBeInstanceOf(JobCancellationException);
			expect(same).toBe(N);
		});
	});

	it("100,000 siblings of a failing child share one stackless JobCancellationException caused by the failure", async () => {
		const N = 100_000;
		const boom = new Error("boom");
		const seen = new Set<unknown>();
		let withFrames = 0;
		await t.runBlock(
			function* () {
				for (let i = 0; i < N; i++) {
					this.launch(function* () {
						try {
							yield* awaitCancellation();
						} catch (e) {
							seen.add(e);
							if (((e as Error).stack ?? "").includes("\n    at "))
								withFrames++;
							throw e;
						}
					});
				}
				yield* yieldNow();
				this.launch(function* () {
					throw boom;
				});
			},
			{ expected: (e) => e === boom },
		);
		expect(seen.size).toBe(1);
		const [shared] = [...seen] as Error[];
		expect(String(shared)).toBe(
			"JobCancellationException: Parent job is Cancelling",
		);
		expect(shared?.cause).toBe(boom);
		expect(withFrames).toBe(0);
	});
});
