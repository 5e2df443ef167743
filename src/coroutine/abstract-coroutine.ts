/**
 * The coroutine runner: a job that drives a generator.
 *
 * A step resumes the generator with a value (or throws an exception into it) and then executes
 * the instructions it yields, in a loop, until one suspends or the body ends. An instruction that
 * can answer at once (an await of a completed deferred, a continuation resumed synchronously) does
 * so without leaving the loop: a million synchronous resumptions cost no stack. A suspended
 * coroutine is resumed by `resume(...)`, which hands the coroutine itself to its dispatcher as a
 * task: no closure and no promise per step.
 *
 * Invariants: `waiting` is non-null exactly while the coroutine is suspended; only a resume
 * naming the current `waiting` is accepted (a second or stale resume is ignored, so a cancelled
 * wait can never resume the coroutine twice); `gen` is null before the first step and after the
 * body ended.
 */
import type { CoroutineContext } from "../context/coroutine-context.js";
import { handleCoroutineException } from "../context/coroutine-exception-handler.js";
import { CoroutineName } from "../context/coroutine-name.js";
import { CoroutineDispatcher } from "../dispatchers/coroutine-dispatcher.js";
import { Dispatchers } from "../dispatchers/dispatchers.js";
import type { Task } from "../dispatchers/task.js";
import { runUnconfined } from "../dispatchers/unconfined.js";
import { toError } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type SuspendingCoroutine,
	type Suspension,
} from "../intrinsics/instruction.js";
import { JobKey } from "../job/job-key.js";
import { JobSupport } from "../job/job-support.js";
import type { Block } from "../scope/coroutine-scope.js";
import { probes } from "./probes.js";

let current: AbstractCoroutine<unknown> | null = null;

/** The coroutine whose step is running now, or null outside any step. */
export function currentCoroutine(): AbstractCoroutine<unknown> | null {
	return current;
}

export abstract class AbstractCoroutine<T>
	extends JobSupport
	implements SuspendingCoroutine, Task
{
	readonly context: CoroutineContext;
	readonly dispatcher: CoroutineDispatcher;
	waiting: Suspension | null = null;
	/** Set only while DebugProbes are installed. */
	creationStack: string | undefined;
	private block: Block<T> | null;
	private gen: Iterator<unknown, T, unknown> | null = null;
	private resumeFailed = false;
	private resumeValue: unknown = undefined;
	private resumeCancellable = false;
	/** DEFAULT/LAZY starts are cancellable: a coroutine cancelled before its first step never runs. */
	private cancellableStart = true;
	/** Started through the dispatcher's admission (limitedParallelism): report when the body ends. */
	private admitted = false;
	/** True while the body's own end is being recorded (a completion now is "in its own frame"). */
	protected finishingBody = false;

	constructor(
		parentContext: CoroutineContext,
		block: Block<T>,
		active: boolean,
	) {
		super(active);
		this.context = parentContext.plus(this);
		this.dispatcher =
			this.context.get(CoroutineDispatcher.Key) ?? Dispatchers.Default;
		this.block = block;
		if (probes.onCreated !== null) probes.onCreated(this);
	}

	get coroutineContext(): CoroutineContext {
		return this.context;
	}

	override nameString(): string {
		const name = this.context.get(CoroutineName.Key);
		return name === undefined
			? this.className
			: `"${name.name}":${this.className}`;
	}

	/** For debug dumps: what the coroutine waits on, or null when it is not suspended. */
	suspendedOn(): string | null {
		return this.waiting === null ? null : this.waiting.describe();
	}

	// ---- starting -----------------------------------------------------------------------

	/** Attaches to the context's job (P1). Called once the coroutine is fully constructed. */
	attachToParent(parentContext: CoroutineContext): void {
		const parent = parentContext.get(JobKey);
		if (parent instanceof JobSupport) parent.attachChild(this);
	}

	/** DEFAULT: dispatch the first step. */
	startDispatched(): void {
		this.cancellableStart = true;
		this.dispatchFirstStep();
	}

	/** ATOMIC: dispatch the first step, which runs even if the coroutine is cancelled by then. */
	startAtomic(): void {
		this.cancellableStart = false;
		this.dispatchFirstStep();
	}

	/** UNDISPATCHED: run the first step now, in the caller's frame, even when cancelled. */
	startUndispatched(): void {
		this.cancellableStart = false;
		this.run();
	}

	/** LAZY: the job is New; `start()` (or join/await) dispatches the first step. */
	protected override onStart(): void {
		this.startDispatched();
	}

	private dispatchFirstStep(): void {
		const d = this.dispatcher;
		if (d.admitsBodies) {
			this.admitted = true;
			d.dispatchStart(this.context, this);
		} else if (d.isDispatchNeeded(this.context))
			d.dispatchTask(this.context, this);
		else runUnconfined(this);
	}

	// ---- stepping -----------------------------------------------------------------------

	/** Task entry: the first step, or a resumption with what `resume` stored. */
	run(): void {
		const gen = this.gen;
		if (gen !== null) {
			let failed = this.resumeFailed;
			let value = this.resumeValue;
			this.resumeValue = undefined;
			if (!failed && this.resumeCancellable && this.isCancelled) {
				// C4: prompt cancellation — a value that arrived for a cancelled coroutine is dropped.
				failed = true;
				value = this.getCancellationException();
			}
			this.step(gen, failed, value);
			return;
		}
		const block = this.block as Block<T> | null;
		if (block === null) return; // the body already ended (a stale task)
		this.block = null;
		if (this.cancellableStart && this.isCancelled) {
			// C5: cancelled before its first step: the body never runs.
			this.finishBody(true, this.getCancellationException());
			return;
		}
		let first: Iterator<unknown, T, unknown>;
		const prev = current;
		current = this as AbstractCoroutine<unknown>;
		try {
			first = iteratorOf(block.call(this as never, this as never));
		} catch (e) {
			current = prev;
			this.finishBody(true, toError(e));
			return;
		}
		current = prev;
		this.gen = first;
		this.step(first, false, undefined);
	}

	private step(
		gen: Iterator<unknown, T, unknown>,
		failed: boolean,
		value: unknown,
	): void {
		const prev = current;
		current = this as AbstractCoroutine<unknown>;
		let done = false;
		let doneFailed = false;
		let result: unknown;
		try {
			for (;;) {
				let r: IteratorResult<unknown, T>;
				try {
					if (failed) {
						if (gen.throw === undefined) {
							gen.return?.();
							throw value;
						}
						r = gen.throw(value);
					} else {
						r = gen.next(value);
					}
				} catch (e) {
					done = true;
					doneFailed = true;
					result = toError(e);
					break;
				}
				if (r.done === true) {
					done = true;
					result = r.value;
					break;
				}
				const instruction = r.value;
				if (instruction instanceof Instruction) {
					try {
						value = instruction.execute(this);
						if (value === SUSPENDED) break;
						failed = false;
					} catch (e) {
						failed = true;
						value = e;
					}
				} else {
					failed = true;
					value = badYield(instruction);
				}
			}
		} finally {
			current = prev;
		}
		if (done) this.finishBody(doneFailed, result);
	}

	private finishBody(failed: boolean, result: unknown): void {
		this.gen = null;
		if (this.admitted) {
			this.admitted = false;
			this.dispatcher.bodyFinished();
		}
		this.finishingBody = true;
		try {
			this.completeBody(failed, result);
		} catch (e) {
			// A plain Job() above us rethrew a completion handler's failure: report it.
			handleCoroutineException(this.context, toError(e));
		} finally {
			this.finishingBody = false;
		}
		this.afterBodyFinished();
	}

	/** Hook: runs after the body's completion was recorded, outside the step (scopes use it). */
	protected afterBodyFinished(): void {}

	// ---- suspending and resuming -------------------------------------------------------

	resume(
		s: Suspension,
		failed: boolean,
		value: unknown,
		cancellable: boolean,
	): void {
		if (this.waiting !== s) return;
		this.waiting = null;
		this.resumeFailed = failed;
		this.resumeValue = value;
		this.resumeCancellable = cancellable;
		const d = this.dispatcher;
		if (d.isDispatchNeeded(this.context)) d.dispatchTask(this.context, this);
		else runUnconfined(this);
	}

	/** Resumes now, in the caller's frame, without a cancellation check (B1's "same frame"). */
	resumeInPlace(s: Suspension, failed: boolean, value: unknown): void {
		if (this.waiting !== s) return;
		this.waiting = null;
		this.resumeFailed = failed;
		this.resumeValue = value;
		this.resumeCancellable = false;
		this.run();
	}

	/** C2: cancelling resumes the current wait with the CancellationException. */
	protected override onCancelling(_cause: Error): void {
		const w = this.waiting;
		if (w !== null) w.cancelWait(this, this.getCancellationException());
	}

	/** E9: a throwing completion handler of a coroutine is reported, never rethrown. */
	protected override handleOnCompletionException(exception: Error): void {
		handleCoroutineException(this.context, exception);
	}
}

function iteratorOf<T>(body: unknown): Iterator<unknown, T, unknown> {
	if (body !== null && typeof body === "object") {
		const make = (body as { [Symbol.iterator]?: unknown })[Symbol.iterator];
		if (typeof make === "function")
			return make.call(body) as Iterator<unknown, T, unknown>;
		if (typeof (body as PromiseLike<unknown>).then === "function") {
			throw new TypeError(
				"A coroutine body returned a Promise: write it as a generator function (`function* () { ... }`), and wait for promises inside it with `yield* awaitPromise(p)`",
			);
		}
	}
	throw new TypeError(
		`A coroutine body must be a generator function (\`function* () { ... }\`); it returned ${describeValue(body)}`,
	);
}

/** The TypeError thrown into a coroutine that yielded something other than an instruction. */
function badYield(value: unknown): TypeError {
	if (
		value !== null &&
		(typeof value === "object" || typeof value === "function") &&
		typeof (value as PromiseLike<unknown>).then === "function"
	) {
		return new TypeError(
			"A coroutine yielded a Promise: use `yield* awaitPromise(promise)` to wait for it",
		);
	}
	if (
		value !== null &&
		typeof value === "object" &&
		typeof (value as Iterator<unknown>).next === "function"
	) {
		return new TypeError(
			"A coroutine yielded a suspend function call: use `yield*` instead of `yield` (for example `yield* delay(100)`)",
		);
	}
	return new TypeError(
		`A coroutine yielded ${describeValue(value)}, which is not a kocoro instruction: suspend with \`yield* delay(ms)\`, \`yield* yieldNow()\`, \`yield* job.join()\`... (always \`yield*\`, never plain \`yield\`)`,
	);
}

function describeValue(v: unknown): string {
	if (v === undefined) return "undefined";
	if (v === null) return "null";
	if (typeof v === "function") return "a function";
	if (typeof v === "object")
		return `an object (${Object.prototype.toString.call(v)})`;
	return `${typeof v} ${String(v)}`;
}
