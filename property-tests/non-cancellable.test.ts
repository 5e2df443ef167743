import { it } from "vitest";
import { DEFAULT_SHAPE } from "./program.js";
import {
	expectModelAgrees,
	forAllPrograms,
	RUNS,
	readPassedRun,
	reportPrograms,
	violated,
} from "./support.js";

reportPrograms("non-cancellable");

it(
	"NonCancellable blocks run to the end even when the caller is cancelled (N2, C8)",
	async () => {
		const shape = {
			...DEFAULT_SHAPE,
			nonCancellable: 6,
			cancels: 4,
			throws: 1,
			cleanups: 2,
		};
		await forAllPrograms(shape, async (b) => {
			const { trace, done, jobs } = readPassedRun(b);
			for (const job of jobs.values()) {
				const d = done.get(job.name)?.[0];
				if (job.kind === "cleanup" && d !== undefined && d.state !== "ok")
					violated(b, `the cleanup ${job.name} ended ${d.state}`);
				if (
					job.kind === "nonCancellable" &&
					(d?.state === "CE" || d?.state === "TCE")
				) {
					const fromInside = trace.some(
						(r) =>
							r.who === job.name &&
							/^(await c\d+|s\d+) -> (CE|TCE)$/.test(r.what),
					);
					if (!fromInside)
						violated(
							b,
							`the NonCancellable block ${job.name} was cancelled from outside`,
						);
				}
				if (job.cleanup === null) continue;
				const fin = trace.find(
					(r) => r.who === job.name && r.what === "finally",
				);
				if (fin === undefined) continue;
				const cleaned = trace.find(
					(r) => r.who === job.name && r.what === "cleaned",
				);
				if (cleaned === undefined || cleaned.index < fin.index)
					violated(b, `${job.name}'s NonCancellable cleanup did not finish`);
				if (cleaned.time !== fin.time + job.cleanup)
					violated(
						b,
						`${job.name}'s cleanup delay of ${job.cleanup} ms took ${cleaned.time - fin.time} ms`,
					);
			}
			expectModelAgrees(
				b,
				"cleanups and NonCancellable blocks",
				(r) =>
					r.what === "cleaned" ||
					/^s\d+ -> /.test(r.what) ||
					(r.what.startsWith("done ") &&
						jobs.get(r.who)?.kind === "nonCancellable"),
			);
		});
	},
	30_000 + RUNS * 20,
);
