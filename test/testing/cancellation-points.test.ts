import {
	CancellationException,
	CoroutineName,
	delay,
	NonCancellable,
	withContext,
	yieldNow,
} from "kocoro";
import {
	type CancellationPointRun,
	checkCancellationPoints,
} from "kocoro/test";
import { describe, expect, it } from "vitest";

describe("checkCancellationPoints", () => {
	it("counts the block's start and each resumption, and cancels at each in turn", async () => {
		const runs: string[] = [];
		let log: string[] = [];
		const report = await checkCancellationPoints(
			function* () {
				log.push("a");
				yield* delay(1);
				log.push("b");
				yield* delay(1);
				log.push("c");
				yield* yieldNow();
				log.push("d");
				return "done";
			},
			(run) => {
				const outcome =
					run.result.status === "completed"
						? String(run.result.value)
						: run.result.status;
				runs.push(
					`${run.point}/${run.points} ${run.mode} ${outcome} [${log.join("")}]`,
				);
				log = [];
			},
		);
		expect(report).toEqual({ points: 4, runs: 5 });
		expect(runs).toEqual([
			"0/4 none done [abcd]",
			"1/4 cancel cancelled []",
			"2/4 cancel cancelled [a]",
			"3/4 cancel cancelled [ab]",
			"4/4 cancel cancelled [abc]",
		]);
	});

	it("in failSibling mode, the block sees a CancellationException caused by the sibling's failure", async () => {
		const causes: string[] = [];
		await checkCancellationPoints(
			function* () {
				yield* delay(5);
				yield* delay(5);
			},
			(run) => {
				if (run.result.status !== "cancelled") return;
				causes.push(
					`${run.point} ${run.mode} ${String(run.result.exception.cause)}`,
				);
			},
			{ modes: ["failSibling"] },
		);
		expect(causes).toEqual([
			"1 failSibling SiblingFailure: a sibling failed at cancellation point 1",
			"2 failSibling SiblingFailure: a sibling failed at cancellation point 2",
			"3 failSibling SiblingFailure: a sibling failed at cancellation point 3",
		]);
	});

	it("counts the points of launched children too, and names the coroutine at each point", async () => {
		const at: string[] = [];
		const report = await checkCancellationPoints(
			function* () {
				this.launch(CoroutineName("child"), function* () {
					yield* delay(1);
				});
				yield* delay(2);
			},
			(run) => {
				at.push(run.at.replace(/@[0-9a-f]+$/, ""));
			},
		);
		expect(report.points).toBe(4);
		expect(at).toEqual([
			"",
			"DeferredCoroutine",
			'"child":StandaloneCoroutine',
			'"child":StandaloneCoroutine',
			"DeferredCoroutine",
		]);
	});

	it("reports the first point where the check fails", async () => {
		let held = 0;
		const acquire = function* () {
			yield* delay(1);
			held++;
		};
		const leaky = function* () {
			yield* acquire();
			yield* delay(10); // no try/finally: a cancellation here leaks
			held--;
		};
		await expect(
			checkCancellationPoints(leaky, () => {
				expect(held).toBe(0);
			}),
		).rejects.toThrow(
			/^checkCancellationPoints: cancellation point 3 of 3 \(cancel\) \(resuming DeferredCoroutine@[0-9a-f]+\): the check failed: AssertionError: expected 1 to be \+0/,
		);
	});

	it("passes for cleanup in finally, including cleanup that suspends under NonCancellable", async () => {
		let held = 0;
		const seen: CancellationPointRun<void>["result"]["status"][] = [];
		const report = await checkCancellationPoints(
			function* () {
				yield* delay(1);
				held++;
				try {
					yield* delay(10);
					yield* yieldNow();
				} finally {
					yield* withContext(NonCancellable, function* () {
						yield* delay(3);
					});
					held--;
				}
			},
			(run) => {
				seen.push(run.result.status);
				expect(held).toBe(0);
				if (run.result.status === "cancelled")
					expect(run.result.exception).toBeInstanceOf(CancellationException);
			},
			{ modes: ["cancel", "failSibling"], seed: 11 },
		);
		expect(report).toEqual({ points: 5, runs: 11 });
		expect(seen).toEqual([
			"completed",
			...Array.from({ length: 10 }, () => "cancelled"),
		]);
	});

	it("with `only`, tries one point, taken modulo the count", async () => {
		const points: number[] = [];
		const report = await checkCancellationPoints(
			function* () {
				yield* delay(1);
				yield* delay(1);
			},
			(run) => {
				points.push(run.point);
			},
			{ only: 7 },
		);
		expect(report).toEqual({ points: 3, runs: 2 });
		expect(points).toEqual([0, 2]);
	});

	it("a failure of the block reaches the check as a failed result", async () => {
		const results: string[] = [];
		await checkCancellationPoints(
			function* () {
				yield* delay(1);
				throw new Error("broken");
			},
			(run) => {
				results.push(
					run.result.status === "failed"
						? `failed: ${run.result.exception.message}`
						: run.result.status,
				);
			},
		);
		expect(results).toEqual(["failed: broken", "cancelled", "cancelled"]);
	});

	it("rejects bad options", async () => {
		await expect(
			checkCancellationPoints(
				function* () {},
				() => {},
				{
					modes: ["explode" as "cancel"],
				},
			),
		).rejects.toThrow(
			'checkCancellationPoints: mode must be "cancel" or "failSibling", got explode',
		);
		await expect(
			checkCancellationPoints(
				function* () {},
				() => {},
				{ only: -1 },
			),
		).rejects.toThrow(RangeError);
	});
});
