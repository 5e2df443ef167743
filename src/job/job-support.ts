/**
 * The job state machine, kotlinx.coroutines' `JobSupport` on one thread.
 *
 * Internal state, and the public state word it shows:
 *
 *   phase    completing  rootCause   final       public state
 *   NEW      false       null        -           New
 *   ACTIVE   false       null        -           Active
 *   ACTIVE   true        null        -           Completing   (body done, children unfinished)
 *   ACTIVE   any         set         -           Cancelling   (cancelled or failed, not finished)
 *   FINAL    true        null        null        Completed
 *   FINAL    true        set         set         Cancelled    (also after a failure)
 *
 * Transitions:
 *   NEW --start()--> ACTIVE
 *   ACTIVE --cancel/fail (sets rootCause, notifies once)--> Cancelling
 *   ACTIVE --body returns / complete()--> completing
 *   completing && no unfinished child --finalize()--> FINAL (exactly once)
 *   NEW --cancel--> completing + Cancelling at once: the body never runs (S6).
 *
 * Invariants checked where cheap: rootCause is set at most once; FINAL is entered once; a node is
 * in at most one list; `childCount` equals the number of ChildNodes in the list.
 *
 * Propagation between jobs (a child's failure going up, a cancellation going down, a finished
 * child letting its parent finish) goes through {@link post}, a trampoline: a chain of a million
 * jobs completing or cancelling one another runs in a loop, never deeper on the stack. A job's
 * own transitions stay synchronous, so `job.cancel(); job.isCancelled` is true at once.
 */
import { AbstractCoroutineContextElement } from "../context/coroutine-context.js";
import {
	addSuppressed,
	CancellationException,
	CompletionHandlerException,
	IllegalStateException,
	isCancellation,
	newJobCancellation,
	TimeoutCancellationException,
} from "../errors/exceptions.js";
import type { Suspend } from "../intrinsics/instruction.js";
import {
	CancelAndJoinInstruction,
	JoinInstruction,
} from "../intrinsics/join-await.js";
import {
	type DisposableHandle,
	NonDisposableHandle,
} from "./disposable-handle.js";
import { HandlerNode } from "./handler-node.js";
import type { Job } from "./job.js";
import { JobKey } from "./job-key.js";

const NEW = 0;
const ACTIVE = 1;
const FINAL = 2;

let nextId = 1;

export class JobSupport extends AbstractCoroutineContextElement implements Job {
	private phase: number;
	private completing = false;
	private rootCause: Error | null = null;
	private exceptions: Error[] | null = null;
	private finalException: Error | null = null;
	/** The value the body returned (coroutines) — read by Deferred. */
	protected resultValue: unknown = undefined;
	private head: HandlerNode | null = null;
	private tail: HandlerNode | null = null;
	private childCount = 0;
	private childCause: CancellationException | null = null;
	private cachedCancellation: CancellationException | null = null;
	private parentNode: ChildNode | null = null;
	private parentJob: JobSupport | null = null;
	private abortController: AbortController | null = null;
	readonly id: number = nextId++;

	constructor(active: boolean) {
		super(JobKey);
		this.phase = active ? ACTIVE : NEW;
	}

	// ---- hooks for subclasses -------------------------------------------------------------

	/** The class name shown by toString and default messages (Kotlin's class simple name). */
	get className(): string {
		return "JobSupport";
	}
	/** Jobs without a body (Job(), SupervisorJob()) complete as soon as they are cancelled. */
	protected get onCancelComplete(): boolean {
		return false;
	}
	/** Scoped coroutines rethrow to their caller instead of cancelling their parent (P8). */
	protected get isScopedCoroutine(): boolean {
		return false;
	}
	/** Whether a child's failure given to this job counts as handled (P7). */
	get handlesException(): boolean {
		return true;
	}
	/** E4: the last chance to handle the final exception; true when handled. */
	protected handleJobException(_exception: Error): boolean {
		return false;
	}
	/** Called by start() for a job created New (lazy coroutines dispatch their body here). */
	protected onStart(): void {}
	/** Called once when the job becomes Cancelling, before anyone else is told. */
	protected onCancelling(_cause: Error): void {}
	/** Called once at the final state, after the exception was handled, before handlers run. */
	protected onCompletionInternal(): void {}
	/** A completion handler threw: coroutines report it; plain jobs rethrow to the completer. */
	protected handleOnCompletionException(exception: Error): void {
		throw exception;
	}

	// ---- public state -------------------------------------------------------------------

	get isActive(): boolean {
		return this.phase === ACTIVE && this.rootCause === null;
	}
	get isCompleted(): boolean {
		return this.phase === FINAL;
	}
	get isCancelled(): boolean {
		return this.rootCause !== null;
	}
	get parent(): Job | null {
		return this.parentJob;
	}
	get children(): Iterable<Job> {
		const self = this;
		return {
			*[Symbol.iterator]() {
				for (let n = self.head; n !== null; n = n.next) {
					if (!n.owner || !(n instanceof ChildNode)) continue;
					yield n.child;
				}
			},
		};
	}
	/** New, Active, Completing, Cancelling, Cancelled or Completed. */
	stateString(): string {
		if (this.phase === NEW) return "New";
		if (this.phase === FINAL)
			return this.finalException === null ? "Completed" : "Cancelled";
		if (this.rootCause !== null) return "Cancelling";
		return this.completing ? "Completing" : "Active";
	}
	/** The name part of toString: the class name, prefixed with `"<CoroutineName>":` if any. */
	nameString(): string {
		return this.className;
	}
	override toString(): string {
		return `${this.nameString()}{${this.stateString()}}@${this.id.toString(16)}`;
	}

	/** The final exception (null if completed normally or not complete). */
	protected get completionException(): Error | null {
		return this.finalException;
	}
	/** Failing or failed with something other than a CancellationException: that failure. */
	protected get failureCause(): Error | null {
		const c = this.rootCause;
		return c !== null && !isCancellation(c) ? c : null;
	}
	/** The final exception once complete, else null (Kotlin's getCompletionExceptionOrNull). */
	getCompletionExceptionOrNull(): Error | null {
		if (this.phase !== FINAL) {
			throw new IllegalStateException("This job has not completed yet");
		}
		return this.finalException;
	}

	// ---- starting and completing --------------------------------------------------------

	start(): boolean {
		if (this.phase !== NEW) return false;
		this.phase = ACTIVE;
		this.onStart();
		return true;
	}

	/** Kotlin's `makeCompletingOnce`: the body ended with a value or an exception. */
	protected completeBody(failed: boolean, value: unknown): void {
		if (this.completing || this.phase === FINAL) {
			throw new IllegalStateException(
				`Job ${this} is already complete or completing`,
			);
		}
		if (failed) this.recordException(value as Error);
		else this.resultValue = value;
		this.completing = true;
		this.tryFinalize();
	}

	/** Whether complete()/completeExceptionally() would still be accepted. */
	protected get canComplete(): boolean {
		return !this.completing && this.phase !== FINAL;
	}

	/** CompletableJob.complete(): false once completing or complete. */
	completeJob(): boolean {
		if (this.completing || this.phase === FINAL) return false;
		if (this.phase === NEW) this.phase = ACTIVE;
		this.completing = true;
		this.tryFinalize();
		return true;
	}

	/** CompletableJob.completeExceptionally(e): false once completing or complete. */
	completeJobExceptionally(exception: Error): boolean {
		if (this.completing || this.phase === FINAL) return false;
		if (this.phase === NEW) this.phase = ACTIVE;
		this.recordException(exception);
		this.completing = true;
		this.tryFinalize();
		return true;
	}

	// ---- cancellation -------------------------------------------------------------------

	cancel(cause?: CancellationException | string): void {
		let ce: CancellationException;
		if (cause === undefined) ce = this.defaultCancellation();
		else if (typeof cause === "string")
			ce = newJobCancellation(cause, null, this);
		else if (cause instanceof CancellationException) ce = cause;
		else {
			throw new TypeError(
				"cancel(cause): cause must be a CancellationException or a message string; to fail a job use completeExceptionally",
			);
		}
		this.cancelImpl(ce);
	}

	private defaultCancellation(): CancellationException {
		return newJobCancellation(this.defaultCancellationMessage(), null, this);
	}

	/** Kotlin's `cancellationExceptionMessage`. */
	protected defaultCancellationMessage(): string {
		return `${this.className} was cancelled`;
	}

	/** Kotlin's `cancelImpl`: returns false when it is too late (the job is complete). */
	cancelImpl(cause: Error): boolean {
		if (this.phase === FINAL) return false;
		if (this.onCancelComplete) {
			this.recordException(cause);
			if (!this.completing) {
				this.completing = true;
				this.tryFinalize();
			}
			return true;
		}
		if (this.phase === NEW) {
			// S6: never started; the body never runs.
			this.phase = ACTIVE;
			this.recordException(cause);
			this.completing = true;
			this.tryFinalize();
			return true;
		}
		this.recordException(cause);
		return true;
	}

	/** A parent job's cancellation reaching this child (P5). */
	parentCancelled(cause: Error): void {
		this.cancelImpl(cause);
	}

	/** P7: a child's exception. CE is ignored; a failure cancels this job. */
	childCancelled(cause: Error): boolean {
		if (isCancellation(cause)) return true;
		return this.cancelImpl(cause) && this.handlesException;
	}

	/** What `childCancelled` would answer, without doing it (used at finalization, see E4). */
	acceptsChildFailure(): boolean {
		return this.handlesException;
	}

	/**
	 * Kotlin's `addExceptionLocked` plus the first `notifyCancelling`: the first exception becomes
	 * the root cause and starts cancelling; later ones are kept for the final exception.
	 */
	private recordException(exception: Error): void {
		if (this.rootCause === null) {
			this.rootCause = exception;
			this.notifyCancelling(exception);
			return;
		}
		if (exception === this.rootCause) return;
		if (this.exceptions === null) this.exceptions = [exception];
		else if (!this.exceptions.includes(exception))
			this.exceptions.push(exception);
	}

	/** H3: children and onCancelling handlers first, then the body's own wait, then the parent. */
	private notifyCancelling(cause: Error): void {
		for (let n = this.head; n !== null; n = n.next) {
			if (n.owner === null || !n.onCancelling || n.fired) continue;
			n.fired = true;
			this.invokeNode(n, cause);
		}
		this.onCancelling(cause);
		const ac = this.abortController;
		if (ac !== null) ac.abort(this.getCancellationException());
		// P6: a failure climbs at once, without waiting for children or the body.
		if (
			!this.isScopedCoroutine &&
			this.parentJob !== null &&
			!isCancellation(cause)
		) {
			post(OP_CHILD_CANCELLED, this.parentJob, cause);
		}
	}

	/** P5: the cause given to children: the root cause if it is a CE, else a JCE wrapping it. */
	childCancellationCause(): CancellationException {
		let c = this.childCause;
		if (c === null) {
			const root = this.rootCause;
			c =
				root instanceof CancellationException
					? root
					: newJobCancellation("Parent job is Cancelling", root, this);
			this.childCause = c;
		}
		return c;
	}

	/** C3: the exception a cancelled coroutine sees at its suspension points. */
	getCancellationException(): CancellationException {
		const cached = this.cachedCancellation;
		if (cached !== null) return cached;
		let ce: CancellationException;
		if (this.phase === FINAL) {
			const e = this.finalException;
			ce =
				e === null
					? newJobCancellation(
							`${this.className} has completed normally`,
							null,
							this,
						)
					: this.toCancellation(e, this.defaultCancellationMessage());
		} else if (this.rootCause !== null) {
			ce = this.toCancellation(
				this.rootCause,
				`${this.className} is cancelling`,
			);
		} else {
			throw new IllegalStateException(`Job is still new or active: ${this}`);
		}
		this.cachedCancellation = ce;
		return ce;
	}

	private toCancellation(e: Error, message: string): CancellationException {
		return e instanceof CancellationException
			? e
			: newJobCancellation(message, e, this);
	}

	/** C9: suspends until this job is complete; throws only if the caller is cancelled. */
	join(): Suspend<void> {
		return new JoinInstruction(this);
	}

	/** C11: `cancel()` then `join()`. */
	cancelAndJoin(): Suspend<void> {
		return new CancelAndJoinInstruction(this);
	}

	/** @internal The value the body returned (read by await once complete). */
	completedValue(): unknown {
		return this.resultValue;
	}
	/** @internal The final exception once complete. */
	completionFailure(): Error | null {
		return this.finalException;
	}
	/** @internal The failure this job is failing with (not a CancellationException), if any. */
	failingCause(): Error | null {
		return this.failureCause;
	}

	ensureActive(): void {
		if (!this.isActive) throw this.getCancellationException();
	}

	asAbortSignal(): AbortSignal {
		let ac = this.abortController;
		if (ac === null) {
			ac = new AbortController();
			this.abortController = ac;
			if (this.rootCause !== null) ac.abort(this.getCancellationException());
		}
		return ac.signal;
	}

	// ---- children -----------------------------------------------------------------------

	/**
	 * P3: attaches `child`. A complete parent cancels it at once and does not track it; a
	 * cancelling parent tracks it and cancels it at once with its child cause.
	 */
	attachChild(child: JobSupport): void {
		if (this.phase === NEW) this.start();
		if (this.phase === FINAL) {
			child.cancelImpl(this.getCancellationException());
			return;
		}
		const node = new ChildNode(child);
		child.parentJob = this;
		child.parentNode = node;
		this.childCount++;
		this.appendNode(node);
		if (this.rootCause !== null) {
			node.fired = true;
			child.parentCancelled(this.childCancellationCause());
		}
	}

	private childFinished(node: ChildNode): void {
		if (node.owner === this) this.removeNode(node);
		this.childCount--;
		this.tryFinalize();
	}

	// ---- finishing ----------------------------------------------------------------------

	private tryFinalize(): void {
		if (!this.completing || this.phase === FINAL || this.childCount > 0) return;
		this.finalizeState();
	}

	private finalizeState(): void {
		const root = this.rootCause;
		let final: Error | null = null;
		if (root !== null) {
			final = finalRootCause(root, this.exceptions);
			if (this.exceptions !== null) {
				for (const e of [root, ...this.exceptions]) {
					if (e !== final && !isCancellation(e)) addSuppressed(final, e);
				}
			}
			this.exceptions = null;
		}
		this.finalException = final;
		this.phase = FINAL;
		this.cachedCancellation = null;
		if (final !== null) this.handleFinalException(final);
		this.onCompletionInternal();
		// Detach from the parent, then tell it (through the trampoline) that one child is done.
		const parent = this.parentJob;
		if (parent !== null) {
			const node = this.parentNode!;
			this.parentNode = null;
			post(OP_CHILD_DONE, parent, node);
		}
		this.notifyCompletion(final);
	}

	/** E4: the parent takes it (or it is a CE), else handleJobException. */
	private handleFinalException(final: Error): void {
		if (this.isScopedCoroutine) return;
		if (isCancellation(final)) return;
		const parent = this.parentJob;
		let handled = false;
		if (parent !== null) {
			handled = parent.acceptsChildFailure();
			post(OP_CHILD_CANCELLED, parent, final);
		}
		if (!handled) this.handleJobException(final);
	}

	private notifyCompletion(final: Error | null): void {
		let n = this.head;
		this.head = null;
		this.tail = null;
		let failure: Error | null = null;
		while (n !== null) {
			const next = n.next;
			if (n.owner !== null) {
				n.owner = null;
				if (!n.fired) {
					n.fired = true;
					try {
						n.invoke(final);
					} catch (e) {
						failure = collectHandlerFailure(failure, e, this);
					}
				}
			}
			n.prev = null;
			n = next;
		}
		if (failure !== null) this.handleOnCompletionException(failure);
	}

	private invokeNode(n: HandlerNode, cause: Error | null): void {
		try {
			n.invoke(cause);
		} catch (e) {
			this.handleOnCompletionException(collectHandlerFailure(null, e, this));
		}
	}

	// ---- handler list -------------------------------------------------------------------

	/**
	 * H1/H2: registers a completion handler. On a complete job (or, for `onCancelling`, a
	 * cancelling one) the handler runs at once and the handle does nothing.
	 */
	invokeOnCompletion(
		handler: (cause: Error | null) => void,
		options?: { onCancelling?: boolean },
	): DisposableHandle {
		if (typeof handler !== "function") {
			throw new TypeError(
				`invokeOnCompletion(handler): handler must be a function, got ${typeof handler}`,
			);
		}
		return this.addNode(
			new UserHandlerNode(handler, options?.onCancelling === true),
		);
	}

	/** Adds a node, or invokes it at once when its moment has already come. */
	addNode(node: HandlerNode): DisposableHandle {
		if (this.phase === FINAL) {
			node.fired = true;
			node.invoke(this.finalException);
			return NonDisposableHandle;
		}
		if (node.onCancelling && this.rootCause !== null) {
			node.fired = true;
			node.invoke(this.rootCause);
			return NonDisposableHandle;
		}
		this.appendNode(node);
		return node;
	}

	private appendNode(node: HandlerNode): void {
		node.owner = this;
		node.prev = this.tail;
		node.next = null;
		if (this.tail === null) this.head = node;
		else this.tail.next = node;
		this.tail = node;
	}

	/** Unlinks a node in O(1). Its `next` is kept so that a walk in progress goes on. */
	removeNode(node: HandlerNode): void {
		if (node.owner !== this) return;
		node.owner = null;
		const { prev, next } = node;
		if (prev === null) this.head = next;
		else prev.next = next;
		if (next === null) this.tail = prev;
		else next.prev = prev;
		node.prev = null;
	}

	// ---- trampoline ops -----------------------------------------------------------------

	/** @internal Runs one posted operation on this job. */
	runOp(op: number, arg: unknown): void {
		switch (op) {
			case OP_PARENT_CANCELLED:
				this.parentCancelled(arg as Error);
				break;
			case OP_CHILD_CANCELLED:
				this.childCancelled(arg as Error);
				break;
			case OP_CHILD_DONE:
				this.childFinished(arg as ChildNode);
				break;
		}
	}
}

const OP_PARENT_CANCELLED = 0;
const OP_CHILD_CANCELLED = 1;
const OP_CHILD_DONE = 2;

const ops: unknown[] = [];
let draining = false;

/**
 * Runs an operation on another job now, or — when one is already running — right after it, in
 * a loop. Keeps propagation along a long chain of jobs off the stack. A throwing operation does
 * not stop the others; the first error is rethrown once the queue is empty.
 */
function post(op: number, job: JobSupport, arg: unknown): void {
	ops.push(op, job, arg);
	if (draining) return;
	draining = true;
	let failure: unknown = null;
	let failed = false;
	try {
		for (let i = 0; i < ops.length; i += 3) {
			const target = ops[i + 1] as JobSupport;
			const opArg = ops[i + 2];
			const code = ops[i] as number;
			ops[i + 1] = undefined;
			ops[i + 2] = undefined;
			try {
				target.runOp(code, opArg);
			} catch (e) {
				if (!failed) {
					failed = true;
					failure = e;
				}
			}
		}
	} finally {
		ops.length = 0;
		draining = false;
	}
	if (failed) throw failure;
}

/** The node a child occupies in its parent's list; invoked when the parent starts cancelling. */
class ChildNode extends HandlerNode {
	readonly onCancelling = true;
	constructor(readonly child: JobSupport) {
		super();
	}
	invoke(_cause: Error | null): void {
		const parent = this.owner ?? this.child.parent;
		if (parent instanceof JobSupport) {
			post(OP_PARENT_CANCELLED, this.child, parent.childCancellationCause());
		}
	}
}

class UserHandlerNode extends HandlerNode {
	constructor(
		private readonly handler: (cause: Error | null) => void,
		readonly onCancelling: boolean,
	) {
		super();
	}
	invoke(cause: Error | null): void {
		this.handler(cause);
	}
}

/** E2: the first non-CE; else the first CE, or a later, different TCE when the first is a TCE. */
function finalRootCause(root: Error, later: Error[] | null): Error {
	if (!isCancellation(root)) return root;
	if (later !== null) {
		for (const e of later) if (!isCancellation(e)) return e;
		if (root instanceof TimeoutCancellationException) {
			for (const e of later)
				if (e !== root && e instanceof TimeoutCancellationException) return e;
		}
	}
	return root;
}

/** E9: wraps a handler's exception; later ones become suppressed exceptions of the first. */
function collectHandlerFailure(
	first: Error | null,
	e: unknown,
	job: JobSupport,
): Error {
	const wrapped = new CompletionHandlerException(
		`Exception in completion handler for ${job}`,
		e,
	);
	if (first === null) return wrapped;
	addSuppressed(first, wrapped);
	return first;
}
