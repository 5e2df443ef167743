import { it } from "vitest";
import { DEFAULT_SHAPE } from "./program.js";
import {
	doneRecords,
	expectModelAgrees,
	expectRunTestPassed,
	forAllPrograms,
	parseTrace,
	RUNS,
	reportPrograms,
	staticJobs,
	violated,
} from "./support.js";

const STATE = /^(ok|CE|TCE|E:e\d+(\[e\d+(,e\d+)*\])?)$/;

reportPrograms("final-states");

it(
	"every coroutine ends in exactly one final state, and a parent ends after all its children (S1, P2)",
	async () => {
		await forAllPrograms(DEFAULT_SHAPE, async (b) => {
			const { program: p } = b;
			expectRunTestPassed(b);
			const done = doneRecords(parseTrace(b.kocoro.trace));
			for (const [name, count] of b.kocoro.completions) {
				if (count !== 1)
					violated(b, `${name}'s completion handler ran ${count} times`);
			}
			for (const [name, list] of done) {
				if (list.length !== 1)
					violated(b, `${name} reached a final state ${list.length} times`);
				if (!STATE.test(list[0]!.state))
					violated(b, `${name} ended in ${list[0]!.state}`);
			}
			for (const job of staticJobs(p).values()) {
				const mine = done.get(job.name)?.[0];
				const parent =
					job.parent === null ? undefined : done.get(job.parent)?.[0];
				if (mine !== undefined && parent !== undefined) {
					if (parent.index < mine.index)
						violated(b, `${job.parent} completed before its child ${job.name}`);
				}
			}
			expectModelAgrees(b, "final states", (r) => r.what.startsWith("done "));
		});
	},
	30_000 + RUNS * 20,
);
