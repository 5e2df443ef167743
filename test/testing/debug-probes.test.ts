import {
	awaitCancellation,
	awaitPromise,
	CoroutineName,
	CoroutineScope,
	coroutineScope,
	delay,
	IllegalStateException,
	type Job,
	SupervisorJob,
	yieldNow,
} from "kocoro";
import { DebugProbes } from "kocoro/debug";
import { StandardTestDispatcher, TestCoroutineScheduler } from "kocoro/test";
import { afterEach, describe, expect, it } from "vitest";

afterEach(() => {
	while (DebugProbes.isInstalled) DebugProbes.uninstall();
});

function manualScope() {
	const scheduler = new TestCoroutineScheduler();
	const supervisor = SupervisorJob();
	const scope = CoroutineScope(
		StandardTestDispatcher(scheduler).plus(supervisor),
	);
	return { scheduler, scope, supervisor };
}

/** The dump with ids replaced by `#`, so it can be compared exactly. */
function normalized(dump: string): string {
	return dump.replace(/@[0-9a-f]+/g, "@#");
}

describe("DebugProbes", () => {
	it("dumps the live job tree with names, states and what each waits on", () => {
		DebugProbes.install();
		const { scheduler, scope } = manualScope();
		let child: Job | null = null;
		const parent = scope.launch(CoroutineName("parent"), function* () {
			child = this.launch(CoroutineName("child"), function* () {
				yield* delay(1_000);
			});
			yield* coroutineScope(function* () {
				yield* child!.join();
			});
		});
		scheduler.advanceTimeBy(400);
		scope.async(CoroutineName("fresh"), function* () {
			yield* yieldNow();
		});
		const dump = DebugProbes.dumpCoroutines();
		const lines = normalized(dump)
			.split("\n")
			.filter((l) => !l.includes("created at"));
		expect(lines).toEqual([
			"Coroutines dump (4 live coroutines)",
			"- SupervisorJobImpl{Active}@#: waiting for its children",
			'  - "parent":StandaloneCoroutine{Active}@#: suspended on ScopeCoroutine "parent":ScopeCoroutine{Active}@#',
			'    - "child":StandaloneCoroutine{Active}@#: suspended on delay(600ms left)',
			`    - "parent":ScopeCoroutine{Active}@#: suspended on join of "child":StandaloneCoroutine{Active}@#`,
			'  - "fresh":DeferredCoroutine{Active}@#: queued to run',
		]);
		parent.cancel();
		scope.cancel();
		scheduler.advanceUntilIdle();
		expect(DebugProbes.dumpCoroutines()).toBe(
			"Coroutines dump (0 live coroutines)",
		);
	});

	it("names what each coroutine waits on: await of which deferred, a promise, a delay's time left", () => {
		DebugProbes.install();
		const { scheduler, scope } = manualScope();
		const answer = scope.async(CoroutineName("answer"), function* () {
			yield* delay(250);
			return 42;
		});
		scope.launch(CoroutineName("asker"), function* () {
			yield* answer.await();
		});
		scope.launch(CoroutineName("fetcher"), function* () {
			yield* awaitPromise(new Promise<never>(() => {}));
		});
		scope.launch(CoroutineName("aborter"), function* () {
			yield* awaitPromise(() => new Promise<never>(() => {}));
		});
		scope.launch(CoroutineName("waiter"), function* () {
			yield* awaitCancellation();
		});
		scope.launch(CoroutineName("sleeper"), function* () {
			yield* delay(Number.POSITIVE_INFINITY);
		});
		scheduler.advanceTimeBy(100);
		const lines = normalized(DebugProbes.dumpCoroutines())
			.split("\n")
			.filter((l) => !l.includes("created at"));
		expect(lines).toEqual([
			"Coroutines dump (6 live coroutines)",
			"- SupervisorJobImpl{Active}@#: waiting for its children",
			'  - "answer":DeferredCoroutine{Active}@#: suspended on delay(150ms left)',
			'  - "asker":StandaloneCoroutine{Active}@#: suspended on await of "answer":DeferredCoroutine{Active}@#',
			'  - "fetcher":StandaloneCoroutine{Active}@#: suspended on awaitPromise (a promise)',
			'  - "aborter":StandaloneCoroutine{Active}@#: suspended on awaitPromise (a promise started with an AbortSignal)',
			'  - "waiter":StandaloneCoroutine{Active}@#: suspended on awaitCancellation()',
			'  - "sleeper":StandaloneCoroutine{Active}@#: suspended on delay(Infinity)',
		]);
		scope.cancel();
		scheduler.advanceUntilIdle();
		expect(DebugProbes.dumpCoroutines()).toBe(
			"Coroutines dump (0 live coroutines)",
		);
	});

	it("records creation sites while installed, in the dump", () => {
		DebugProbes.install();
		const { scheduler, scope } = manualScope();
		scope.launch(CoroutineName("traced"), function* () {
			yield* delay(10);
		});
		const dump = DebugProbes.dumpCoroutines();
		expect(dump).toMatch(
			/"traced":StandaloneCoroutine\{Active\}@[0-9a-f]+: queued to run\n {6}created at .*debug-probes\.test\.ts:\d+:\d+/,
		);
		expect(dump).not.toMatch(/src\/(coroutine|scope|job)\//);
		scheduler.advanceUntilIdle();
	});

	it("records no creation sites once uninstalled, and jobToString works without install", () => {
		DebugProbes.install();
		DebugProbes.uninstall();
		expect(DebugProbes.isInstalled).toBe(false);
		const { scheduler, scope } = manualScope();
		const job = scope.launch(CoroutineName("plain"), function* () {
			yield* delay(10);
		});
		scheduler.runCurrent();
		expect(normalized(DebugProbes.jobToString(job))).toBe(
			'- "plain":StandaloneCoroutine{Active}@#: suspended on delay(10ms left)',
		);
		scheduler.advanceUntilIdle();
		expect(normalized(DebugProbes.jobToString(job))).toBe(
			'- "plain":StandaloneCoroutine{Completed}@#',
		);
	});

	it("nests install and uninstall; refuses to dump or uninstall when not installed", () => {
		expect(() => DebugProbes.dumpCoroutines()).toThrow(IllegalStateException);
		expect(() => DebugProbes.uninstall()).toThrow(
			"DebugProbes.uninstall(): DebugProbes are not installed; call DebugProbes.install() before the coroutines you want to see are created",
		);
		DebugProbes.install();
		DebugProbes.install();
		DebugProbes.uninstall();
		expect(DebugProbes.isInstalled).toBe(true);
		DebugProbes.uninstall();
		expect(DebugProbes.isInstalled).toBe(false);
	});

	it("only coroutines created while installed are tracked", () => {
		const { scheduler, scope } = manualScope();
		scope.launch(CoroutineName("before"), function* () {
			yield* delay(10);
		});
		DebugProbes.install();
		scope.launch(CoroutineName("after"), function* () {
			yield* delay(10);
		});
		scheduler.runCurrent();
		const dump = normalized(DebugProbes.dumpCoroutines());
		// The tree is shown from its top, so "before" appears as a sibling, without a creation site.
		expect(dump.split("\n")[0]).toBe("Coroutines dump (1 live coroutine)");
		expect(dump).toContain(
			'  - "before":StandaloneCoroutine{Active}@#: suspended on delay(10ms left)',
		);
		scheduler.advanceUntilIdle();
	});
});
