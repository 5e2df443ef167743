import { it } from "vitest";
import { DEFAULT_SHAPE } from "./program.js";
import {
	expectModelAgrees,
	forAllPrograms,
	isFailure,
	RUNS,
	readPassedRun,
	reportPrograms,
	violated,
} from "./support.js";

reportPrograms("failure-propagation");

it(
	"a failure cancels the parent and all siblings, except under a supervisor (P6, P7, V1, E6)",
	async () => {
		const shape = {
			...DEFAULT_SHAPE,
			throws: 2,
			supervisors: 5,
			cancels: 1,
			groups: 3,
		};
		await forAllPrograms(shape, async (b) => {
			const { trace, done, jobs } = readPassedRun(b);
			const uncaught = trace.filter((r) => r.who === "uncaught");
			for (const child of jobs.values()) {
				const d = done.get(child.name)?.[0];
				if (d === undefined || !isFailure(d.state)) continue;
				if (child.kind !== "launch" && child.kind !== "async") continue;
				const parent = jobs.get(child.parent!)!;
				const reported = uncaught.filter((r) =>
					r.what.endsWith(`from ${child.name}`),
				);
				if (parent.kind === "supervisorScope") {
					const expected = child.kind === "launch" ? 1 : 0;
					if (reported.length !== expected)
						violated(
							b,
							`${child.kind} ${child.name} failed under a supervisor: expected ${expected} report(s) to the exception handler, got ${reported.length}`,
						);
					continue;
				}
				if (reported.length > 0)
					violated(
						b,
						`${child.name}'s failure reached the handler although its parent handles it`,
					);
				const pd = done.get(parent.name)?.[0];
				if (pd !== undefined && !isFailure(pd.state))
					violated(
						b,
						`${child.name} failed but its parent ${parent.name} ended ${pd.state}`,
					);
				for (const sibling of jobs.values()) {
					if (sibling.parent !== parent.name || sibling === child) continue;
					const sd = done.get(sibling.name)?.[0];
					if (sd !== undefined && sd.index > d.index && sd.state === "ok")
						violated(
							b,
							`${sibling.name} completed normally after its sibling ${child.name} failed`,
						);
				}
			}
			expectModelAgrees(
				b,
				"final states and handler reports",
				(r) => r.what.startsWith("done ") || r.who === "uncaught",
			);
		});
	},
	30_000 + RUNS * 20,
);
