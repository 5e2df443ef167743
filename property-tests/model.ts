/**
 * The reference model: Kotlin's Job rules (docs/semantics.md), written from the rules
 * and not from kocoro's code, executing the same programs through the same walker.
 *
 * It is a small single-threaded coroutine runtime of its own: jobs with a root cause and later
 * exceptions (E1–E3), cancellation flowing down before the coroutine's own wait is cancelled (P5,
 * H3), failures climbing at once (P6, P7), supervisors (V1), scoped coroutines that rethrow (P8,
 * E8) and return to their caller in the same frame or through a dispatch (B1), prompt
 * cancellation (C4), the `join`/`await`/`yield`/`delay` checks (C8–C13), timeouts (T1–T3),
 * NonCancellable (N2) and the exception handler (E4–E6).
 *
 * Scheduling follows the contract of kocoro/test's TestCoroutineScheduler, so that the model
 * predicts not only outcomes but the exact trace, seeded or not: one ready queue in dispatch
 * order and timers in (time, sequence) order moved to it when the clock reaches them (L1, L2); a
 * due `delay` resumes its coroutine at once (L2); every other resumption is a dispatch to the
 * tail (L3); with a seed, the next event is `ready[floor(random() * n)]` (mulberry32, one draw
 * when n >= 2), swapped with the head; the clock jumps to the next timer when nothing is ready.
 */
import type { Body, Program, ScopeKind, Start } from "./program.js";
import { type Effects, runProgram, type Suspending } from "./walker.js";

// ---- errors -----------------------------------------------------------------------------

/** A program failure (`throw eN`). */
class MFail extends Error {
	/** E3: the failures added to it as suppressed, in order. */
	readonly suppressed: MFail[] = [];
	constructor(readonly id: string) {
		super(id);
	}
}

/** A CancellationException: a TCE when `tce` (then `owner` is its timeout scope, if any). */
class MCE extends Error {
	constructor(
		readonly tce: boolean,
		readonly owner: MJob | null,
		override readonly cause: MErr | null,
	) {
		super(tce ? "TCE" : "CE");
	}
}

type MErr = MFail | MCE;

function isCE(e: unknown): e is MCE {
	return e instanceof MCE;
}

/** A final exception, with the failures it suppressed (E3). */
function classifyFinal(e: MErr): string {
	if (!(e instanceof MFail) || e.suppressed.length === 0)
		return classifyModel(e);
	return `${classifyModel(e)}[${e.suppressed.map((s) => s.id).join(",")}]`;
}

function classifyModel(e: unknown): string {
	if (e instanceof MFail) return `E:${e.id}`;
	if (e instanceof MCE) return e.tce ? "TCE" : "CE";
	return `other:${String(e)}`;
}

// ---- jobs -------------------------------------------------------------------------------

type JobKind = "launch" | "async" | "body" | "root" | ScopeKind;

type Wait =
	| { readonly k: "delay"; ev: MEvent }
	| { readonly k: "yield" }
	| { readonly k: "join"; readonly target: MJob; readonly listener: Listener }
	| { readonly k: "await"; readonly target: MJob; readonly listener: Listener }
	| { readonly k: "scope"; readonly scope: MJob };

interface Listener {
	readonly k: "trace" | "join" | "await";
	readonly co: MJob | null;
	wait: Wait | null;
	removed: boolean;
}

interface MEvent {
	readonly time: number;
	readonly seq: number;
	readonly run: () => void;
	/** A due delay: the coroutine it resumes runs right away (L2). */
	readonly direct: boolean;
}

type Req =
	| { readonly op: "delay"; readonly ms: number }
	| { readonly op: "yield" }
	| { readonly op: "join"; readonly target: MJob }
	| { readonly op: "cancelAndJoin"; readonly target: MJob }
	| { readonly op: "await"; readonly target: MJob }
	| {
			readonly op: "scope";
			readonly kind: ScopeKind | "root";
			readonly ms: number;
			readonly name: string;
			readonly body: (s: MJob) => Generator<unknown, string, unknown>;
	  };

const SUSPENDED = Symbol("suspended");

class MJob {
	/** Attached, unfinished children in attachment order (the parent's list, P4). */
	attached: MJob[] = [];
	/** Children not yet reported finished (the parent waits for these, P2). */
	childCount = 0;
	/** Root cause while cancelling; the final exception once final (S5, E2). */
	cause: MErr | null = null;
	exceptions: MErr[] = [];
	/** Created with CoroutineStart.LAZY and not started yet (S2). */
	isNew = false;
	completing = false;
	final = false;
	notifying = false;
	/** This job was already told its parent is cancelling. */
	firedCancel = false;
	result: unknown = undefined;
	listeners: Listener[] = [];
	cancellation: MCE | null = null;
	childCause: MCE | null = null;
	// the coroutine
	bodyFn: (() => Generator<unknown, unknown, unknown>) | null = null;
	gen: Generator<unknown, unknown, unknown> | null = null;
	started = false;
	bodyEnded = false;
	cancellableStart = false;
	waiting: Wait | null = null;
	resumption: { failed: boolean; value: unknown; cancellable: boolean } = {
		failed: false,
		value: undefined,
		cancellable: false,
	};
	finishingBody = false;
	// scopes
	caller: MJob | null = null;
	readonly asWait: Wait;
	timer: MEvent | null = null;

	constructor(
		readonly name: string,
		readonly kind: JobKind,
		readonly parent: MJob | null,
	) {
		this.asWait = { k: "scope", scope: this };
	}

	get isScoped(): boolean {
		return (
			this.kind !== "launch" && this.kind !== "async" && this.kind !== "body"
		);
	}
	get isActive(): boolean {
		return !this.final && this.cause === null;
	}
}

function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function* request<T>(r: Req): Generator<unknown, T, unknown> {
	return (yield r) as T;
}

export interface ModelResult {
	readonly trace: readonly string[];
	readonly completions: ReadonlyMap<string, number>;
}

/** Runs `program` in the model; `seed` as runTest's. */
export function runOnModel(
	program: Program,
	seed: number | undefined,
): ModelResult {
	const m = new Model(seed);
	return m.run(program.root);
}

/** More events than any generated program needs: the model itself looping. */
const MAX_EVENTS = 100_000;

class Model implements Effects<MJob> {
	private time = 0;
	private seq = 0;
	private ready: MEvent[] = [];
	private timers: MEvent[] = [];
	private readonly random: (() => number) | null;
	private directOpen = false;
	private directTask: MJob | null = null;
	private readonly running: MJob[] = [];
	private readonly named = new Map<string, MJob>();
	readonly trace: string[] = [];
	readonly completions = new Map<string, number>();

	constructor(seed: number | undefined) {
		this.random = seed === undefined ? null : mulberry32(seed);
	}

	run(root: Body): ModelResult {
		const body = new MJob("body", "body", null);
		body.cancellableStart = true;
		body.bodyFn = () => runProgram(this, body, root);
		this.enqueue(() => this.runStep(body));
		let events = 0;
		while (!body.final) {
			if (++events > MAX_EVENTS) throw new Error("model: too many events");
			this.promoteDueTimers();
			if (this.ready.length > 0) {
				this.runEvent(this.takeReady());
				continue;
			}
			const next = this.earliestTimer();
			if (next === undefined)
				throw new Error("model: deadlock (nothing ready, no timer)");
			if (next.time > this.time) this.time = next.time;
		}
		return { trace: this.trace, completions: this.completions };
	}

	// ---- scheduler ------------------------------------------------------------------------

	private enqueue(run: () => void): void {
		this.promoteDueTimers();
		this.ready.push({ time: this.time, seq: this.seq++, run, direct: false });
	}

	private schedule(ms: number, direct: boolean, run: () => void): MEvent {
		const ev = { time: this.time + ms, seq: this.seq++, run, direct };
		this.timers.push(ev);
		return ev;
	}

	private earliestTimer(): MEvent | undefined {
		let best: MEvent | undefined;
		for (const t of this.timers) {
			if (
				best === undefined ||
				t.time < best.time ||
				(t.time === best.time && t.seq < best.seq)
			)
				best = t;
		}
		return best;
	}

	private promoteDueTimers(): void {
		for (;;) {
			const next = this.earliestTimer();
			if (next === undefined || next.time > this.time) return;
			this.timers.splice(this.timers.indexOf(next), 1);
			this.ready.push(next);
		}
	}

	private takeReady(): MEvent {
		const n = this.ready.length;
		if (this.random !== null && n > 1) {
			const j = Math.floor(this.random() * n);
			const picked = this.ready[j]!;
			this.ready[j] = this.ready[0]!;
			this.ready[0] = picked;
		}
		return this.ready.shift()!;
	}

	private removeEvent(ev: MEvent): void {
		let i = this.timers.indexOf(ev);
		if (i >= 0) {
			this.timers.splice(i, 1);
			return;
		}
		i = this.ready.indexOf(ev);
		if (i >= 0) this.ready.splice(i, 1);
	}

	private runEvent(ev: MEvent): void {
		if (!ev.direct) {
			ev.run();
			return;
		}
		this.directOpen = true;
		this.directTask = null;
		ev.run();
		const co = this.directTask as MJob | null;
		this.directOpen = false;
		this.directTask = null;
		if (co !== null) this.runStep(co);
	}

	/** L3: a resumption goes to the tail of the queue (or, from a due delay, runs at once). */
	private dispatch(co: MJob): void {
		if (this.directOpen) {
			this.directOpen = false;
			this.directTask = co;
			return;
		}
		this.enqueue(() => this.runStep(co));
	}

	// ---- coroutines -----------------------------------------------------------------------

	private resume(
		co: MJob,
		wait: Wait,
		failed: boolean,
		value: unknown,
		cancellable: boolean,
	): void {
		if (co.waiting !== wait) return;
		co.waiting = null;
		co.resumption = { failed, value, cancellable };
		this.dispatch(co);
	}

	/** B1's "same frame": the caller continues now, without a cancellation check. */
	private resumeInPlace(
		co: MJob,
		wait: Wait,
		failed: boolean,
		value: unknown,
	): void {
		if (co.waiting !== wait) return;
		co.waiting = null;
		co.resumption = { failed, value, cancellable: false };
		this.runStep(co);
	}

	private runStep(co: MJob): void {
		if (co.bodyEnded) return;
		if (!co.started) {
			co.started = true;
			if (co.cancellableStart && co.cause !== null) {
				// C5: cancelled before its first dispatch: the body never runs.
				this.finishBody(co, true, this.cancellationOf(co));
				return;
			}
			co.gen = co.bodyFn!();
			this.step(co, false, undefined);
			return;
		}
		let { failed, value } = co.resumption;
		if (!failed && co.resumption.cancellable && co.cause !== null) {
			// C4: prompt cancellation.
			failed = true;
			value = this.cancellationOf(co);
		}
		this.step(co, failed, value);
	}

	private step(co: MJob, failed: boolean, value: unknown): void {
		const gen = co.gen!;
		let done = false;
		let doneFailed = false;
		let result: unknown;
		this.running.push(co);
		try {
			for (;;) {
				let r: IteratorResult<unknown, unknown>;
				try {
					r = failed ? gen.throw(value) : gen.next(value);
				} catch (e) {
					done = true;
					doneFailed = true;
					result = e;
					break;
				}
				if (r.done === true) {
					done = true;
					result = r.value;
					break;
				}
				try {
					const v = this.execute(co, r.value as Req);
					if (v === SUSPENDED) break;
					failed = false;
					value = v;
				} catch (e) {
					failed = true;
					value = e;
				}
			}
		} finally {
			this.running.pop();
		}
		if (done) this.finishBody(co, doneFailed, result);
	}

	private finishBody(co: MJob, failed: boolean, result: unknown): void {
		co.bodyEnded = true;
		co.finishingBody = true;
		try {
			this.completeBody(co, failed, result);
		} finally {
			co.finishingBody = false;
		}
		// B1: a scope whose block finished last hands its outcome to the caller in this frame.
		const caller = co.caller;
		if (co.isScoped && caller !== null && co.final) {
			co.caller = null;
			const [f, v] = this.outcome(co);
			this.resumeInPlace(caller, co.asWait, f, v);
		}
	}

	private execute(co: MJob, req: Req): unknown {
		switch (req.op) {
			case "delay": {
				if (req.ms <= 0) return undefined; // C13: no check
				if (co.cause !== null) throw this.cancellationOf(co);
				const wait: Wait = { k: "delay", ev: null as unknown as MEvent };
				wait.ev = this.schedule(req.ms, true, () =>
					this.resume(co, wait, false, undefined, true),
				);
				co.waiting = wait;
				return SUSPENDED;
			}
			case "yield": {
				if (co.cause !== null) throw this.cancellationOf(co); // C12.1
				const wait: Wait = { k: "yield" };
				co.waiting = wait;
				this.resume(co, wait, false, undefined, true); // C12.2
				return SUSPENDED;
			}
			case "cancelAndJoin":
			case "join": {
				const target = req.target;
				if (req.op === "cancelAndJoin")
					this.cancelImpl(target, new MCE(false, null, null)); // C11
				this.start(target); // S3: join starts a lazy job
				if (co.cause !== null) throw this.cancellationOf(co); // C9: checked even if done
				if (target.final) return undefined;
				return this.waitFor(co, "join", target);
			}
			case "await": {
				const target = req.target;
				this.start(target);
				if (target.final) {
					// C10: a complete deferred answers at once, without checking the caller.
					if (target.cause !== null) throw target.cause;
					return target.result;
				}
				if (co.cause !== null) throw this.cancellationOf(co);
				return this.waitFor(co, "await", target);
			}
			case "scope":
				return this.executeScope(co, req);
		}
	}

	/** Suspends `co` on `target`'s completion (join or await). */
	private waitFor(co: MJob, k: "join" | "await", target: MJob): unknown {
		const listener: Listener = { k, co, wait: null, removed: false };
		const wait: Wait = { k, target, listener };
		listener.wait = wait;
		target.listeners.push(listener);
		co.waiting = wait;
		return SUSPENDED;
	}

	private executeScope(co: MJob, req: Extract<Req, { op: "scope" }>): unknown {
		const { kind, ms } = req;
		const timed = kind === "withTimeout" || kind === "withTimeoutOrNull";
		if (timed && ms <= 0) {
			// T2: without running the block.
			if (kind === "withTimeoutOrNull") return null;
			throw new MCE(true, null, null);
		}
		// N2: withContext(NonCancellable)'s block has no parent job.
		const parent = kind === "nonCancellable" ? null : co;
		const scope = new MJob(req.name, kind, parent);
		scope.bodyFn = () => req.body(scope);
		this.trackCompletion(scope);
		if (parent !== null) this.attachChild(parent, scope);
		if (timed) {
			scope.timer = this.schedule(ms, false, () => {
				scope.timer = null;
				this.cancelImpl(scope, new MCE(true, scope, null)); // T1
			});
		}
		this.runStep(scope); // B1: the block starts in the caller's frame, even if cancelled (B2)
		if (scope.final) {
			const [failed, value] = this.outcome(scope);
			if (failed) throw value;
			return value;
		}
		scope.caller = co;
		co.waiting = scope.asWait;
		return SUSPENDED;
	}

	/** What a scope's caller sees (T3: withTimeoutOrNull maps only its own TCE to null). */
	private outcome(scope: MJob): [boolean, unknown] {
		const e = scope.cause;
		if (e === null) return [false, scope.result];
		if (
			scope.kind === "withTimeoutOrNull" &&
			isCE(e) &&
			e.tce &&
			e.owner === scope
		)
			return [false, null];
		return [true, e];
	}

	// ---- the job state machine --------------------------------------------------------------

	/** P3: attach; a cancelling parent cancels the new child at once. */
	private attachChild(parent: MJob, child: MJob): void {
		parent.childCount++;
		parent.attached.push(child);
		if (parent.cause !== null) {
			child.firedCancel = true;
			this.cancelImpl(child, this.childCancellationCause(parent));
		}
	}

	private completeBody(job: MJob, failed: boolean, value: unknown): void {
		job.completing = true;
		if (failed) this.recordException(job, value as MErr);
		else job.result = value;
		this.tryFinalize(job);
	}

	private cancelImpl(job: MJob, cause: MErr): boolean {
		if (job.final) return false;
		if (job.isNew) {
			// S6: a job cancelled before it started completes without running its body.
			job.isNew = false;
			job.completing = true;
		}
		this.recordException(job, cause);
		this.tryFinalize(job);
		return true;
	}

	/** E1: the first exception is the root cause and starts cancelling; later ones are kept. */
	private recordException(job: MJob, e: MErr): void {
		if (job.cause === null) {
			job.cause = e;
			job.notifying = true;
			try {
				this.notifyCancelling(job, e);
			} finally {
				job.notifying = false;
			}
			return;
		}
		if (e === job.cause) return;
		if (!job.exceptions.includes(e)) job.exceptions.push(e);
	}

	/** H3, P5, C2, P6: children first, then the job's own wait, then the parent. */
	private notifyCancelling(job: MJob, cause: MErr): void {
		for (const child of [...job.attached]) {
			if (child.firedCancel) continue;
			child.firedCancel = true;
			this.cancelImpl(child, this.childCancellationCause(job));
		}
		this.cancelWait(job);
		const parent = job.parent;
		if (parent !== null && !job.isScoped && !isCE(cause))
			this.childCancelled(parent, cause);
	}

	private cancelWait(job: MJob): void {
		const w = job.waiting;
		if (w === null) return;
		const ce = this.cancellationOf(job);
		switch (w.k) {
			case "delay":
				this.removeEvent(w.ev);
				this.resume(job, w, true, ce, false);
				return;
			case "join":
				this.removeListener(w.target, w.listener);
				this.resume(job, w, true, ce, false);
				return;
			case "await": {
				// C3: awaiting a failing deferred, the caller sees that failure.
				this.removeListener(w.target, w.listener);
				const t = w.target.cause;
				this.resume(job, w, true, t !== null && !isCE(t) ? t : ce, false);
				return;
			}
			case "yield": // already queued: the resumption checks (C12)
			case "scope": // the scope is a child: it is cancelled through the tree
				return;
		}
	}

	/** P7, V1: a child's exception. */
	private childCancelled(parent: MJob, cause: MErr): boolean {
		if (isCE(cause)) return true;
		if (parent.kind === "supervisorScope") return false;
		return this.cancelImpl(parent, cause);
	}

	/** P5. */
	private childCancellationCause(job: MJob): MCE {
		const root = job.cause;
		if (isCE(root)) return root;
		if (job.childCause === null) job.childCause = new MCE(false, null, root);
		return job.childCause;
	}

	/** C3: the exception thrown at a cancelled coroutine's suspension points. */
	private cancellationOf(job: MJob): MCE {
		const cause = job.cause;
		if (isCE(cause)) return cause;
		if (cause === null && !job.final)
			throw new Error(`model: ${job.name} is not cancelled`);
		if (job.cancellation === null)
			job.cancellation = new MCE(false, null, cause);
		return job.cancellation;
	}

	private tryFinalize(job: MJob): void {
		if (!job.completing || job.final || job.notifying) return;
		if (job.childCount > 0) return;
		this.finalize(job);
	}

	private finalize(job: MJob): void {
		const root = job.cause;
		const final = root === null ? null : finalException(root, job.exceptions);
		if (final instanceof MFail && job.exceptions.length > 0) {
			// E3: every other failure collected is suppressed by the final one, once.
			for (const e of [root!, ...job.exceptions]) {
				if (e !== final && e instanceof MFail && !final.suppressed.includes(e))
					final.suppressed.push(e);
			}
		}
		job.exceptions = [];
		job.cancellation = null;
		job.cause = final;
		job.final = true;
		if (final !== null) this.handleFinalException(job, final);
		if (job.timer !== null) {
			this.removeEvent(job.timer); // T1: the timer is disposed with the scope
			job.timer = null;
		}
		const caller = job.caller;
		if (job.isScoped && caller !== null && !job.finishingBody) {
			// B1: the last child finished last: the caller is resumed through its dispatcher.
			job.caller = null;
			const [f, v] = this.outcome(job);
			this.resume(caller, job.asWait, f, v, true);
		}
		const parent = job.parent;
		if (parent !== null) {
			const i = parent.attached.indexOf(job);
			if (i >= 0) parent.attached.splice(i, 1);
		}
		// H1: handlers in registration order.
		const listeners = job.listeners;
		job.listeners = [];
		for (const l of listeners) {
			if (l.removed) continue;
			l.removed = true;
			if (l.k === "trace") {
				this.completions.set(
					job.name,
					(this.completions.get(job.name) ?? 0) + 1,
				);
				this.record(
					job.name,
					`done ${final === null ? "ok" : classifyFinal(final)}`,
				);
			} else if (l.k === "join") {
				this.resume(l.co!, l.wait!, false, undefined, true);
			} else if (final === null) {
				this.resume(l.co!, l.wait!, false, job.result, true);
			} else {
				this.resume(l.co!, l.wait!, true, final, false);
			}
		}
		if (parent !== null) {
			parent.childCount--;
			this.tryFinalize(parent);
		}
	}

	/** E4–E6. */
	private handleFinalException(job: MJob, final: MErr): void {
		if (job.isScoped || isCE(final)) return;
		const parent = job.parent;
		let handled = false;
		if (parent !== null) {
			handled = parent.kind !== "supervisorScope";
			this.childCancelled(parent, final);
		}
		if (!handled && job.kind === "launch")
			this.record("uncaught", `${classifyModel(final)} from ${job.name}`);
	}

	private removeListener(target: MJob, l: Listener): void {
		l.removed = true;
		const i = target.listeners.indexOf(l);
		if (i >= 0) target.listeners.splice(i, 1);
	}

	/** H1: registered on a complete job, the handler runs at once. */
	private trackCompletion(job: MJob): void {
		this.completions.set(job.name, 0);
		if (job.final) {
			this.completions.set(job.name, 1);
			const e = job.cause;
			this.record(job.name, `done ${e === null ? "ok" : classifyFinal(e)}`);
			return;
		}
		job.listeners.push({ k: "trace", co: null, wait: null, removed: false });
	}

	/** S3: starting a lazy job dispatches its body (cancellable, like DEFAULT). */
	private start(job: MJob): void {
		if (!job.isNew) return;
		job.isNew = false;
		job.cancellableStart = true;
		this.enqueue(() => this.runStep(job));
	}

	// ---- Effects for the walker -------------------------------------------------------------

	record(who: string, what: string): void {
		this.trace.push(`${this.time} ${who} ${what}`);
	}
	delay(ms: number): Suspending<void> {
		return request<void>({ op: "delay", ms });
	}
	yieldNow(): Suspending<void> {
		return request<void>({ op: "yield" });
	}
	ensureActive(): void {
		const co = this.running[this.running.length - 1]!;
		if (!co.isActive) throw this.cancellationOf(co); // C7
	}
	launch(
		scope: MJob,
		name: string,
		start: Start,
		body: (scope: MJob) => Generator<unknown, string, unknown>,
	): void {
		this.startChild(scope, name, "launch", start, body);
	}
	async(
		scope: MJob,
		name: string,
		start: Start,
		body: (scope: MJob) => Generator<unknown, string, unknown>,
	): void {
		this.startChild(scope, name, "async", start, body);
	}
	/** M1: the four start modes. The name is usable once the builder returned. */
	private startChild(
		parent: MJob,
		name: string,
		kind: "launch" | "async",
		start: Start,
		body: (scope: MJob) => Generator<unknown, string, unknown>,
	): void {
		const child = new MJob(name, kind, parent);
		child.bodyFn = () => body(child);
		child.isNew = start === "LAZY";
		this.attachChild(parent, child);
		if (start === "DEFAULT" || start === "ATOMIC") {
			child.cancellableStart = start === "DEFAULT";
			this.enqueue(() => this.runStep(child)); // L1: only enqueued
		} else if (start === "UNDISPATCHED") {
			this.runStep(child); // in the caller's frame, until its first suspension
		}
		this.named.set(name, child);
		this.trackCompletion(child);
	}
	scope(
		_scope: MJob,
		kind: ScopeKind | "root",
		ms: number,
		name: string,
		body: (scope: MJob) => Generator<unknown, string, unknown>,
	): Suspending<string | null> {
		return request<string | null>({ op: "scope", kind, ms, name, body });
	}
	cancel(name: string): boolean {
		const job = this.named.get(name);
		if (job === undefined) return false;
		this.cancelImpl(job, new MCE(false, null, null)); // C1
		return true;
	}
	join(name: string): Suspending<void> | null {
		const target = this.named.get(name);
		return target === undefined ? null : request<void>({ op: "join", target });
	}
	cancelAndJoin(name: string): Suspending<void> | null {
		const target = this.named.get(name);
		return target === undefined
			? null
			: request<void>({ op: "cancelAndJoin", target });
	}
	await(name: string): Suspending<string> | null {
		const target = this.named.get(name);
		return target === undefined
			? null
			: request<string>({ op: "await", target });
	}
	fail(id: string): Error {
		return new MFail(id);
	}
	classify(e: unknown): string {
		return classifyModel(e);
	}
	isCancellation(e: unknown): boolean {
		return isCE(e);
	}
}

/** E2: the first failure; else the first CE, or a later different TCE when the first is a TCE. */
function finalException(root: MErr, later: readonly MErr[]): MErr {
	if (!isCE(root)) return root;
	const failure = later.find((e) => !isCE(e));
	if (failure !== undefined) return failure;
	if (root.tce) {
		const tce = later.find((e) => isCE(e) && e.tce && e !== root);
		if (tce !== undefined) return tce;
	}
	return root;
}
