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

reportPrograms("timeouts");

it(
	"withTimeout cancels only its block; withTimeoutOrNull returns null only for its own timeout (T1, T3)",
	async () => {
		const shape = {
			...DEFAULT_SHAPE,
			throws: 0,
			cancels: 0,
			timeouts: 5,
			nonCancellable: 1,
		};
		await forAllPrograms(shape, async (b) => {
			const { trace, done, jobs } = readPassedRun(b);
			const timedOut = new Set<string>();
			for (const [name, list] of done) {
				if (
					jobs.get(name)?.kind.startsWith("withTimeout") &&
					list[0]!.state === "TCE"
				)
					timedOut.add(name);
			}
			// A job ends cancelled only inside a timed-out block, or under a job whose body
			// ended with the TimeoutCancellationException withTimeout rethrew (T1).
			const exitedCancelled = new Set(
				trace
					.filter((r) => r.what === "exit CE" || r.what === "exit TCE")
					.map((r) => r.who),
			);
			for (const [name, list] of done) {
				if (list[0]!.state === "ok") continue;
				const explained = ancestry(jobs, name).some(
					(a) => timedOut.has(a) || exitedCancelled.has(a),
				);
				if (!explained)
					violated(
						b,
						`${name} ended ${list[0]!.state} outside every timed-out block`,
					);
			}
			for (const r of trace) {
				const m = /^(s\d+) -> null$/.exec(r.what);
				if (m === null) continue;
				const scope = m[1]!;
				if (jobs.get(scope)?.kind !== "withTimeoutOrNull")
					violated(b, `${scope} returned null but is not a withTimeoutOrNull`);
				if (done.get(scope)?.[0]?.state !== "TCE")
					violated(b, `${scope} returned null but its block did not time out`);
			}
			expectModelAgrees(
				b,
				"timeout outcomes and final states",
				(r) => /^s\d+ -> /.test(r.what) || r.what.startsWith("done "),
			);
		});
	},
	30_000 + RUNS * 20,
);
