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

reportPrograms("cancellation-exception");

it(
	"a CancellationException never cancels a parent; join, await and scopes see what the model says (P7, C6, C9, C10, E8)",
	async () => {
		const shape = { ...DEFAULT_SHAPE, throws: 0, cancels: 4, timeouts: 1 };
		await forAllPrograms(shape, async (b) => {
			const { trace, done, jobs } = readPassedRun(b);
			const sources = new Set<string>();
			for (const r of trace) {
				const m = /^(?:cancel|cancelAndJoin) (c\d+)(?: -> \S+)?$/.exec(r.what);
				if (m !== null) sources.add(m[1]!);
			}
			for (const [name, list] of done) {
				const job = jobs.get(name);
				if (job?.kind.startsWith("withTimeout") && list[0]!.state === "TCE")
					sources.add(name);
			}
			const exitedCancelled = new Set(
				trace
					.filter((r) => r.what === "exit CE" || r.what === "exit TCE")
					.map((r) => r.who),
			);
			for (const [name, list] of done) {
				const state = list[0]!.state;
				if (state === "ok") continue;
				if (state !== "CE" && state !== "TCE")
					violated(b, `${name} ended ${state} in a program without failures`);
				// Cancelled, or under a cancelled job: by `cancel`, by its own timeout, or by
				// a body ending with a CancellationException (it got one from an await or a
				// scope, and cancelling flows down from there).
				const explained = ancestry(jobs, name).some(
					(a) => sources.has(a) || exitedCancelled.has(a),
				);
				if (!explained)
					violated(
						b,
						`${name} ended cancelled although nothing cancelled it or an ancestor (no cancel, no timeout, no body ending with a CancellationException): a child's CancellationException cancelled it`,
					);
			}
			expectModelAgrees(
				b,
				"outcomes seen by join, await and scoped builders",
				(r) =>
					/^(join|await) /.test(r.what) ||
					/^(s\d+|root) -> /.test(r.what) ||
					r.what.startsWith("caught "),
			);
		});
	},
	30_000 + RUNS * 20,
);
