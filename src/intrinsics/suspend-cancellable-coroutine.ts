import { handleCoroutineException } from "../context/coroutine-exception-handler.js";
import {
	type CancellationException,
	CompletionHandlerException,
	IllegalStateException,
	toError,
} from "../errors/exceptions.js";
import {
	Instruction,
	SUSPENDED,
	type Suspend,
	type SuspendingCoroutine,
	type Suspension,
} from "./instruction.js";

/**
 * The continuation handed to `suspendCancellableCoroutine`'s body: resume it exactly once, from
 * a callback, a timer or another coroutine.
 *
 * @example
 * function readText(path: string): Suspend<string> {
 *   return suspendCancellableCoroutine((cont: CancellableContinuation<string>) => {
 *     fs.readFile(path, "utf8", (err, text) => {
 *       if (err) cont.resumeWithException(err);
 *       else cont.resume(text);
 *     });
 *   });
 * }
 */
export interface CancellableContinuation<T> {
	/** Resumes the coroutine with `value`. Ignored after cancellation; throws if already resumed. */
	resume(value: T): void;
	/** Resumes the coroutine by throwing `exception` into it. */
	resumeWithException(exception: Error): void;
	/**
	 * Registers the one handler called (synchronously, with the cause) if the waiting coroutine is
	 * cancelled before it is resumed: release what the body acquired here.
	 */
	invokeOnCancellation(handler: (cause: Error | null) => void): void;
	/** Neither resumed nor cancelled yet. */
	readonly isActive: boolean;
	readonly isCompleted: boolean;
	readonly isCancelled: boolean;
}

const RUNNING_BODY = 0;
const SUSPENDED_STATE = 1;
const RESUMED = 2;
const RESUMED_WITH_EXCEPTION = 3;
const CANCELLED = 4;

class ContinuationImpl<T> implements CancellableContinuation<T>, Suspension {
	state = RUNNING_BODY;
	result: unknown = undefined;
	/** Any callback, timer or promise reaction may hold the continuation. */
	readonly resumedFromOutside = true;
	private handler: ((cause: Error | null) => void) | null = null;

	constructor(
		private readonly co: SuspendingCoroutine,
		private readonly what: string,
	) {}

	get isActive(): boolean {
		return this.state <= SUSPENDED_STATE;
	}
	get isCompleted(): boolean {
		return this.state > SUSPENDED_STATE;
	}
	get isCancelled(): boolean {
		return this.state === CANCELLED;
	}

	resume(value: T): void {
		this.complete(RESUMED, value, "resume");
	}

	resumeWithException(exception: Error): void {
		if (!(exception instanceof Error)) {
			throw new TypeError(
				"resumeWithException(exception): exception must be an Error",
			);
		}
		this.complete(RESUMED_WITH_EXCEPTION, exception, "resumeWithException");
	}

	private complete(state: number, value: unknown, what: string): void {
		if (this.state === CANCELLED) return; // the coroutine went on without us
		if (this.state !== RUNNING_BODY && this.state !== SUSPENDED_STATE) {
			throw new IllegalStateException(
				`${what}() called on a continuation that was already resumed: resume a continuation exactly once`,
			);
		}
		const wasSuspended = this.state === SUSPENDED_STATE;
		this.state = state;
		this.result = value;
		this.handler = null;
		if (wasSuspended) {
			const failed = state === RESUMED_WITH_EXCEPTION;
			this.co.resume(this, failed, value, !failed);
		}
	}

	invokeOnCancellation(handler: (cause: Error | null) => void): void {
		if (typeof handler !== "function") {
			throw new TypeError(
				"invokeOnCancellation(handler): handler must be a function",
			);
		}
		if (this.handler !== null) {
			throw new IllegalStateException(
				"invokeOnCancellation: a handler is already registered; register one handler per continuation",
			);
		}
		if (this.state === CANCELLED) {
			this.callHandler(handler, this.result as Error);
			return;
		}
		if (this.state === RUNNING_BODY || this.state === SUSPENDED_STATE)
			this.handler = handler;
	}

	/** The waiting coroutine was cancelled (or was already cancelled when the body ran). */
	cancelWait(co: SuspendingCoroutine, cause: CancellationException): void {
		if (this.state !== RUNNING_BODY && this.state !== SUSPENDED_STATE) return;
		const wasSuspended = this.state === SUSPENDED_STATE;
		this.state = CANCELLED;
		this.result = cause;
		const handler = this.handler;
		this.handler = null;
		if (handler !== null) this.callHandler(handler, cause);
		if (wasSuspended) co.resume(this, true, cause, false);
	}

	private callHandler(
		handler: (cause: Error | null) => void,
		cause: Error,
	): void {
		try {
			handler(cause);
		} catch (e) {
			handleCoroutineException(
				this.co.context,
				new CompletionHandlerException(
					"Exception in invokeOnCancellation handler",
					toError(e),
				),
			);
		}
	}

	describe(): string {
		return this.what;
	}
}

class SuspendCancellableInstruction<T> extends Instruction<T> {
	constructor(
		private readonly body: (cont: CancellableContinuation<T>) => void,
		private readonly what: string,
	) {
		super();
	}
	execute(co: SuspendingCoroutine): unknown {
		const cont = new ContinuationImpl<T>(co, this.what);
		this.body(cont);
		// C4: an exception that came first wins; then cancellation; then the value.
		if (cont.state === RESUMED_WITH_EXCEPTION) throw cont.result;
		if (co.isCancelled) {
			const ce = co.getCancellationException();
			cont.cancelWait(co, ce);
			throw ce;
		}
		if (cont.state === RESUMED) return cont.result;
		cont.state = SUSPENDED_STATE;
		co.waiting = cont;
		return SUSPENDED;
	}
}

/**
 * The primitive every suspending operation can be built on: runs `body` with a continuation
 * and suspends until it is resumed. Prompt cancellation (C4): a coroutine cancelled while
 * suspended never resumes normally, even if the value arrived first.
 *
 * @example
 * function sleep(ms: number): Suspend<void> {
 *   return suspendCancellableCoroutine<void>((cont) => {
 *     const t = setTimeout(() => cont.resume(), ms);
 *     cont.invokeOnCancellation(() => clearTimeout(t));
 *   });
 * }
 */
export function suspendCancellableCoroutine<T>(
	body: (cont: CancellableContinuation<T>) => void,
): Suspend<T> {
	if (typeof body !== "function") {
		throw new TypeError(
			"suspendCancellableCoroutine(body): body must be a function",
		);
	}
	return new SuspendCancellableInstruction(body, "suspendCancellableCoroutine");
}

/**
 * @internal `suspendCancellableCoroutine` whose wait the debug dump shows as `what` (for
 * example `awaitPromise (a promise)`) instead of `suspendCancellableCoroutine`.
 */
export function suspendCancellableCoroutineOn<T>(
	what: string,
	body: (cont: CancellableContinuation<T>) => void,
): Suspend<T> {
	return new SuspendCancellableInstruction(body, what);
}
