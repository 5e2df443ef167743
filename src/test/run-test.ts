/**
 * `runTest`: runs a test body as a coroutine on a {@link StandardTestDispatcher} and drives its
 * {@link TestCoroutineScheduler} from the real event loop until the body (and its children) end.
 *
 * Driving: run every event due now; when none is, jump the clock to the next timer; when no
 * timer is left either, but the body still waits (on a promise, a callback, another dispatcher),
 * let the real event loop turn (`setImmediate`) and look again. So the clock never waits for real
 * time, and a test can never deadlock by waiting for a clock that only it could advance. Before a
 * jump, while a test coroutine waits in `suspendCancellableCoroutine` (`awaitPromise` and
 * callbacks), the event loop gets one turn first, so a promise already settled (a mock) is
 * delivered before virtual time moves on. A slice of work longer than a few milliseconds also
 * gives the event loop a turn.
 *
 * At the end, `backgroundScope` is cancelled and its coroutines are driven to completion; then
 * the test fails on: a failure of the body (or of a child, which fails the body), a failure that
 * reached the test's `CoroutineExceptionHandler`, a task that threw, or coroutines of the test's
 * dispatchers still running outside `backgroundScope`. Over the real-time limit, it fails with a
 * dump of the live coroutines.
 */
import { CoroutineExceptionHandler } from "../context/coroutine-exception-handler.js";
import type { AbstractCoroutine } from "../coroutine/abstract-coroutine.js";
import { checkBlock } from "../coroutine/coroutine.js";
import { formatTrees, userFrames } from "../debug/dump.js";
import {
	addCreationListener,
	LiveCoroutines,
	type ProbedCoroutine,
} from "../debug/registry.js";
import { isCancellation, toError } from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import type { CompletableJob, Deferred, Job } from "../job/job.js";
import { SupervisorJob } from "../job/job.js";
import { JobKey } from "../job/job-key.js";
import { CoroutineScope, GlobalScope } from "../scope/context-scope.js";
import { BackgroundWork, isBackground } from "./background-work.js";
import { checkOptions } from "./check-options.js";
import { RunTestError, UncompletedCoroutinesError } from "./errors.js";
import { checkSeed } from "./prng.js";
import { TestCoroutineScheduler } from "./test-coroutine-scheduler.js";
import {
	StandardTestDispatcher,
	type TestDispatcher,
	testSchedulerOf,
} from "./test-dispatchers.js";
import { type TestScope, TestScopeImpl } from "./test-scope.js";

/**
 * The options of {@link runTest}.
 *
 * @example
 * const options: RunTestOptions = { seed: 42, timeout: 5_000 };
 * it("replays the order of seed 42", () => runTest(function* () { yield* work(); }, options));
 */
export interface RunTestOptions {
	/** Real-time limit in milliseconds for the whole test (default 60 000). */
	timeout?: number;
	/**
	 * Runs tasks due at the same virtual instant in an order drawn from this seed (an integer).
	 * The same seed replays the same order; a failing test prints its seed.
	 */
	seed?: number;
}

/** The default real-time limit of a test, in milliseconds. */
export const DEFAULT_TEST_TIMEOUT_MS = 60_000;

/** Real milliseconds of tasks run before the event loop gets a turn. */
const SLICE_MS = 10;
/** Idle turns with `setImmediate` before polling with 1 ms timers instead. */
const BUSY_IDLE_TURNS = 100;

/**
 * Runs `block` as a test coroutine in virtual time (kotlinx-coroutines-test's `runTest`) and
 * returns a Promise for the test framework to await.
 *
 * Inside, `delay(60_000)` takes no real time and `withTimeout` follows the virtual clock;
 * `this.testScheduler` gives `currentTime`, `advanceTimeBy`, `advanceUntilIdle` and `runCurrent`;
 * `this.backgroundScope` runs work that may outlive the body. The Promise rejects with a
 * {@link RunTestError} when a coroutine fails uncaught (naming it), with an
 * {@link UncompletedCoroutinesError} when coroutines other than background ones are still
 * running at the end or the body exceeds `timeout` real milliseconds (with a dump of the live
 * job tree), and prints the seed in both.
 *
 * @example
 * it("retries after a second", () =>
 *   runTest(function* () {
 *     const result = this.async(function* () { return yield* fetchWithRetry(url); });
 *     this.testScheduler.advanceTimeBy(1_000);
 *     expect(yield* result.await()).toBe("ok");
 *   }, { seed: 7 }));
 */
export function runTest(
	block: (this: TestScope, scope: TestScope) => Suspend<void>,
	options: RunTestOptions = {},
): Promise<void> {
	try {
		checkBlock(block, "runTest(block)");
		checkOptions(options, "runTest(block, options)");
		const timeout = options.timeout ?? DEFAULT_TEST_TIMEOUT_MS;
		if (typeof timeout !== "number" || Number.isNaN(timeout) || timeout <= 0) {
			throw new RangeError(
				`runTest(block, { timeout }): expected a number of milliseconds > 0, got ${String(timeout)}`,
			);
		}
		const seed =
			options.seed === undefined
				? undefined
				: checkSeed(options.seed, "runTest(block, { seed })");
		return new TestRun(block, timeout, seed).run();
	} catch (e) {
		return Promise.reject(e);
	}
}

interface Failure {
	readonly error: Error;
	readonly where: string;
	/** The job the handler was called for, if any. */
	readonly job: Job | null;
}

/** `"name":StandaloneCoroutine@3` — a job without its (changing) state word. */
export function jobLabel(job: Job | undefined | null): string {
	if (job === undefined || job === null) return "a coroutine without a Job";
	const j = job as { nameString?: () => string; id?: number };
	if (typeof j.nameString === "function" && typeof j.id === "number") {
		return `${j.nameString()}@${j.id.toString(16)}`;
	}
	return String(job);
}

function macrotask(slow: boolean): Promise<void> {
	return new Promise((resolve) => {
		if (slow) setTimeout(resolve, 1);
		else setImmediate(resolve);
	});
}

class TestRun {
	readonly scheduler: TestCoroutineScheduler;
	readonly dispatcher: TestDispatcher;
	private readonly failures: Failure[] = [];
	/** The coroutine a failure was first seen in (children complete before their parents). */
	private readonly origins = new WeakMap<Error, ProbedCoroutine>();
	private readonly tracked: LiveCoroutines;
	private readonly backgroundJob: CompletableJob;
	private body: Deferred<void> | null = null;
	private deadline = 0;

	constructor(
		private readonly block: (
			this: TestScope,
			scope: TestScope,
		) => Suspend<void>,
		private readonly timeout: number,
		private readonly seed: number | undefined,
	) {
		this.scheduler = new TestCoroutineScheduler(
			seed === undefined ? {} : { seed },
		);
		this.dispatcher = StandardTestDispatcher(this.scheduler);
		this.backgroundJob = SupervisorJob();
		this.tracked = new LiveCoroutines((co, cause) => {
			if (cause !== null && !isCancellation(cause) && !this.origins.has(cause))
				this.origins.set(cause, co);
		});
		this.scheduler.onTaskFailure = (e) => {
			this.failures.push({
				error: toError(e),
				where: "a task of a test dispatcher (it threw)",
				job: null,
			});
		};
	}

	async run(): Promise<void> {
		const removeListener = addCreationListener((co) => {
			if (testSchedulerOf(co.dispatcher) === this.scheduler)
				this.tracked.add(co);
		});
		try {
			this.deadline = performance.now() + this.timeout;
			const body = this.startBody();
			this.body = body;
			if (!(await this.drive(() => body.isCompleted))) {
				throw this.timedOut("the test body did not complete");
			}
			this.backgroundJob.cancel();
			if (!(await this.drive(() => this.backgroundJob.isCompleted))) {
				throw this.timedOut(
					"backgroundScope's coroutines did not finish after being cancelled at the end of the test",
				);
			}
			this.checkEnd(body);
		} finally {
			removeListener();
			this.scheduler.onTaskFailure = null;
		}
	}

	private startBody(): Deferred<void> {
		const handler = CoroutineExceptionHandler((ctx, e) => {
			const job = ctx.get(JobKey);
			const where = isBackground(ctx)
				? `backgroundScope coroutine ${jobLabel(job)}`
				: jobLabel(job);
			this.failures.push({ error: e, where, job: job ?? null });
		});
		const context = this.dispatcher.plus(handler).plus(this.scheduler);
		const backgroundScope = CoroutineScope(
			context.plus(this.backgroundJob).plus(BackgroundWork.instance),
		);
		const { block, scheduler } = this;
		return GlobalScope.async(context, function* (scope) {
			const testScope = new TestScopeImpl(scope, scheduler, backgroundScope);
			yield* block.call(testScope, testScope);
		});
	}

	/** Drives the scheduler until `until()` holds; false if the real-time limit passed first. */
	private async drive(until: () => boolean): Promise<boolean> {
		const scheduler = this.scheduler;
		let idleTurns = 0;
		let turnedBeforeJump = false;
		for (;;) {
			const sliceEnd = performance.now() + SLICE_MS;
			let count = 0;
			let idle = false;
			for (;;) {
				if (until()) return true;
				if (scheduler.runNextReady()) {
					turnedBeforeJump = false;
					idleTurns = 0;
					if ((++count & 255) === 0 && performance.now() >= sliceEnd) break;
					continue;
				}
				if (!scheduler.hasTimers) {
					idle = true;
					break;
				}
				if (!turnedBeforeJump && this.waitsOutside()) {
					turnedBeforeJump = true;
					break;
				}
				turnedBeforeJump = false;
				scheduler.advanceToNextTimer();
			}
			if (performance.now() >= this.deadline) return until();
			if (idle) idleTurns++;
			await macrotask(idleTurns > BUSY_IDLE_TURNS);
		}
	}

	/** Whether a test coroutine waits on something outside the scheduler (a promise, a callback). */
	private waitsOutside(): boolean {
		for (const co of this.tracked) if (co.waitsOnOutside) return true;
		return false;
	}

	private header(): string {
		const seed =
			this.seed === undefined
				? "no seed: tasks due at the same instant ran in FIFO order"
				: `seed ${this.seed}; replay with runTest(block, { seed: ${this.seed} })`;
		return `runTest failed at virtual time ${this.scheduler.currentTime} ms (${seed})`;
	}

	private label(co: ProbedCoroutine | undefined): string {
		if (co === undefined) return "the test body";
		if (co === (this.body as unknown as AbstractCoroutine<unknown>))
			return `the test body (${jobLabel(co)})`;
		return jobLabel(co);
	}

	/** Where `job` was created, as indented lines (only while DebugProbes record stacks). */
	private createdAt(job: Job | null | undefined): string {
		const stack = (job as { creationStack?: unknown } | null | undefined)
			?.creationStack;
		if (typeof stack !== "string") return "";
		return userFrames(stack)
			.map((frame) => `\n      created ${frame}`)
			.join("");
	}

	private leftovers(): ProbedCoroutine[] {
		return [...this.tracked].filter(
			(co) => !co.isCompleted && !isBackground(co.dispatchContext),
		);
	}

	private checkEnd(body: Deferred<void>): void {
		const errors: Error[] = [];
		const lines: string[] = [];
		const bodyFailure = body.getCompletionExceptionOrNull();
		if (bodyFailure !== null) {
			errors.push(bodyFailure);
			if (isCancellation(bodyFailure)) {
				lines.push(`the test body was cancelled: ${String(bodyFailure)}`);
			} else {
				const origin = this.origins.get(bodyFailure);
				lines.push(
					`${String(bodyFailure)}\n    thrown in ${this.label(origin)}${this.createdAt(origin)}`,
				);
			}
		}
		for (const f of this.failures) {
			errors.push(f.error);
			const origin = this.origins.get(f.error);
			const first =
				origin !== undefined && origin !== f.job
					? ` (thrown in ${this.label(origin)})`
					: "";
			lines.push(
				`${String(f.error)}\n    uncaught in ${f.where}${first}${this.createdAt(f.job)}`,
			);
		}
		const left = this.leftovers();
		const details = {
			errors,
			seed: this.seed,
			virtualTime: this.scheduler.currentTime,
		};
		if (errors.length > 0) {
			if (left.length > 0)
				lines.push(formatTrees(left, "coroutines still running"));
			throw new RunTestError(
				`${this.header()}:\n${lines.map((l) => `  ${l}`).join("\n")}`,
				details,
			);
		}
		if (left.length > 0) {
			throw new UncompletedCoroutinesError(
				`${this.header()}: coroutines are still running after the test body ended; cancel them, join them, or launch them in backgroundScope.\n${formatTrees(left, "Coroutines still running")}`,
				details,
			);
		}
	}

	private timedOut(what: string): UncompletedCoroutinesError {
		const live = [...this.tracked].filter((co) => !co.isCompleted);
		const error = new UncompletedCoroutinesError(
			`${this.header()}: ${what} within ${this.timeout} ms of real time.\n${formatTrees(live, "Live coroutines")}`,
			{
				errors: this.failures.map((f) => f.error),
				seed: this.seed,
				virtualTime: this.scheduler.currentTime,
			},
		);
		// Stop what can be stopped; nothing drives this scheduler any more.
		this.body?.cancel("runTest timed out");
		this.backgroundJob.cancel("runTest timed out");
		return error;
	}
}
