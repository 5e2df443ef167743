/**
 * The job state machine, kotlinx.coroutines' `JobSupport` on one thread.
 *
 * Internal state (`flags` bits and `cause`), and the public state word it shows:
 *
 *   phase    COMPLETING  cause       public state
 *   NEW      no          null        New
 *   ACTIVE   no          null        Active
 *   ACTIVE   yes         null        Completing   (body done, children unfinished)
 *   ACTIVE   any         root cause  Cancelling   (cancelled or failed, not finished)
 *   FINAL    yes         null        Completed
 *   FINAL    yes         final exc.  Cancelled    (also after a failure)
 *
 * Transitions:
 *   NEW --start()--> ACTIVE
 *   ACTIVE --first cancel/failure: cause := root cause, notify once--> Cancelling
 *   ACTIVE --body returns / complete()--> COMPLETING
 *   COMPLETING && no unfinished child --finalizeState()--> FINAL, cause := final exception
 *   NEW --cancel--> ACTIVE + COMPLETING + Cancelling at once: the body never runs (S6).
 *
 * Invariants: the root cause is set once and, until FINAL, never changes; FINAL is entered once;
 * a node is in at most one list (`owner`); `childCount` (in the rare state, which every parent
 * has) is the number of child jobs in the list.
 *
 * A job is itself a node of its parent's handler list (`owner` is the parent while attached):
 * no separate child handle is allocated, which matters with 100,000 coroutines alive.
 *
 * Propagation between jobs (a child's failure going up, a cancellation going down, a finished
 * child letting its parent finish) goes through {@link post}, a trampoline: a chain of a million
 * jobs completing or cancelling one another runs in a loop, never deeper on the stack. A job's
 * own transitions stay synchronous, so `job.cancel(); job.isCancelled` is true at once.
 */
import {
	type CoroutineContext,
	type CoroutineContextElement,
	type CoroutineContextKey,
	combineContexts,
} from "../context/coroutine-context.js";
import {
	addSuppressed,
	CancellationException,
	IllegalStateException,
	isCancellation,
	newCancellation,
	newJobCancellation,
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
import { collectHandlerFailure, finalRootCause } from "./final-exception.js";
import {
	HandlerList,
	type HandlerNode,
	ListEnds,
	UserHandlerNode,
} from "./handler-list.js";
import type { Job } from "./job.js";
import { JobKey } from "./job-key.js";
import {
	OP_CHILD_CANCELLED,
	OP_CHILD_DONE,
	OP_PARENT_CANCELLED,
	post,
} from "./propagation.js";

const PHASE_MASK = 3;
const NEW = 0;
const ACTIVE = 1;
const FINAL = 2;
/** The body ended (or complete() was called): finish once the children are done. */
const COMPLETING = 4;
/** Telling children and handlers that cancelling began: finalizing waits until it is done. */
const NOTIFYING = 8;
/** Free for subclasses: bits from 16 up. */
export const FIRST_SUBCLASS_FLAG = 16;

let nextId = 1;

/**
 * State few jobs need, kept out of the job object to keep it small: the handler list's ends
 * (children, handlers, waiters), the child count, later exceptions, cached exceptions, the
 * AbortController and the debug id.
 */
class RareState extends ListEnds {
	/** Exceptions after the root cause (E1). */
	exceptions: Error[] | null = null;
	childCause: CancellationException | null = null;
	cancellation: CancellationException | null = null;
	/** The number of child jobs in the list (kept here: most jobs never have a child). */
	childCount = 0;
	abortController: AbortController | null = null;
	id = 0;
}

export class JobSupport
	extends HandlerList
	implements Job, CoroutineContextElement
{
	/** Phase bits, COMPLETING, and subclass flags. */
	protected flags: number;
	/** The root cause while cancelling; the final exception once FINAL. */
	private cause: Error | null = null;
	/**
	 * The value the body returned (coroutines, deferreds). While a coroutine's body runs, it holds
	 * the value its next step resumes with instead (the two never overlap: a coroutine whose body
	 * ended accepts no resumption).
	 */
	protected resultValue: unknown = undefined;
	declare protected rare: RareState | null;

	constructor(active: boolean) {
		super();
		this.flags = active ? ACTIVE : NEW;
	}

	// ---- context element ----------------------------------------------------------------

	get key(): CoroutineContextKey<Job> {
		return JobKey;
	}
	get<E extends CoroutineContextElement>(
		key: CoroutineContextKey<E>,
	): E | undefined {
		return (key as unknown) === JobKey ? (this as unknown as E) : undefined;
	}
	plus(other: CoroutineContext): CoroutineContext {
		return combineContexts(this, other);
	}
	minusKey(key: CoroutineContextKey<unknown>): CoroutineContext {
		return combineContexts(this, null, key);
	}
	*[Symbol.iterator](): Iterator<CoroutineContextElement> {
		yield this;
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
	/** Called once when the job becomes Cancelling, after children and handlers were told. */
	protected onCancelling(_cause: Error): void {}
	/** Called once at the final state, after the exception was handled, before handlers run. */
	protected onCompletionInternal(): void {}
	/** A completion handler threw: coroutines report it; plain jobs rethrow to the completer. */
	protected handleOnCompletionException(exception: Error): void {
		throw exception;
	}

	// ---- public state -------------------------------------------------------------------

	get isActive(): boolean {
		return (this.flags & PHASE_MASK) === ACTIVE && this.cause === null;
	}
	get isCompleted(): boolean {
		return (this.flags & PHASE_MASK) === FINAL;
	}
	get isCancelled(): boolean {
		return this.cause !== null;
	}
	/** The parent job while attached (Kotlin drops the link once the child completes). */
	get parent(): Job | null {
		return this.parentJob;
	}
	/** A job is a node of its parent's list: the parent is the list's owner. */
	private get parentJob(): JobSupport | null {
		return this.owner as JobSupport | null;
	}
	get children(): Iterable<Job> {
		const self = this;
		return {
			*[Symbol.iterator]() {
				for (let n = self.head; n !== null; n = n.next) {
					if (n.owner === self && n instanceof JobSupport) yield n;
				}
			},
		};
	}
	/** New, Active, Completing, Cancelling, Cancelled or Completed. */
	stateString(): string {
		const phase = this.flags & PHASE_MASK;
		if (phase === NEW) return "New";
		if (phase === FINAL) return this.cause === null ? "Completed" : "Cancelled";
		if (this.cause !== null) return "Cancelling";
		return this.flags & COMPLETING ? "Completing" : "Active";
	}
	/** The name part of toString: the class name, prefixed with `"<CoroutineName>":` if any. */
	nameString(): string {
		return this.className;
	}
	/** A number identifying this job in toString and debug dumps, given on first use. */
	get id(): number {
		const rare = this.rareState();
		if (rare.id === 0) rare.id = nextId++;
		return rare.id;
	}
	override toString(): string {
		return `${this.nameString()}{${this.stateString()}}@${this.id.toString(16)}`;
	}

	/** The final exception (null if completed normally or not complete). */
	protected get completionException(): Error | null {
		return this.isCompleted ? this.cause : null;
	}
	/** The final exception once complete, else null (Kotlin's getCompletionExceptionOrNull). */
	getCompletionExceptionOrNull(): Error | null {
		if (!this.isCompleted) {
			throw new IllegalStateException("This job has not completed yet");
		}
		return this.cause;
	}

	protected rareState(): RareState {
		let rare = this.rare;
		if (rare === null) {
			rare = new RareState();
			this.rare = rare;
		}
		return rare;
	}

	// ---- starting and completing --------------------------------------------------------

	start(): boolean {
		if ((this.flags & PHASE_MASK) !== NEW) return false;
		this.flags = (this.flags & ~PHASE_MASK) | ACTIVE;
		this.onStart();
		return true;
	}

	/** Kotlin's `makeCompletingOnce`: the body ended with a value or an exception. */
	protected completeBody(failed: boolean, value: unknown): void {
		if (!this.canComplete) {
			throw new IllegalStateException(
				`Job ${this} is already complete or completing`,
			);
		}
		// Completing first, as Kotlin's Finishing state: a cancellation arriving while this job
		// notifies its failure must not complete it a second time.
		this.flags |= COMPLETING;
		if (failed) this.recordException(value as Error);
		else this.resultValue = value;
		this.tryFinalize();
	}

	/** Whether complete()/completeExceptionally() would still be accepted. */
	protected get canComplete(): boolean {
		return (
			(this.flags & COMPLETING) === 0 && (this.flags & PHASE_MASK) !== FINAL
		);
	}

	/** CompletableJob.complete(): false once completing or complete. */
	completeJob(): boolean {
		if (!this.canComplete) return false;
		this.flags = (this.flags & ~PHASE_MASK) | ACTIVE | COMPLETING;
		this.tryFinalize();
		return true;
	}

	/** CompletableJob.completeExceptionally(e): false once completing or complete. */
	completeJobExceptionally(exception: Error): boolean {
		if (!this.canComplete) return false;
		this.flags = (this.flags & ~PHASE_MASK) | ACTIVE | COMPLETING;
		this.recordException(exception);
		this.tryFinalize();
		return true;
	}

	// ---- cancellation -------------------------------------------------------------------

	cancel(cause?: CancellationException | string): void {
		let ce: CancellationException;
		if (cause === undefined) {
			ce = newJobCancellation(this.defaultCancellationMessage(), null, this);
		} else if (typeof cause === "string") ce = newCancellation(cause);
		else if (cause instanceof CancellationException) ce = cause;
		else {
			throw new TypeError(
				"cancel(cause): cause must be a CancellationException or a message string; to fail a job use completeExceptionally",
			);
		}
		this.cancelImpl(ce);
	}

	/** P9: cancels the children, leaving this job itself untouched. */
	cancelChildren(cause?: CancellationException | string): void {
		const shared = typeof cause === "string" ? newCancellation(cause) : cause;
		for (const child of [...this.children]) child.cancel(shared);
	}

	/** Kotlin's `cancellationExceptionMessage`. */
	protected defaultCancellationMessage(): string {
		return `${this.className} was cancelled`;
	}

	/** Kotlin's `cancelImpl`: returns false when it is too late (the job is complete). */
	cancelImpl(cause: Error): boolean {
		const phase = this.flags & PHASE_MASK;
		if (phase === FINAL) return false;
		if (phase === NEW || this.onCancelComplete) {
			// S6: a New job never runs its body. S9: a bodyless job completes once cancelled.
			this.flags = (this.flags & ~PHASE_MASK) | ACTIVE | COMPLETING;
		}
		this.recordException(cause);
		this.tryFinalize();
		return true;
	}

	/** P7: a child's exception. CE is ignored; a failure cancels this job. */
	childCancelled(cause: Error): boolean {
		if (isCancellation(cause)) return true;
		return this.cancelImpl(cause) && this.handlesException;
	}

	/** What `childCancelled` would answer for a failure, without doing it (E4). */
	acceptsChildFailure(): boolean {
		return this.handlesException;
	}

	/**
	 * Kotlin's `addExceptionLocked` plus the first `notifyCancelling`: the first exception becomes
	 * the root cause and starts cancelling; later ones are kept for the final exception.
	 */
	private recordException(exception: Error): void {
		const root = this.cause;
		if (root === null) {
			this.cause = exception;
			// Children finishing while we notify must not finalize us mid-notification.
			this.flags |= NOTIFYING;
			try {
				this.notifyCancelling(exception);
			} finally {
				this.flags &= ~NOTIFYING;
			}
			return;
		}
		if (exception === root) return;
		const rare = this.rareState();
		if (rare.exceptions === null) rare.exceptions = [exception];
		else if (!rare.exceptions.includes(exception))
			rare.exceptions.push(exception);
	}

	/** H3: children and onCancelling handlers first, then the body's own wait, then the parent. */
	private notifyCancelling(cause: Error): void {
		let failure: Error | null = null;
		for (let n = this.head; n !== null; n = n.next) {
			if (n.owner !== this || !n.firesOnCancelling) continue;
			// A handler runs once: it leaves the list (the walk goes on through its `next`). A
			// child stays until it finishes; a second cancel with the same cause is a no-op.
			if (!(n instanceof JobSupport)) this.removeNode(n);
			try {
				n.invoke(cause);
			} catch (e) {
				failure = collectHandlerFailure(failure, e, this);
			}
		}
		this.onCancelling(cause);
		const ac = this.rare?.abortController;
		if (ac != null) ac.abort(this.getCancellationException());
		// P6: a failure climbs at once, without waiting for children or the body.
		const parent = this.parentJob;
		if (parent !== null && !this.isScopedCoroutine && !isCancellation(cause)) {
			post(OP_CHILD_CANCELLED, parent, cause);
		}
		if (failure !== null) this.handleOnCompletionException(failure);
	}

	/** P5: the cause given to children: the root cause if it is a CE, else a JCE wrapping it. */
	childCancellationCause(): CancellationException {
		const root = this.cause;
		if (root instanceof CancellationException) return root;
		const rare = this.rareState();
		let c = rare.childCause;
		if (c === null) {
			c = newJobCancellation("Parent job is Cancelling", root, this);
			rare.childCause = c;
		}
		return c;
	}

	/** C3: the exception a cancelled coroutine sees at its suspension points. */
	getCancellationException(): CancellationException {
		const cause = this.cause;
		if (cause instanceof CancellationException) return cause;
		const final = this.isCompleted;
		if (cause === null && !final) {
			throw new IllegalStateException(`Job is still new or active: ${this}`);
		}
		const rare = this.rareState();
		let ce = rare.cancellation;
		if (ce === null) {
			ce =
				cause === null
					? newJobCancellation(
							`${this.className} has completed normally`,
							null,
							this,
						)
					: newJobCancellation(
							final
								? this.defaultCancellationMessage()
								: `${this.className} is cancelling`,
							cause,
							this,
						);
			rare.cancellation = ce;
		}
		return ce;
	}

	ensureActive(): void {
		if (!this.isActive) throw this.getCancellationException();
	}

	asAbortSignal(): AbortSignal {
		const rare = this.rareState();
		let ac = rare.abortController;
		if (ac === null) {
			ac = new AbortController();
			rare.abortController = ac;
			if (this.cause !== null) ac.abort(this.getCancellationException());
		}
		return ac.signal;
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
		return this.isCompleted ? this.cause : null;
	}
	/** @internal The failure (not a CancellationException) this job is failing with, if any. */
	failingCause(): Error | null {
		const c = this.cause;
		return c !== null && !isCancellation(c) ? c : null;
	}

	// ---- children -----------------------------------------------------------------------

	/** As a node of the parent's list: the parent started cancelling (P5). */
	get firesOnCancelling(): boolean {
		return true;
	}
	invoke(_cause: Error | null): void {
		const parent = this.parentJob;
		if (parent !== null)
			post(OP_PARENT_CANCELLED, this, parent.childCancellationCause());
	}

	/**
	 * P3: attaches `child`. A complete parent cancels it at once and does not track it; a
	 * cancelling parent tracks it and cancels it at once with its child cause.
	 */
	attachChild(child: JobSupport): void {
		if ((this.flags & PHASE_MASK) === NEW) this.start();
		if (this.isCompleted) {
			child.cancelImpl(this.getCancellationException());
			return;
		}
		this.rareState().childCount++;
		this.appendNode(child);
		if (this.cause !== null) {
			child.cancelImpl(this.childCancellationCause());
		}
	}

	private childFinished(child: JobSupport): void {
		this.removeNode(child);
		this.rare!.childCount--;
		this.tryFinalize();
	}

	// ---- finishing ----------------------------------------------------------------------

	private tryFinalize(): void {
		if (
			(this.flags & (COMPLETING | NOTIFYING | PHASE_MASK)) !==
			(COMPLETING | ACTIVE)
		)
			return;
		const rare = this.rare;
		if (rare !== null && rare.childCount > 0) return;
		this.finalizeState();
	}

	private finalizeState(): void {
		const root = this.cause;
		let final: Error | null = null;
		if (root !== null) {
			const later = this.rare?.exceptions ?? null;
			final = finalRootCause(root, later);
			if (later !== null) {
				for (const e of [root, ...later]) {
					if (e !== final && !isCancellation(e)) addSuppressed(final, e);
				}
				this.rare!.exceptions = null;
			}
		}
		// The final exception now decides what getCancellationException() says (C3).
		if (this.rare !== null) this.rare.cancellation = null;
		this.cause = final;
		this.flags = (this.flags & ~PHASE_MASK) | FINAL;
		if (final !== null) this.handleFinalException(final);
		this.onCompletionInternal();
		// H1: detach from the parent before the handlers run; the parent learns that one child
		// is done after them, so a child's handlers run before its parent completes.
		const parent = this.parentJob;
		if (parent !== null) parent.removeNode(this);
		try {
			this.notifyCompletion(final);
		} finally {
			if (parent !== null) post(OP_CHILD_DONE, parent, this);
		}
	}

	/** E4: the parent takes it (or it is a CE), else handleJobException. */
	private handleFinalException(final: Error): void {
		if (this.isScopedCoroutine || isCancellation(final)) return;
		const parent = this.parentJob;
		let handled = false;
		if (parent !== null) {
			handled = parent.acceptsChildFailure();
			post(OP_CHILD_CANCELLED, parent, final);
		}
		if (!handled) this.handleJobException(final);
	}

	private notifyCompletion(final: Error | null): void {
		let n = this.takeAll();
		let failure: Error | null = null;
		while (n !== null) {
			const next = n.next;
			if (n.owner === this) {
				n.owner = null;
				n.prev = null;
				try {
					n.invoke(final);
				} catch (e) {
					failure = collectHandlerFailure(failure, e, this);
				}
			}
			n = next;
		}
		if (failure !== null) this.handleOnCompletionException(failure);
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
		const node = new UserHandlerNode(handler, options?.onCancelling === true);
		return this.addNode(node) ? node : NonDisposableHandle;
	}

	/** Adds a node; or, when its moment has already come, invokes it at once and returns false. */
	addNode(node: HandlerNode): boolean {
		if (this.isCompleted) {
			node.invoke(this.cause);
			return false;
		}
		if (node.firesOnCancelling && this.cause !== null) {
			node.invoke(this.cause);
			return false;
		}
		this.appendNode(node);
		return true;
	}

	/** @internal Runs one operation posted to this job. */
	runOp(op: number, arg: unknown): void {
		if (op === OP_PARENT_CANCELLED) this.cancelImpl(arg as Error);
		else if (op === OP_CHILD_CANCELLED) this.childCancelled(arg as Error);
		else this.childFinished(arg as JobSupport);
	}
}
