import fc from "fast-check";
import { describe, it } from "vitest";
import {
	CHANNEL_KINDS,
	type ChannelStep,
	channelModel,
	channelSteps,
	channelSubject,
} from "./channel-model.js";
import {
	expectLinearizable,
	handOffScenarios,
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

describe("channel hand-offs with cancellation are linearizable (an element handed to a receiver cancelled before it ran is undelivered, never lost)", () => {
	const sendOrReceive = fc.constantFrom<ChannelStep>("send", "receive");
	for (const kind of CHANNEL_KINDS.filter((k) =>
		["RENDEZVOUS", "Channel(1)", "CONFLATED"].includes(k.name),
	)) {
		it(
			`${kind.name}: each coroutine sends or receives twice and cancels another right after`,
			async () => {
				await fc.assert(
					fc.asyncProperty(
						handOffScenarios(sendOrReceive, sendOrReceive),
						(s) =>
							expectLinearizable(s, channelSubject(kind), channelModel(kind)),
					),
					{ numRuns: RUNS },
				);
			},
			30_000 + RUNS * 40,
		);
	}
});
