import type { CancellationException } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type Suspend,
	type SuspendingCoroutine,
	type Suspension,
	suspendOf,
} from "../intrinsics/instruction.js";
import { DisposableNode } from "../job/handler-list.js";
import type { Deferred, Job } from "../job/job.js";
import { JobSupport } from "../job/job-support.js";

/** The values of a tuple of deferreds. */
export type AwaitedAll<T extends readonly Deferred<unknown>[]> = {
	-readonly [K in keyof T]: T[K] extends Deferred<infer V> ? V : never;
};

class AwaitAllWait implements Suspension {
	readonly nodes: AwaitAllNode[] = [];
	constructor(
		private readonly co: SuspendingCoroutine,
		private readonly targets: readonly JobSupport[],
		private remaining: number,
	) {}
	/** One deferred completed: the first failure resumes at once, else the last value does. */
	completed(cause: Error | null): void {
		if (cause !== null) {
			this.disposeAll();
			this.co.resume(this, true, cause, false);
			return;
		}
		if (--this.remaining === 0) {
			this.co.resume(
				this,
				false,
				this.targets.map((t) => t.completedValue()),
				true,
			);
		}
	}
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		this.disposeAll();
		co.resume(this, true, cause, false);
	}
	private disposeAll(): void {
		for (const n of this.nodes) n.dispose();
	}
	describe(): string {
		return `awaitAll of ${this.remaining} deferred(s)`;
	}
}

class AwaitAllNode extends DisposableNode {
	get firesOnCancelling(): boolean {
		return false;
	}
	constructor(private readonly wait: AwaitAllWait) {
		super();
	}
	invoke(cause: Error | null): void {
		this.wait.completed(cause);
	}
}

class AwaitAllInstruction extends Instruction<unknown[]> {
	constructor(private readonly targets: readonly JobSupport[]) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		const targets = this.targets;
		let pending = 0;
		for (const t of targets) {
			if (!t.isCompleted) {
				t.start();
				pending++;
				continue;
			}
			const failure = t.completionFailure();
			if (failure !== null) throw failure;
		}
		// Kotlin suspends through suspendCancellableCoroutine even when every deferred is complete:
		// a cancelled caller gets its CancellationException (a failure still comes first).
		if (co.isCancelled && targets.length > 0)
			throw co.getCancellationException();
		if (pending === 0) return targets.map((t) => t.completedValue());
		const wait = new AwaitAllWait(co, targets, pending);
		co.waiting = wait;
		for (const t of targets) {
			if (t.isCompleted) continue;
			const node = new AwaitAllNode(wait);
			wait.nodes.push(node);
			t.addNode(node);
		}
		return SUSPENDED;
	}
}

/**
 * Awaits all the deferreds and returns their values in order. Fails as soon as one of them
 * fails, with that failure, without waiting for the others (Kotlin's `awaitAll`). Takes the
 * deferreds as arguments or as one array or iterable (Kotlin's `Collection<Deferred>.awaitAll()`).
 * A cancelled caller gets its `CancellationException`, even when every deferred is complete.
 *
 * @example
 * const [user, posts] = yield* awaitAll(userD, postsD);
 * const pages = yield* awaitAll(urls.map((u) => scope.async(function* () { return yield* fetchPage(u); })));
 */
export function awaitAll<T extends readonly Deferred<unknown>[]>(
	...deferreds: T
): Suspend<AwaitedAll<T>>;
export function awaitAll<T>(deferreds: Iterable<Deferred<T>>): Suspend<T[]>;
export function awaitAll(...args: unknown[]): Suspend<unknown[]> {
	return new AwaitAllInstruction(
		listOf(args).map((d) => checkJob(d, "awaitAll")),
	);
}

/**
 * Joins every job in order (Kotlin's `joinAll`), given as arguments or as one array or iterable.
 * Never throws for their outcome.
 *
 * @example
 * const workers = [10, 20].map((ms) => this.launch(function* () { yield* delay(ms); }));
 * yield* joinAll(workers);
 */
export function joinAll(...jobs: Job[]): Suspend<void>;
export function joinAll(jobs: Iterable<Job>): Suspend<void>;
export function joinAll(...args: unknown[]): Suspend<void> {
	const checked = listOf(args).map((j) => checkJob(j, "joinAll"));
	return suspendOf(() => joinEach(checked));
}

/** The arguments, or the elements of a single array or iterable argument that is not a job. */
function listOf(args: unknown[]): unknown[] {
	if (args.length !== 1) return args;
	const only = args[0];
	if (Array.isArray(only)) return only;
	if (
		!(only instanceof JobSupport) &&
		only !== null &&
		typeof only === "object" &&
		typeof (only as Iterable<unknown>)[Symbol.iterator] === "function"
	) {
		return [...(only as Iterable<unknown>)];
	}
	return args;
}

function* joinEach(
	jobs: readonly JobSupport[],
): Generator<Instruction, void, unknown> {
	for (const job of jobs) yield* job.join();
}

function checkJob(job: unknown, where: string): JobSupport {
	if (job instanceof JobSupport) return job;
	throw new TypeError(
		`${where}(...): expected a Job or Deferred created by kocoro (as arguments or in one array), got ${job === null ? "null" : typeof job}${Array.isArray(job) ? ` (an array inside the list: pass one flat list, ${where}(list) or ${where}(...list))` : ""}`,
	);
}
