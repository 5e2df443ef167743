import { DebugProbes } from "kocoro/debug";
import { afterEach, beforeEach, it } from "vitest";
import { DEFAULT_SHAPE } from "./program.js";
import { forAllPrograms, RUNS, reportPrograms, violated } from "./support.js";

beforeEach(() => DebugProbes.install());
afterEach(() => DebugProbes.uninstall());

reportPrograms("nothing-left");

it(
	"no coroutine, timer or completion handler is left when the root is done",
	async () => {
		await forAllPrograms(DEFAULT_SHAPE, async (b) => {
			if (b.kocoro.runTestError !== null)
				violated(b, "runTest failed (an uncaught failure or coroutines left)");
			if (b.kocoro.unfinished.length > 0)
				violated(b, `jobs left unfinished: ${b.kocoro.unfinished.join(", ")}`);
			if (b.kocoro.pendingEvents !== 0)
				violated(
					b,
					`${b.kocoro.pendingEvents} task(s) or timer(s) left in the scheduler`,
				);
			for (const [name, count] of b.kocoro.completions) {
				if (count !== 1)
					violated(b, `${name}'s completion handler ran ${count} times`);
			}
			const dump = DebugProbes.dumpCoroutines();
			if (!dump.startsWith("Coroutines dump (0 live coroutines)"))
				violated(b, `DebugProbes still sees live coroutines:\n${dump}`);
		});
	},
	30_000 + RUNS * 40,
);
