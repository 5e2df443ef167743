import fc from "fast-check";
import { it } from "vitest";
import {
	type MutexStep,
	mutexModel,
	mutexSteps,
	mutexSubject,
} from "./mutex-model.js";
import {
	expectLinearizable,
	handOffScenarios,
	RUNS,
	reportChecked,
	scenarios,
} from "./scenario.js";

reportChecked("Mutex");

it(
	"every history of lock/tryLock/unlock by 2-4 coroutines, some cancelled, is linearizable against a fair mutex (FIFO hand-off, no barging, no leaked lock)",
	async () => {
		await fc.assert(
			fc.asyncProperty(scenarios(mutexSteps), (s) =>
				expectLinearizable(s, mutexSubject, mutexModel()),
			),
			{ numRuns: RUNS },
		);
	},
	30_000 + RUNS * 30,
);

it(
	"histories where each coroutine locks, unlocks and cancels another (often a waiter just handed the lock) are linearizable: the lock is passed on, never leaked",
	async () => {
		await fc.assert(
			fc.asyncProperty(handOffScenarios<MutexStep>("lock", "unlock"), (s) =>
				expectLinearizable(s, mutexSubject, mutexModel()),
			),
			{ numRuns: RUNS },
		);
	},
	30_000 + RUNS * 30,
);
