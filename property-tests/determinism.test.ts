import fc from "fast-check";
import { it } from "vitest";
import { runOnKocoro } from "./interpreter.js";
import { DEFAULT_SHAPE, programs } from "./program.js";
import {
	countRun,
	RUNS,
	reportPrograms,
	runBoth,
	seedOrFifo,
	violated,
} from "./support.js";

reportPrograms("determinism");

it(
	"the same seed gives the same trace, and it is the model's trace",
	async () => {
		await fc.assert(
			fc.asyncProperty(programs(DEFAULT_SHAPE), seedOrFifo, async (p, seed) => {
				const b = await runBoth(p, seed);
				const again = await runOnKocoro(p, seed);
				countRun(again.trace);
				if (again.trace.join("\n") !== b.kocoro.trace.join("\n"))
					violated(
						{ ...b, model: { ...b.model, trace: again.trace } },
						"two runs with the same seed gave different traces (right column: the second run)",
					);
				if (b.kocoro.trace.join("\n") !== b.model.trace.join("\n"))
					violated(b, "kocoro's trace differs from the model's");
			}),
			{ numRuns: RUNS },
		);
	},
	30_000 + RUNS * 40,
);
