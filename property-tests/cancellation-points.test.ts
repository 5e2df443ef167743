import fc from "fast-check";
import { checkCancellationPoints } from "kocoro/test";
import { cancellationPoints, seeds } from "kocoro/test/arbitraries";
import { it } from "vitest";
import { programBlock } from "./interpreter.js";
import { DEFAULT_SHAPE, programs, showProgram } from "./program.js";
import {
	countProgram,
	countRun,
	parseTrace,
	RUNS,
	reportPrograms,
	staticJobs,
} from "./support.js";

reportPrograms("cancellation-points");

it(
	"a program cancelled at any suspension point (or failing beside it) runs every finally once, finishes every cleanup and leaves nothing",
	async () => {
		await fc.assert(
			fc.asyncProperty(
				programs(DEFAULT_SHAPE),
				seeds(),
				cancellationPoints(),
				async (p, seed, { point, mode }) => {
					countProgram(seed);
					const { block, lastRun } = programBlock(p);
					const jobs = staticJobs(p);
					const fail = (rule: string, trace: readonly string[]): never => {
						throw new Error(
							`${rule}\n${showProgram(p)}\nseed ${seed}, point ${point}, ${mode}\n${trace.join("\n")}`,
						);
					};
					await checkCancellationPoints(
						block,
						() => {
							const run = lastRun();
							countRun(run.trace);
							if (run.unfinished.length > 0)
								fail(
									`left unfinished: ${run.unfinished.join(", ")}`,
									run.trace,
								);
							for (const [name, n] of run.completions) {
								if (n !== 1) fail(`${name} completed ${n} times`, run.trace);
							}
							const trace = parseTrace(run.trace);
							const started = trace.filter((r) => r.what === "start");
							for (const s of started) {
								const finallies = trace.filter(
									(r) => r.who === s.who && r.what === "finally",
								);
								if (finallies.length !== 1)
									fail(
										`${s.who}'s finally ran ${finallies.length} times`,
										run.trace,
									);
								const cleanup = jobs.get(s.who)?.cleanup ?? null;
								if (cleanup === null) continue;
								const cleaned = trace.find(
									(r) => r.who === s.who && r.what === "cleaned",
								);
								if (cleaned?.time !== finallies[0]!.time + cleanup)
									fail(`${s.who}'s cleanup did not run to its end`, run.trace);
							}
						},
						{ seed, only: point, modes: [mode], timeout: 5_000 },
					);
				},
			),
			{ numRuns: RUNS },
		);
	},
	30_000 + RUNS * 40,
);
