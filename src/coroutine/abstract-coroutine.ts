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
 * Nesting costs no stack either: a scoping function's block starts, and its caller continues
 * after it, through {@link handOff}, a trampoline in `run()`. The caller's step ends (it is
 * suspended on the scope), `run()` runs the scope's first step next, before anything else, and
 * when the scope's body ends in its own step the caller's step follows in the same loop. A
 * million nested `coroutineScope`s run in one loop, one frame deep.
 *
 * Invariants: `waiting` is non-null exactly while the coroutine is suspended; only a resume
 * naming the current `waiting` is accepted (a second or stale resume is ignored, so a cancelled
 * wait can never resume the coroutine twice); `body` holds the block before the first step, the
 * generator while it runs, and null once it ended.
 */
import { applyStoreElements } from "../context/as-context-element.js";
import {
	type AsyncContext,
	activeAsyncContext,
	captureAsyncContext,
	runInAsyncContext,
} from "../context/async-context.js";
import {
	type CoroutineContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import { handleCoroutineException } from "../context/coroutine-exception-handler.js";
import { CoroutineName } from "../context/coroutine-name.js";
import {
	CoroutineDispatcher,
	DISPATCH_TASK,
} from "../dispatchers/coroutine-dispatcher.js";
import { Dispatchers } from "../dispatchers/dispatchers.js";
import type { Task } from "../dispatchers/task.js";
import { runUnconfined } from "../dispatchers/unconfined.js";
import { toError } from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type SuspendingCoroutine,
	type Suspension,
	takenByDelegation,
} from "../intrinsics/instruction.js";
import type { DisposableHandle } from "../job/disposable-handle.js";
import { JobKey } from "../job/job-key.js";
import { FIRST_SUBCLASS_FLAG, JobSupport } from "../job/job-support.js";
import type { Block } from "./coroutine-scope.js";
import { probes } from "./probes.js";

let current: AbstractCoroutine<unknown> | null = null;
/**
 * The coroutine that `run()`'s loop steps next, in place. Set only at the end of a step (by an
 * instruction that returns SUSPENDED, or by the body's end) and read as soon as that step returns:
 * no other code runs in between, so one slot is enough, nested loops included.
 */
let handOff: AbstractCoroutine<unknown> | null = null;

/** The coroutine whose step is running now, or null outside any step. */
export function currentCoroutine(): AbstractCoroutine<unknown> | null {
	return current;
}

const RESUME_FAILED = FIRST_SUBCLASS_FLAG;
const RESUME_CANCELLABLE = FIRST_SUBCLASS_FLAG << 1;
/** DEFAULT/LAZY starts are cancellable: a coroutine cancelled before its first step never runs. */
const CANCELLABLE_START = FIRST_SUBCLASS_FLAG << 2;
/** The body's own end is being recorded: a completion now happens "in its own frame". */
const FINISHING_BODY = FIRST_SUBCLASS_FLAG << 3;
/** `ctx` holds the full context (the parent context plus this job), not the parent's. */
const CONTEXT_BUILT = FIRST_SUBCLASS_FLAG << 4;
/** Created with CoroutineStart.LAZY (shown in the class name). */
export const LAZY_FLAG = FIRST_SUBCLASS_FLAG << 5;
/** Suspended: `resultValue` holds the current wait (see `waiting`). */
const WAITING = FIRST_SUBCLASS_FLAG << 6;

const creationStacks = new WeakMap<object, string | undefined>();

export abstract class AbstractCoroutine<T>
	extends JobSupport
	implements SuspendingCoroutine, Task
{
	readonly dispatcher: CoroutineDispatcher;
	/**
	 * The async context (AsyncLocalStorage stores) every step runs in: captured where a root was
	 * started, the parent's object for a child; undefined where the platform has none.
	 */
	asyncContext: AsyncContext | undefined;
	/** The parent context until `context` is first read; then the full context. */
	private ctx: CoroutineContext;
	/** The block before the first step; the generator while it runs; null once it ended. */
	private body: Block<T> | Iterator<unknown, T, unknown> | null;

	constructor(
		parentContext: CoroutineContext,
		block: Block<T>,
		active: boolean,
	) {
		super(active);
		this.ctx = parentContext;
		this.asyncContext = undefined;
		this.dispatcher =
			parentContext.get(CoroutineDispatcher.Key) ?? Dispatchers.Default;
		this.body = block;
		if (probes.onCreated !== null) probes.onCreated(this);
	}

	/** This coroutine's context: its parent context with this job as the Job (built lazily). */
	get context(): CoroutineContext {
		if ((this.flags & CONTEXT_BUILT) === 0) {
			this.ctx = this.ctx.plus(this);
			this.flags |= CONTEXT_BUILT;
		}
		return this.ctx;
	}

	/**
	 * The current wait while suspended, else null. It shares `resultValue`'s field (8 bytes less
	 * per coroutine): a suspended coroutine has consumed its resumption value and has no result
	 * yet, and resuming clears the wait before it stores the next resumption value.
	 */
	get waiting(): Suspension | null {
		return (this.flags & WAITING) !== 0
			? (this.resultValue as Suspension)
			: null;
	}
	set waiting(s: Suspension | null) {
		if (s === null) {
			this.flags &= ~WAITING;
			this.resultValue = undefined;
		} else {
			this.flags |= WAITING;
			this.resultValue = s;
		}
	}

	get dispatchContext(): CoroutineContext {
		return this.ctx;
	}

	get coroutineContext(): CoroutineContext {
		return this.context;
	}

	/** The creation-site stack, recorded only while DebugProbes capture stacks. */
	get creationStack(): string | undefined {
		return creationStacks.get(this);
	}
	set creationStack(stack: string | undefined) {
		creationStacks.set(this, stack);
	}

	override nameString(): string {
		const name = this.ctx.get(CoroutineName.Key);
		return name === undefined
			? this.className
			: `"${name.name}":${this.className}`;
	}

	/** For debug dumps: what the coroutine waits on, or null when it is not suspended. */
	suspendedOn(): string | null {
		return this.waiting === null ? null : this.waiting.describe();
	}

	/** Whether the coroutine is suspended on a wait that code outside the runtime ends. */
	get waitsOnOutside(): boolean {
		return this.waiting?.resumedFromOutside === true;
	}

	// ---- starting -----------------------------------------------------------------------

	/**
	 * Attaches to the context's job (P1). Called once the coroutine is fully constructed. A child
	 * of a coroutine takes its parent's async context plus the stores `added` (what its builder
	 * was given) sets; any other coroutine is a root and captures the current one.
	 */
	attachToParent(
		parentContext: CoroutineContext,
		added: CoroutineContext = EmptyCoroutineContext,
	): void {
		const parent = parentContext.get(JobKey);
		if (parent instanceof AbstractCoroutine) {
			const ac = parent.asyncContext;
			this.asyncContext =
				ac === undefined ? undefined : applyStoreElements(ac, added);
		} else {
			const ac = captureAsyncContext();
			this.asyncContext =
				ac === undefined ? undefined : applyStoreElements(ac, parentContext);
		}
		if (parent instanceof JobSupport) parent.attachChild(this);
	}

	/** DEFAULT: dispatch the first step. */
	startDispatched(): void {
		this.flags |= CANCELLABLE_START;
		this.dispatchFirstStep();
	}

	/** ATOMIC: dispatch the first step, which runs even if the coroutine is cancelled by then. */
	startAtomic(): void {
		this.flags &= ~CANCELLABLE_START;
		this.dispatchFirstStep();
	}

	/** UNDISPATCHED: run the first step now, in the caller's frame, even when cancelled. */
	startUndispatched(): void {
		this.flags &= ~CANCELLABLE_START;
		this.run();
	}

	/**
	 * UNDISPATCHED from an instruction of the caller's step (scoping functions): the first step
	 * runs as soon as the caller's step returns SUSPENDED, before anything else, in the same
	 * `run()` loop (no stack per nesting level).
	 */
	startInPlaceNext(): void {
		this.flags &= ~CANCELLABLE_START;
		handOff = this as AbstractCoroutine<unknown>;
	}

	/** LAZY: the job is New; `start()` (or join/await) dispatches the first step. */
	protected override onStart(): void {
		this.startDispatched();
	}

	private dispatchFirstStep(): void {
		const d = this.dispatcher;
		if (d.isDispatchNeeded(this.ctx)) d[DISPATCH_TASK](this.ctx, this);
		else runUnconfined(this);
	}

	/** True while the body's own end is being recorded (see ScopeCoroutine). */
	protected get finishingBody(): boolean {
		return (this.flags & FINISHING_BODY) !== 0;
	}

	// ---- stepping -----------------------------------------------------------------------

	/**
	 * Task entry: the first step, or a resumption with what `resume` stored; then every coroutine
	 * handed over in place by that step (a scope's block, a scope's caller), in a loop.
	 */
	run(): void {
		this.stepInContext();
		let next = handOff;
		while (next !== null) {
			handOff = null;
			next.stepInContext();
			next = handOff;
		}
	}

	/** One step, entered in the coroutine's async context unless that one is already active. */
	private stepInContext(): void {
		const ac = this.asyncContext;
		if (ac === undefined || ac === activeAsyncContext) this.runStep();
		else runInAsyncContext(ac, stepOf, this, undefined);
	}

	/** @internal One step of the body (called by {@link run}'s trampoline). */
	runStep(): void {
		const body = this.body;
		if (body === null) return; // the body already ended (a stale task)
		if (typeof body !== "function") {
			const flags = this.flags;
			if ((flags & WAITING) !== 0) return; // suspended: only a resume runs it
			let failed = (flags & RESUME_FAILED) !== 0;
			// The resumption value shares the result's field: it lives only while the body runs.
			let value = this.resultValue;
			this.resultValue = undefined;
			if (!failed && (flags & RESUME_CANCELLABLE) !== 0 && this.isCancelled) {
				// C4: prompt cancellation — a value that arrived for a cancelled coroutine is dropped.
				failed = true;
				value = this.getCancellationException();
			}
			this.step(body, failed, value);
			return;
		}
		if ((this.flags & CANCELLABLE_START) !== 0 && this.isCancelled) {
			// C5: cancelled before its first step: the body never runs.
			this.finishBody(true, this.getCancellationException());
			return;
		}
		let gen: Iterator<unknown, T, unknown>;
		const prev = current;
		current = this as AbstractCoroutine<unknown>;
		try {
			gen = iteratorOf(body.call(this as never, this as never));
		} catch (e) {
			current = prev;
			this.finishBody(true, toError(e));
			return;
		}
		current = prev;
		this.body = gen;
		this.step(gen, false, undefined);
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
				if (
					instruction instanceof Instruction &&
					takenByDelegation(instruction)
				) {
					try {
						value = instruction.execute(this);
						if (value === SUSPENDED) break;
						failed = false;
					} catch (e) {
						failed = true;
						value = e;
					}
				} else if (typeof (r as { then?: unknown }).then === "function") {
					// An async iterator answers next() with a promise: throwing into it would loop forever.
					done = true;
					doneFailed = true;
					result = new TypeError(
						"A coroutine body is an async generator: write it as a plain generator function (`function* () { ... }`), and wait for promises inside it with `yield* awaitPromise(p)`",
					);
					break;
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
		this.body = null;
		this.flags |= FINISHING_BODY;
		try {
			this.completeBody(failed, result);
		} catch (e) {
			// A plain Job() above us rethrew a completion handler's failure: report it.
			handleCoroutineException(this.context, toError(e));
		} finally {
			this.flags &= ~FINISHING_BODY;
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
		if ((this.flags & WAITING) === 0 || this.resultValue !== s) return;
		this.setResumption(failed, value, cancellable);
		const d = this.dispatcher;
		if (d.isDispatchNeeded(this.ctx)) d[DISPATCH_TASK](this.ctx, this);
		else runUnconfined(this);
	}

	/**
	 * Resumes without a dispatch and without a cancellation check (B1's "same frame"): called at
	 * the end of a scope's step, the caller's step follows at once in the same `run()` loop.
	 */
	resumeInPlace(s: Suspension, failed: boolean, value: unknown): void {
		if ((this.flags & WAITING) === 0 || this.resultValue !== s) return;
		this.setResumption(failed, value, false);
		handOff = this as AbstractCoroutine<unknown>;
	}

	/**
	 * Resumes now, from a task of the run queue that is not this coroutine's own (a lock or permit
	 * handed over: its task resumes the waiter): the step runs in this frame, through {@link run}.
	 */
	resumeFromTask(s: Suspension, failed: boolean, value: unknown): void {
		if ((this.flags & WAITING) === 0 || this.resultValue !== s) return;
		this.setResumption(failed, value, false);
		this.run();
	}

	private setResumption(
		failed: boolean,
		value: unknown,
		cancellable: boolean,
	): void {
		// Clears the wait too: the field now holds the resumption value.
		let flags = this.flags & ~(RESUME_FAILED | RESUME_CANCELLABLE | WAITING);
		if (failed) flags |= RESUME_FAILED;
		if (cancellable) flags |= RESUME_CANCELLABLE;
		this.flags = flags;
		this.resultValue = value;
	}

	/** C2: cancelling resumes the current wait with the CancellationException. */
	protected override onCancelling(_cause: Error): void {
		const w = this.waiting;
		if (w !== null) w.cancelWait(this, this.getCancellationException());
	}

	/** Completion handlers run in this coroutine's async context, as its steps do. */
	override invokeOnCompletion(
		handler: (cause: Error | null) => void,
		options?: { onCancelling?: boolean },
	): DisposableHandle {
		const ac = this.asyncContext;
		return super.invokeOnCompletion(
			ac === undefined || typeof handler !== "function"
				? handler
				: (cause) => {
						if (ac === activeAsyncContext) handler(cause);
						else runInAsyncContext(ac, handler, undefined, cause);
					},
			options,
		);
	}

	/** E9: a throwing completion handler of a coroutine is reported, never rethrown. */
	protected override handleOnCompletionException(exception: Error): void {
		handleCoroutineException(this.context, exception);
	}
}

/** One step, called through the coroutine's async context. */
function stepOf(this: AbstractCoroutine<unknown>): void {
	this.runStep();
}

function iteratorOf<T>(body: unknown): Iterator<unknown, T, unknown> {
	if (body !== null && typeof body === "object") {
		// A generator object is its own iterator: skip the Symbol.iterator lookup.
		if (typeof (body as Iterator<unknown>).next === "function") {
			return body as Iterator<unknown, T, unknown>;
		}
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
		value instanceof Instruction ||
		(value !== null &&
			typeof value === "object" &&
			typeof (value as Iterator<unknown>).next === "function")
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
