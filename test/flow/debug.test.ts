import {
	asFlow,
	CoroutineName,
	CoroutineScope,
	delay,
	flow,
	flowOf,
	SupervisorJob,
} from "kocoro";
import { DebugProbes } from "kocoro/debug";
import { StandardTestDispatcher, TestCoroutineScheduler } from "kocoro/test";
import { afterEach, expect as assert, describe, it } from "vitest";

afterEach(() => {
	while (DebugProbes.isInstalled) DebugProbes.uninstall();
});

describe("kocoro/debug names the flow operator a coroutine waits in", () => {
	it("asFlow of an async iterable and flatMapMerge's bound", () => {
		DebugProbes.install();
		const scheduler = new TestCoroutineScheduler();
		const scope = CoroutineScope(
			StandardTestDispatcher(scheduler).plus(SupervisorJob()),
		);
		const pending: AsyncIterable<number> = {
			[Symbol.asyncIterator]: () => ({
				next: () => new Promise<IteratorResult<number>>(() => {}),
			}),
		};
		const a = scope.launch(CoroutineName("reader"), function* () {
			yield* asFlow(pending).collect();
		});
		const b = scope.launch(CoroutineName("merger"), function* () {
			yield* flowOf(1, 2, 3)
				.flatMapMerge(2, (i) =>
					flow<number>(function* () {
						yield* delay(1000);
						yield* this.emit(i);
					}),
				)
				.collect();
		});
		scheduler.runCurrent();
		scheduler.advanceTimeBy(10);
		const dump = DebugProbes.dumpCoroutines();
		assert(dump).toContain("Flow.asFlow (next value of an async iterable)");
		assert(dump).toContain(
			"Flow.flatMapMerge (waiting for a free inner collection)",
		);
		assert(dump).toMatch(/"reader"/);
		assert(dump).toMatch(/"merger"/);
		a.cancel();
		b.cancel();
		scheduler.advanceUntilIdle();
	});
});
