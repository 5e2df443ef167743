import { it } from "vitest";
import { DEFAULT_SHAPE } from "./program.js";
import {
	ancestry,
	expectModelAgrees,
	forAllPrograms,
	RUNS,
	readPassedRun,
	reportPrograms,
	violated,
} from "./support.js";

reportPrograms("cancellation");

it(
	"cancelling a job cancels every descendant, and every finally runs exactly once (P5, C2)",
	async () => {
		const shape = { ...DEFAULT_SHAPE, cancels: 5, throws: 0 };
		await forAllPrograms(shape, async (b) => {
			const { trace, done, jobs } = readPassedRun(b);
			for (const r of trace) {
				const m = /^cancel (c\d+)$/.exec(r.what);
				if (m === null) continue;
				const target = m[1]!;
				for (const job of jobs.values()) {
					if (!ancestry(jobs, job.name).includes(target)) continue;
					const d = done.get(job.name)?.[0];
					if (d !== undefined && d.index > r.index && d.state === "ok") {
						violated(
							b,
							`${job.name} completed normally after its ancestor ${target} was cancelled (record ${r.index})`,
						);
					}
				}
			}
			const starts = new Map<string, number>();
			for (const r of trace) {
				if (r.what === "start") starts.set(r.who, (starts.get(r.who) ?? 0) + 1);
				if (r.what === "finally") {
					const n = starts.get(r.who) ?? 0;
					if (n !== 1)
						violated(b, `${r.who}'s finally ran without exactly one start`);
					starts.set(r.who, -1);
				}
			}
			for (const [who, n] of starts) {
				if (n !== -1) violated(b, `${who} started but its finally never ran`);
			}
			expectModelAgrees(
				b,
				"starts, exits and finally blocks",
				(r) =>
					r.what === "start" ||
					r.what === "finally" ||
					r.what.startsWith("exit "),
			);
		});
	},
	30_000 + RUNS * 20,
);
