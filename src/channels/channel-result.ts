import { IllegalStateException } from "../errors/exceptions.js";

const SUCCESS = 0;
const FAILED = 1;
const CLOSED = 2;

/**
 * The result of `trySend`, `tryReceive` and `receiveCatching` (Kotlin's `ChannelResult`): a
 * success with a value, a failure (the operation would have suspended), or closed (a failure
 * too, with the channel's close cause, or null when it was closed without one).
 *
 * `toString()` is `Value(x)`, `Failed` or `Closed(cause)`, as in Kotlin.
 *
 * @example
 * const ch = Channel<number>(1);
 * ch.trySend(7);
 * const r = ch.tryReceive();
 * if (r.isSuccess) console.log(r.getOrThrow()); // 7
 * else if (r.isClosed) console.log("closed", r.exceptionOrNull());
 */
export class ChannelResult<T> {
	/** @internal Use the static `success`, `failure` and `closed`. */
	constructor(
		private readonly state: number,
		private readonly value: T | undefined,
		private readonly cause: Error | null,
	) {}

	/** A success holding `value`. */
	static success<T>(value: T): ChannelResult<T> {
		if (value === undefined) return successOfVoid as ChannelResult<T>;
		return new ChannelResult<T>(SUCCESS, value, null);
	}
	/** The failure of an operation that would have suspended (the channel is not closed). */
	static failure<T>(): ChannelResult<T> {
		return failed as ChannelResult<T>;
	}
	/** The failure of an operation on a closed channel, with its close cause (or null). */
	static closed<T>(cause: Error | null): ChannelResult<T> {
		return new ChannelResult<T>(CLOSED, undefined, cause);
	}

	/** The operation succeeded. */
	get isSuccess(): boolean {
		return this.state === SUCCESS;
	}
	/** The operation failed: it would have suspended, or the channel is closed. */
	get isFailure(): boolean {
		return this.state !== SUCCESS;
	}
	/** The operation failed because the channel is closed. */
	get isClosed(): boolean {
		return this.state === CLOSED;
	}

	/** The value of a success, else null. */
	getOrNull(): T | null {
		return this.state === SUCCESS ? (this.value as T) : null;
	}
	/**
	 * The value of a success; throws the close cause of a closed result, else an
	 * `IllegalStateException`.
	 */
	getOrThrow(): T {
		if (this.state === SUCCESS) return this.value as T;
		if (this.state === CLOSED && this.cause !== null) throw this.cause;
		throw new IllegalStateException(
			`Trying to call 'getOrThrow' on a failed channel result: ${this}`,
		);
	}
	/** The value of a success, else `onFailure(exceptionOrNull())`. */
	getOrElse(onFailure: (exception: Error | null) => T): T {
		return this.state === SUCCESS ? (this.value as T) : onFailure(this.cause);
	}
	/** The close cause of a closed result, else null. */
	exceptionOrNull(): Error | null {
		return this.cause;
	}
	/** Calls `action` with the value of a success; returns this result. */
	onSuccess(action: (value: T) => void): this {
		if (this.state === SUCCESS) action(this.value as T);
		return this;
	}
	/** Calls `action` with `exceptionOrNull()` on a failure (closed included); returns this result. */
	onFailure(action: (exception: Error | null) => void): this {
		if (this.state !== SUCCESS) action(this.cause);
		return this;
	}
	/** Calls `action` with the close cause when the channel was closed; returns this result. */
	onClosed(action: (exception: Error | null) => void): this {
		if (this.state === CLOSED) action(this.cause);
		return this;
	}
	toString(): string {
		if (this.state === SUCCESS) return `Value(${String(this.value)})`;
		if (this.state === FAILED) return "Failed";
		return `Closed(${String(this.cause)})`;
	}
}

const successOfVoid = new ChannelResult<unknown>(SUCCESS, undefined, null);
const failed = new ChannelResult<unknown>(FAILED, undefined, null);
