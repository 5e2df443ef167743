/**
 * Cancellation-point injection: run a block once to count its suspension points, then once per
 * point, cancelling it right there, and check after every run that it cleaned up.
 *
 * What counts as a suspension point: every task the block's coroutines hand to their dispatcher.
 * The block runs in its own coroutine on a counting test dispatcher, inherited by everything it
 * launches, so the points are: the start of the block and of each coroutine it launches, and
 * each resumption after a suspension (`delay`, `yieldNow`, `join`, `await`, a scope waiting for
 * its children, `awaitPromise`, `suspendCancellableCoroutine`). A suspension that needs no
 * dispatch is no point: a `delay(0)`, an `await` of a completed deferred, a scope whose block
 * finishes last (it returns in the same frame). Coroutines the block starts on other dispatchers
 * (`withContext(Dispatchers.Default, ...)`) or in other scopes (`backgroundScope`) are not counted.
 *
 * Injection at point k: right before the k-th task runs, the block's coroutine is cancelled
 * (`"cancel"`), or a sibling of it fails (`"failSibling"`: its parent scope fails with a
 * `SiblingFailure` and cancels the block). The task then runs and, as a resumption of a
 * cancelled coroutine, throws the `CancellationException` at that very suspension point (the
 * start of a coroutine cancelled before it ran never runs its body). Runs use one `seed`, so
 * every run reaches the same points in the same order until the injection.
 */
import type { CoroutineContext } from "../context/coroutine-context.js";
import { AbstractCoroutine } from "../coroutine/abstract-coroutine.js";
import { checkBlock } from "../coroutine/coroutine.js";
import { DISPATCH_TASK } from "../dispatchers/coroutine-dispatcher.js";
import type { Task } from "../dispatchers/task.js";
import {
	type CancellationException,
	isCancellation,
} from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import { type CompletableJob, type Deferred, Job } from "../job/job.js";
import { JobKey } from "../job/job-key.js";
import { coroutineScope } from "../scope/scoping-functions.js";
import { checkOptions } from "./check-options.js";
import { jobLabel, type RunTestOptions, runTest } from "./run-test.js";
import type { TestCoroutineScheduler } from "./test-coroutine-scheduler.js";
import { TestDispatcher } from "./test-dispatchers.js";
import { type TestScope, TestScopeImpl } from "./test-scope.js";

/**
 * How a point is injected: cancel the block, or fail a sibling of it (which cancels it).
 *
 * @example
 * const modes: CancellationPointMode[] = ["cancel", "failSibling"];
 * await checkCancellationPoints(function* () { yield* pool.use(work); }, () => expect(pool.inUse).toBe(0), { modes });
 */
export type CancellationPointMode = "cancel" | "failSibling";

/**
 * Options of {@link checkCancellationPoints}.
 *
 * @example
 * const options: CancellationPointOptions = { modes: ["failSibling"], only: 3, seed: 7 };
 * await checkCancellationPoints(function* () { yield* pool.use(work); }, () => expect(pool.inUse).toBe(0), options);
 */
export interface CancellationPointOptions extends RunTestOptions {
	/** Which injections to try at each point (default `["cancel"]`). */
	modes?: readonly CancellationPointMode[];
	/**
	 * Try a single point instead of all: any integer >= 0, taken modulo the number of points
	 * (so a fast-check `fc.nat()` can pick it).
	 */
	only?: number;
}

/**
 * What one run did, given to the check.
 *
 * @example
 * await checkCancellationPoints(
 *   function* () { return yield* loadA(); },
 *   (run: CancellationPointRun<number>) => {
 *     if (run.result.status === "failed") throw new Error(`failed at point ${run.point} of ${run.points} (${run.at})`);
 *   },
 * );
 */
export interface CancellationPointRun<T> {
	/** The point injected at (1-based); 0 for the first run, which injects nothing. */
	readonly point: number;
	/** How many points the first run counted. */
	readonly points: number;
	/** The injection of this run; `"none"` for the first run. */
	readonly mode: CancellationPointMode | "none";
	/** The coroutine whose task was the injected point (`""` for the first run). */
	readonly at: string;
	/** How the block ended. */
	readonly result:
		| { readonly status: "completed"; readonly value: T }
		| {
				readonly status: "cancelled";
				readonly exception: CancellationException;
		  }
		| { readonly status: "failed"; readonly exception: Error };
}

/**
 * What {@link checkCancellationPoints} did.
 *
 * @example
 * const report: CancellationPointsReport = await checkCancellationPoints(function* () { yield* work(); }, () => {});
 * console.log(`${report.points} points, ${report.runs} runs`);
 */
export interface CancellationPointsReport {
	/** Suspension points counted in the first run. */
	readonly points: number;
	/** Runs made, the first one included. */
	readonly runs: number;
}

/** The failure injected by the `"failSibling"` mode. */
class SiblingFailure extends Error {
	constructor(point: number) {
		super(`a sibling failed at cancellation point ${point}`);
		this.name = "SiblingFailure";
	}
}

/** A test dispatcher that counts the tasks it is given and injects at the k-th one. */
class CountingDispatcher extends TestDispatcher {
	count = 0;
	injectedAt = "";
	constructor(
		scheduler: TestCoroutineScheduler,
		private readonly injectAt: number,
		private readonly inject: () => void,
	) {
		super(scheduler);
	}
	dispatch(context: CoroutineContext, block: () => void): void {
		this[DISPATCH_TASK](context, { run: block });
	}
	override [DISPATCH_TASK](context: CoroutineContext, task: Task): void {
		const k = ++this.count;
		if (k !== this.injectAt) {
			this.scheduler.enqueue(task, context);
			return;
		}
		this.injectedAt =
			task instanceof AbstractCoroutine ? jobLabel(task) : "a dispatched task";
		const inject = this.inject;
		this.scheduler.enqueue(
			{
				run() {
					inject();
					task.run();
				},
			},
			context,
		);
	}
	override toString(): string {
		return `CountingTestDispatcher[scheduler=${this.scheduler}]`;
	}
}

/** Runs the block once under runTest, injecting at `point` (0: never). */
async function runOnce<T>(
	block: (this: TestScope, scope: TestScope) => Suspend<T>,
	point: number,
	mode: CancellationPointMode | "none",
	options: RunTestOptions,
): Promise<{ run: CancellationPointRun<T> | null; count: number }> {
	let run: CancellationPointRun<T> | null = null;
	let count = 0;
	await runTest(function* () {
		const testScope = this;
		let target: Deferred<T> | null = null;
		let sibling: CompletableJob | null = null;
		const dispatcher = new CountingDispatcher(this.testScheduler, point, () => {
			if (mode === "cancel") target?.cancel();
			else sibling?.completeExceptionally(new SiblingFailure(point));
		});
		try {
			yield* coroutineScope(function* (scope) {
				sibling = Job(scope.coroutineContext.get(JobKey));
				target = scope.async(dispatcher, function* (inner) {
					const ts = new TestScopeImpl(
						inner,
						testScope.testScheduler,
						testScope.backgroundScope,
					);
					return yield* block.call(ts, ts);
				});
				yield* target.join();
				sibling.complete();
			});
		} catch (e) {
			// The block's own failure, or the injected SiblingFailure: both reach the check below.
			if (!(e instanceof SiblingFailure) && target === null) throw e;
		}
		count = dispatcher.count;
		const t = target as Deferred<T> | null;
		if (t === null || !t.isCompleted) return;
		if (point > 0 && dispatcher.count < point) return;
		const failure = t.getCompletionExceptionOrNull();
		run = {
			point,
			points: 0,
			mode,
			at: dispatcher.injectedAt,
			result:
				failure === null
					? { status: "completed", value: t.getCompleted() }
					: isCancellation(failure)
						? { status: "cancelled", exception: failure }
						: { status: "failed", exception: failure },
		};
	}, options);
	return { run, count };
}

/**
 * Checks that `block` cleans up when cancelled at any of its suspension points.
 *
 * Runs `block` once under {@link runTest} (virtual time) to count its suspension points (see the
 * module doc for exactly what counts), then once more for each point k and each mode, cancelling
 * the block right before its k-th point resumes (`"cancel"`), or failing a sibling there
 * (`"failSibling"`). After every run, the first included, `check(run)` is called with how the
 * block ended; make it assert your invariants: every resource acquired was released, the
 * exception seen was a `CancellationException`, state is consistent. Each run is a full
 * `runTest`, so a coroutine left running or an uncaught failure fails it too.
 *
 * Rejects at the first failing run, naming the point, the mode and the coroutine resumed there.
 *
 * @example
 * const pool = new Pool(2);
 * await checkCancellationPoints(
 *   function* () {
 *     yield* pool.use(function* () { yield* delay(10); }); // gives the connection back in `finally`
 *   },
 *   (run) => expect(pool.inUse).toBe(0),
 *   { modes: ["cancel", "failSibling"] },
 * );
 */
export async function checkCancellationPoints<T>(
	block: (this: TestScope, scope: TestScope) => Suspend<T>,
	check: (run: CancellationPointRun<T>) => void | Promise<void>,
	options: CancellationPointOptions = {},
): Promise<CancellationPointsReport> {
	checkBlock(block, "checkCancellationPoints(block, check)");
	if (typeof check !== "function") {
		throw new TypeError(
			`checkCancellationPoints(block, check): check must be a function (run) => void, got ${check === null ? "null" : typeof check}`,
		);
	}
	checkOptions(options, "checkCancellationPoints(block, check, options)");
	const { modes = ["cancel"], only, ...runOptions } = options;
	for (const m of modes) {
		if (m !== "cancel" && m !== "failSibling") {
			throw new RangeError(
				`checkCancellationPoints: mode must be "cancel" or "failSibling", got ${String(m)}`,
			);
		}
	}
	if (only !== undefined && (!Number.isInteger(only) || only < 0)) {
		throw new RangeError(
			`checkCancellationPoints: only must be an integer >= 0, got ${String(only)}`,
		);
	}
	const seedText =
		runOptions.seed === undefined ? "" : `, seed ${runOptions.seed}`;
	const attempt = async (
		point: number,
		mode: CancellationPointMode | "none",
		points: number,
	): Promise<number> => {
		const where =
			point === 0
				? "the first run (no injection)"
				: `cancellation point ${point} of ${points} (${mode}${seedText})`;
		let outcome: { run: CancellationPointRun<T> | null; count: number };
		try {
			outcome = await runOnce(block, point, mode, runOptions);
		} catch (e) {
			throw new Error(`checkCancellationPoints: ${where}: ${String(e)}`, {
				cause: e,
			});
		}
		const run = outcome.run;
		if (run === null) {
			throw new Error(
				`checkCancellationPoints: ${where} was never reached: the block made ${outcome.count} dispatch(es) this time. Is it deterministic (no real promises or timers)?`,
			);
		}
		const full = { ...run, points: point === 0 ? outcome.count : points };
		try {
			await check(full);
		} catch (e) {
			const at = full.at === "" ? "" : ` (resuming ${full.at})`;
			throw new Error(
				`checkCancellationPoints: ${where}${at}: the check failed: ${String(e)}`,
				{ cause: e },
			);
		}
		return outcome.count;
	};
	const points = await attempt(0, "none", 0);
	let runs = 1;
	if (points === 0) return { points, runs };
	const chosen =
		only === undefined
			? Array.from({ length: points }, (_, i) => i + 1)
			: [(only % points) + 1];
	for (const point of chosen) {
		for (const mode of modes) {
			await attempt(point, mode, points);
			runs++;
		}
	}
	return { points, runs };
}
