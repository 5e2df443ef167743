import fc from "fast-check";
import { it } from "vitest";
import {
	expectLinearizable,
	handOffScenarios,
	RUNS,
	reportChecked,
	scenarios,
} from "./scenario.js";
import {
	type SemaphoreStep,
	semaphoreModel,
	semaphoreSteps,
	semaphoreSubject,
} from "./semaphore-model.js";

reportChecked("Semaphore");

it(
	"every history of acquire/tryAcquire/release by 2-4 coroutines, some cancelled, is linearizable against a fair semaphore (FIFO hand-off, permits conserved)",
	async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 2 }),
				scenarios(semaphoreSteps),
				(permits, s) =>
					expectLinearizable(
						s,
						semaphoreSubject(permits),
						semaphoreModel(permits),
					),
			),
			{ numRuns: RUNS },
		);
	},
	30_000 + RUNS * 30,
);

it(
	"histories where each coroutine acquires, releases and cancels another (often a waiter just handed a permit) are linearizable: permits are passed on, never lost",
	async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.integer({ min: 1, max: 2 }),
				handOffScenarios<SemaphoreStep>("acquire", "release"),
				(permits, s) =>
					expectLinearizable(
						s,
						semaphoreSubject(permits),
						semaphoreModel(permits),
					),
			),
			{ numRuns: RUNS },
		);
	},
	30_000 + RUNS * 30,
);
