/**
 * Runs a generated program on kocoro, under `runTest` with a seed, and returns its trace.
 */
import {
	CancellationException,
	CoroutineExceptionHandler,
	CoroutineName,
	type CoroutineScope,
	CoroutineStart,
	coroutineScope,
	currentCoroutineContext,
	type Deferred,
	delay,
	ensureActive,
	Job,
	NonCancellable,
	type Suspend,
	supervisorScope,
	TimeoutCancellationException,
	withContext,
	withTimeout,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import {
	runTest,
	type TestCoroutineScheduler,
	type TestScope,
} from "kocoro/test";
import type { Program, ScopeKind, Start } from "./program.js";
import { type Effects, runProgram, type Suspending } from "./walker.js";

/** A failure thrown by a program's `throw eN`. */
export class ProgramFailure extends Error {
	constructor(readonly id: string) {
		super(`program failure ${id}`);
		this.name = "ProgramFailure";
	}
}

export interface RunResult {
	/** The trace records, in the order they happened. */
	readonly trace: readonly string[];
	/** How many times each job's completion handler ran. */
	readonly completions: ReadonlyMap<string, number>;
	/** Jobs not completed once runTest returned. */
	readonly unfinished: readonly string[];
	/** Events (tasks or timers) left in the scheduler once runTest returned. */
	readonly pendingEvents: number;
	/** What runTest rejected with, if it did. */
	readonly runTestError: unknown;
}

/** The walker's generators yield only kocoro instructions when driven by KocoroEffects. */
function asSuspend<T>(g: Iterable<unknown, T, unknown>): Suspend<T> {
	return g as unknown as Suspend<T>;
}

/** A final exception, with the failures it suppressed (E3). */
function classifyFinal(e: Error): string {
	const suppressed = (e as { suppressed?: Error[] }).suppressed ?? [];
	const ids = suppressed.map((s) => classify(s).replace(/^E:/, ""));
	return ids.length === 0 ? classify(e) : `${classify(e)}[${ids.join(",")}]`;
}

export function classify(e: unknown): string {
	if (e instanceof ProgramFailure) return `E:${e.id}`;
	if (e instanceof TimeoutCancellationException) return "TCE";
	if (e instanceof CancellationException) return "CE";
	return `other:${String(e)}`;
}

class KocoroEffects implements Effects<CoroutineScope> {
	readonly trace: string[] = [];
	readonly jobs = new Map<string, Job>();
	readonly names = new Map<Job, string>();
	readonly completions = new Map<string, number>();

	constructor(private readonly scheduler: TestCoroutineScheduler) {}

	record(who: string, what: string): void {
		this.trace.push(`${this.scheduler.currentTime} ${who} ${what}`);
	}
	private track(name: string, job: Job): void {
		this.names.set(job, name);
		this.completions.set(name, 0);
		job.invokeOnCompletion((cause) => {
			this.completions.set(name, (this.completions.get(name) ?? 0) + 1);
			this.record(name, `done ${cause === null ? "ok" : classifyFinal(cause)}`);
		});
	}
	delay(ms: number): Suspending<void> {
		return delay(ms);
	}
	yieldNow(): Suspending<void> {
		return yieldNow();
	}
	ensureActive(): void {
		ensureActive();
	}
	launch(
		scope: CoroutineScope,
		name: string,
		start: Start,
		body: (scope: CoroutineScope) => Generator<unknown, string, unknown>,
	): void {
		const job = scope.launch(
			CoroutineName(name),
			CoroutineStart[start],
			function* (s) {
				yield* asSuspend(body(s));
			},
		);
		this.jobs.set(name, job);
		this.track(name, job);
	}
	async(
		scope: CoroutineScope,
		name: string,
		start: Start,
		body: (scope: CoroutineScope) => Generator<unknown, string, unknown>,
	): void {
		const job = scope.async(
			CoroutineName(name),
			CoroutineStart[start],
			function* (s) {
				return yield* asSuspend(body(s));
			},
		);
		this.jobs.set(name, job);
		this.track(name, job);
	}
	scope(
		_scope: CoroutineScope,
		kind: ScopeKind | "root",
		ms: number,
		name: string,
		body: (scope: CoroutineScope) => Generator<unknown, string, unknown>,
	): Suspending<string | null> {
		const fx = this;
		const block = function* (s: CoroutineScope): Suspend<string> {
			fx.track(name, currentCoroutineContext().get(Job.Key)!);
			return yield* asSuspend(body(s));
		};
		switch (kind) {
			case "root":
				return withContext(
					CoroutineExceptionHandler((ctx, e) => {
						// By name: an UNDISPATCHED child can fail before launch returns its job.
						const from = ctx.get(CoroutineName.Key)?.name ?? "?";
						this.record("uncaught", `${classify(e)} from ${from}`);
					}),
					block,
				);
			case "coroutineScope":
				return coroutineScope(block);
			case "supervisorScope":
				return supervisorScope(block);
			case "nonCancellable":
				return withContext(NonCancellable, block);
			case "withTimeout":
				return withTimeout(ms, block);
			case "withTimeoutOrNull":
				return withTimeoutOrNull(ms, block);
		}
	}
	cancel(name: string): boolean {
		const job = this.jobs.get(name);
		job?.cancel();
		return job !== undefined;
	}
	join(name: string): Suspending<void> | null {
		return this.jobs.get(name)?.join() ?? null;
	}
	cancelAndJoin(name: string): Suspending<void> | null {
		return this.jobs.get(name)?.cancelAndJoin() ?? null;
	}
	await(name: string): Suspending<string> | null {
		const job = this.jobs.get(name) as Deferred<string> | undefined;
		return job === undefined ? null : job.await();
	}
	fail(id: string): Error {
		return new ProgramFailure(id);
	}
	classify(e: unknown): string {
		return classify(e);
	}
	isCancellation(e: unknown): boolean {
		return e instanceof CancellationException;
	}
}

/** Runs `program` on kocoro under runTest (seeded when `seed` is given). */
export async function runOnKocoro(
	program: Program,
	seed: number | undefined,
): Promise<RunResult> {
	let fx: KocoroEffects | null = null;
	let scheduler: TestCoroutineScheduler | null = null;
	let runTestError: unknown = null;
	try {
		await runTest(
			function* () {
				scheduler = this.testScheduler;
				const effects = new KocoroEffects(this.testScheduler);
				fx = effects;
				yield* asSuspend(
					runProgram(effects, this as CoroutineScope, program.root),
				);
			},
			seed === undefined ? { timeout: 5_000 } : { timeout: 5_000, seed },
		);
	} catch (e) {
		runTestError = e;
	}
	const effects = fx as KocoroEffects | null;
	const sched = scheduler as TestCoroutineScheduler | null;
	if (effects === null || sched === null) {
		throw new Error(`the program never started: ${String(runTestError)}`);
	}
	const unfinished = [...effects.names]
		.filter(([job]) => !job.isCompleted)
		.map(([, name]) => name);
	return {
		trace: effects.trace,
		completions: effects.completions,
		unfinished,
		pendingEvents: (sched as unknown as { pendingEvents: number })
			.pendingEvents,
		runTestError,
	};
}

/**
 * The program as a block for `checkCancellationPoints`: each run records a fresh trace, read
 * with `lastRun()` from the check.
 */
export function programBlock(program: Program): {
	block: (this: TestScope) => Suspend<void>;
	lastRun: () => Pick<RunResult, "trace" | "completions" | "unfinished">;
} {
	let fx: KocoroEffects | null = null;
	return {
		block: function* () {
			const effects = new KocoroEffects(this.testScheduler);
			fx = effects;
			yield* asSuspend(runProgram(effects, this, program.root));
		},
		lastRun: () => {
			const effects = fx as KocoroEffects | null;
			if (effects === null)
				return { trace: [], completions: new Map(), unfinished: [] };
			return {
				trace: effects.trace,
				completions: effects.completions,
				unfinished: [...effects.names]
					.filter(([job]) => !job.isCompleted)
					.map(([, name]) => name),
			};
		},
	};
}
