/**
 * A port of kotlinx.coroutines' `TestBase` for kocoro's behaviour tests.
 *
 * `expect(n)` asserts that the calls come in the order 1, 2, 3, ...: a test states the exact
 * interleaving of its coroutines. `finish(n)` is the last `expect`, and `expectUnreached()` marks
 * code that must never run. A failed expectation is thrown where it happens *and* recorded, so a
 * coroutine that swallows it (a `catch`, a cancelled child) still fails the test at its end.
 *
 * `runBlock(block)` runs a block as a root coroutine (`runCoroutine`) in virtual time: its
 * coroutines run on a `StandardTestDispatcher` of `kocoro/test`, whose clock jumps to the next
 * timer whenever nothing is ready, so `delay(1_000)` takes no real time and an order of events
 * never depends on the machine's load. `{ realTime: true }` runs on `Dispatchers.Default` and the
 * real clock instead, for tests whose subject is real time. Either way a hang guard fails a block
 * that does not settle within a few seconds of real time, naming the test, rather than waiting
 * for vitest's timeout. Uncaught coroutine failures (those that reach the global last resort) are
 * captured through `setDefaultCoroutineExceptionHandler` for every test and must be claimed, by
 * `runBlock({ unhandled })` or `takeUncaught()`, or the test fails.
 *
 * @example
 * const t = useTestBase();
 * it("runs a launched child after the parent suspends (L1)", async () => {
 *   await t.runBlock(function* () {
 *     t.expect(1);
 *     this.launch(function* () { t.expect(3); });
 *     t.expect(2);
 *     yield* yieldNow();
 *     t.finish(4);
 *   });
 * });
 */
import {
	type Block,
	type CoroutineContext,
	EmptyCoroutineContext,
	runCoroutine,
	setDefaultCoroutineExceptionHandler,
} from "kocoro";
import { StandardTestDispatcher, TestCoroutineScheduler } from "kocoro/test";
import { afterEach, beforeEach } from "vitest";

/** Real time after which a test that has not settled is reported as hanging. */
export const HANG_GUARD_MS = 5_000;

/** A broken expectation of {@link TestBase}. */
export class TestFailure extends Error {
	constructor(message: string) {
		super(message);
		this.name = "TestFailure";
	}
}

/**
 * Resolves or rejects as `promise` does, or rejects with a clear message when it has not settled
 * within `ms` of real time (a deadlock or a lost wake-up in the runtime).
 */
export async function withHangGuard<T>(
	promise: Promise<T>,
	what: string,
	ms: number = HANG_GUARD_MS,
): Promise<T> {
	let timer: NodeJS.Timeout | undefined;
	const guard = new Promise<never>((_, reject) => {
		timer = setTimeout(() => {
			reject(
				new TestFailure(
					`hang guard: ${what} did not settle within ${ms} ms of real time (a deadlock or a lost wake-up)`,
				),
			);
		}, ms);
	});
	try {
		return await Promise.race([promise, guard]);
	} finally {
		clearTimeout(timer);
	}
}

/** What {@link TestBase.runBlock} accepts besides the block. */
export interface RunBlockOptions {
	/**
	 * The context given to `runCoroutine` (a dispatcher, a name, ...). A dispatcher given here
	 * replaces the virtual-time one: the block then runs on it and on the real clock.
	 */
	context?: CoroutineContext;
	/** Run on `Dispatchers.Default` and the real clock (for tests whose subject is real time). */
	realTime?: boolean;
	/** The run must fail, with an error this predicate accepts. */
	expected?: (e: unknown) => boolean;
	/** Uncaught failures that must reach the global handler, in this order, and no others. */
	unhandled?: ((e: Error) => boolean)[];
	/** Hang guard in real milliseconds (default {@link HANG_GUARD_MS}). */
	hangGuardMs?: number;
}

export class TestBase {
	private actionIndex = 0;
	private finished = false;
	private error: Error | null = null;
	private readonly uncaughtErrors: Error[] = [];

	/** Asserts that this is the `index`-th action of the test (counting from 1). */
	expect(index: number): void {
		const wasIndex = ++this.actionIndex;
		if (index !== wasIndex) {
			this.fail(
				`Expecting action index ${index} but it is actually ${wasIndex}`,
			);
		}
	}

	/** Marks code that must never run. */
	expectUnreached(): never {
		return this.fail(
			`Should not be reached, current action index is ${this.actionIndex}`,
		);
	}

	/** The last action of the test: `expect(index)`, at most once. */
	finish(index: number): void {
		this.expect(index);
		if (this.finished) this.fail("Should call 'finish(...)' at most once");
		this.finished = true;
	}

	/**
	 * Asserts that `actual` holds exactly the `expected` values, compared by identity, in order.
	 * Use it for jobs and errors: vitest's `toEqual` compares errors by message only, and walks
	 * into a job's fields, which can reach the generator of the coroutine that is running it.
	 */
	expectSame(actual: Iterable<unknown>, expected: readonly unknown[]): void {
		const got = [...actual];
		const same =
			got.length === expected.length && got.every((x, i) => x === expected[i]);
		if (!same) {
			this.fail(
				`Expected [${expected.map(String).join(", ")}] (by identity), got [${got.map(String).join(", ")}]`,
			);
		}
	}

	/** The uncaught coroutine failures seen so far; clears the list (they count as claimed). */
	takeUncaught(): Error[] {
		return this.uncaughtErrors.splice(0);
	}

	/**
	 * Runs `block` as a root coroutine (`runCoroutine`), in virtual time unless told otherwise,
	 * and returns its value, with a hang guard. Afterwards, rethrows any expectation that failed
	 * inside a coroutine and checks `expected` and `unhandled`. (Whether `finish` was called is
	 * checked after the test.)
	 */
	async runBlock<T>(
		block: Block<T>,
		options: RunBlockOptions = {},
	): Promise<T | undefined> {
		const { context = EmptyCoroutineContext, expected, unhandled } = options;
		let value: T | undefined;
		let failure: unknown = null;
		let failed = false;
		try {
			value = await withHangGuard(
				options.realTime === true
					? runCoroutine(block, context)
					: runInVirtualTime(block, context),
				"runBlock's block",
				options.hangGuardMs,
			);
		} catch (e) {
			failed = true;
			failure = e;
		}
		if (failure instanceof TestFailure) throw failure;
		this.rethrowRecorded();
		if (expected !== undefined) {
			if (!failed) {
				throw new TestFailure(
					"Exception was expected, but the block completed normally",
				);
			}
			if (!expected(failure)) {
				throw new TestFailure(`Unexpected exception: ${String(failure)}`);
			}
		} else if (failed) {
			throw failure;
		}
		const uncaught = this.takeUncaught();
		const wanted = unhandled ?? [];
		if (uncaught.length !== wanted.length) {
			throw new TestFailure(
				`Expected ${wanted.length} uncaught exception(s), got ${uncaught.length}: [${uncaught.map(String).join(", ")}]`,
			);
		}
		wanted.forEach((accepts, i) => {
			const e = uncaught[i]!;
			if (!accepts(e)) {
				throw new TestFailure(`Unexpected uncaught exception #${i}: ${e}`);
			}
		});
		return value;
	}

	/** @internal Called before each test. */
	reset(): void {
		this.actionIndex = 0;
		this.finished = false;
		this.error = null;
		this.uncaughtErrors.length = 0;
		setDefaultCoroutineExceptionHandler((_ctx, e) => {
			this.uncaughtErrors.push(e);
		});
	}

	/** @internal Called after each test: nothing recorded, nothing unclaimed, finish called. */
	verify(): void {
		setDefaultCoroutineExceptionHandler(null);
		this.rethrowRecorded();
		const left = this.takeUncaught();
		if (left.length > 0) {
			throw new TestFailure(
				`Unclaimed uncaught coroutine exception(s): [${left.map(String).join(", ")}]`,
			);
		}
		this.checkFinished();
	}

	private checkFinished(): void {
		if (this.actionIndex > 0 && !this.finished) {
			throw new TestFailure(
				"Expecting that 'finish(...)' was invoked, but it was not",
			);
		}
	}

	private rethrowRecorded(): void {
		const e = this.error;
		if (e !== null) {
			this.error = null;
			throw e;
		}
	}

	private fail(message: string): never {
		const e = new TestFailure(message);
		if (this.error === null) this.error = e;
		throw e;
	}
}

/**
 * One {@link TestBase} for the tests of the calling file (or `describe`), reset before each test
 * and verified after it. Uncaught coroutine exceptions go to it while a test runs; the default
 * last resort is restored after each test.
 */
export function useTestBase(): TestBase {
	const t = new TestBase();
	beforeEach(() => t.reset());
	afterEach(() => t.verify());
	return t;
}

/** Real milliseconds of tasks run before the event loop gets a turn. */
const SLICE_MS = 10;
/** Idle turns with `setImmediate` before polling with 1 ms timers instead. */
const BUSY_IDLE_TURNS = 100;

/**
 * `runCoroutine(block, context)` on a `StandardTestDispatcher` of a fresh scheduler (also in the
 * context, as `TestCoroutineScheduler.Key`), driven as
 * `kocoro/test`'s `runTest` drives its own: run what is ready; when nothing is, let the event loop
 * turn once (a settled promise is delivered first), then jump the clock to the next timer; when
 * no timer is left either, wait for the event loop (promises, real timers of other dispatchers).
 */
export async function runInVirtualTime<T>(
	block: Block<T>,
	context: CoroutineContext = EmptyCoroutineContext,
): Promise<T> {
	const scheduler = new TestCoroutineScheduler();
	const dispatcher = StandardTestDispatcher(scheduler);
	let settled = false;
	const run = runCoroutine(block, dispatcher.plus(scheduler).plus(context));
	run.then(
		() => {
			settled = true;
		},
		() => {
			settled = true;
		},
	);
	let idleTurns = 0;
	let turnedBeforeJump = false;
	while (!settled) {
		const sliceEnd = performance.now() + SLICE_MS;
		let idle = false;
		for (;;) {
			if (scheduler.runNextReady()) {
				turnedBeforeJump = false;
				idleTurns = 0;
				if (performance.now() >= sliceEnd) break;
				continue;
			}
			if (!scheduler.hasTimers) {
				idle = true;
				break;
			}
			if (!turnedBeforeJump) {
				turnedBeforeJump = true;
				break;
			}
			turnedBeforeJump = false;
			scheduler.advanceToNextTimer();
		}
		if (idle) idleTurns++;
		await new Promise<void>((resolve) => {
			if (idleTurns > BUSY_IDLE_TURNS) setTimeout(resolve, 1);
			else setImmediate(resolve);
		});
	}
	return run;
}

/** Collects printed lines, as the guide examples' expected outputs list them. */
export class Output {
	readonly lines: string[] = [];
	println = (line: unknown): void => {
		this.lines.push(String(line));
	};
}

/** Waits for `ms` of real time outside any coroutine (for tests of plain-JavaScript callers). */
export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The three flags of S1, in the table's order: isActive, isCompleted, isCancelled. */
export function flagsOf(job: {
	isActive: boolean;
	isCompleted: boolean;
	isCancelled: boolean;
}): [boolean, boolean, boolean] {
	return [job.isActive, job.isCompleted, job.isCancelled];
}

/** S1's table: the flags of each public state. */
export const STATE_FLAGS = {
	New: [false, false, false],
	Active: [true, false, false],
	Completing: [true, false, false],
	Cancelling: [false, false, true],
	Cancelled: [false, true, true],
	Completed: [false, true, false],
} as const satisfies Record<string, [boolean, boolean, boolean]>;

/** `<Name>{<State>}@<hex>` of S10, optionally prefixed with `"<coroutine name>":`. */
export function jobStringPattern(
	className: string,
	state: keyof typeof STATE_FLAGS,
	coroutineName?: string,
): RegExp {
	const prefix =
		coroutineName === undefined ? "" : `"${escapeRegExp(coroutineName)}":`;
	return new RegExp(`^${prefix}${className}\\{${state}\\}@[0-9a-f]+$`);
}

function escapeRegExp(s: string): string {
	return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
