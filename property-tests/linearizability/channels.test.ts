import fc from "fast-check";
import { describe, it } from "vitest";
import {
	CHANNEL_KINDS,
	channelModel,
	channelSteps,
	channelSubject,
} from "./channel-model.js";
import {
	expectLinearizable,
	RUNS,
	reportChecked,
	scenarios,
} from "./scenario.js";

reportChecked("channels");

describe("channel histories are linearizable (elements neither lost nor duplicated, FIFO, undelivered elements accounted for)", () => {
	for (const kind of CHANNEL_KINDS) {
		it(
			`${kind.name}: send/trySend/receive/tryReceive/receiveCatching/close/cancel by 2-4 coroutines, some cancelled`,
			async () => {
				await fc.assert(
					fc.asyncProperty(scenarios(channelSteps), (s) =>
						expectLinearizable(s, channelSubject(kind), channelModel(kind)),
					),
					{ numRuns: RUNS },
				);
			},
			30_000 + RUNS * 40,
		);
	}
});
