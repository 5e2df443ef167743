import { it } from "vitest";
import { runOnKocoro } from "./interpreter.js";
import { DEFAULT_SHAPE } from "./program.js";
import {
	countRun,
	forAllPrograms,
	RUNS,
	reportPrograms,
	violated,
} from "./support.js";

reportPrograms("determinism");

it(
	"the same seed gives the same trace, and it is the model's trace",
	async () => {
		await forAllPrograms(DEFAULT_SHAPE, async (b) => {
			const { program: p, seed } = b;
			const again = await runOnKocoro(p, seed);
			countRun(again.trace);
			if (again.trace.join("\n") !== b.kocoro.trace.join("\n"))
				violated(
					{ ...b, model: { ...b.model, trace: again.trace } },
					"two runs with the same seed gave different traces (right column: the second run)",
				);
			if (b.kocoro.trace.join("\n") !== b.model.trace.join("\n"))
				violated(b, "kocoro's trace differs from the model's");
		});
	},
	30_000 + RUNS * 40,
);
