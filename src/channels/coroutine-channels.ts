/**
 * The channels of `produce` and `actor`: a channel tied to the coroutine that feeds or drains it
 * (Kotlin's `ChannelCoroutine`, `ProducerCoroutine`, `ActorCoroutine`). The coroutine calls the
 * hooks of {@link CoroutineChannel}; the channel cancels the coroutine when it is cancelled.
 */
import {
	CancellationException,
	newCancellation,
	newJobCancellation,
} from "../errors/exceptions.js";
import type { Job } from "../job/job.js";
import { BufferedChannel } from "./buffered-channel.js";

/** What the coroutine of `produce`/`actor` tells its channel. */
export interface CoroutineChannel {
	/** The coroutine is cancelling (not called when it completes normally). */
	coroutineCancelling(cause: Error): void;
	/** The coroutine reached its final state (`cause`: its failure or cancellation, or null). */
	coroutineCompleted(cause: Error | null): void;
	/**
	 * A failure no parent took: true when the channel takes it (the consumer will see it), false
	 * when it must be reported to the exception handler.
	 */
	coroutineFailedUnhandled(exception: Error): boolean;
}

/** A channel whose `cancel()` also cancels its coroutine, with the same exception. */
abstract class ChannelOfCoroutine<E>
	extends BufferedChannel<E>
	implements CoroutineChannel
{
	/** The coroutine, set right after it is created. */
	coroutine: Job | null = null;
	protected abstract readonly coroutineName: string;

	override cancel(cause?: CancellationException | string): void {
		const co = this.coroutine as Job;
		const ce =
			cause === undefined
				? newJobCancellation(`${this.coroutineName} was cancelled`, null, co)
				: typeof cause === "string"
					? newCancellation(cause)
					: cause;
		try {
			super.cancel(ce);
		} finally {
			co.cancel(ce);
		}
	}
	coroutineCancelling(_cause: Error): void {}
	abstract coroutineCompleted(cause: Error | null): void;
	coroutineFailedUnhandled(exception: Error): boolean {
		return this.close(exception);
	}
}

/** `produce`'s channel: closed with the producer's outcome when it ends (the buffer stays). */
export class ProducerChannel<E> extends ChannelOfCoroutine<E> {
	protected readonly coroutineName = "ProducerCoroutine";
	coroutineCompleted(cause: Error | null): void {
		this.close(cause);
	}
}

/** `actor`'s channel: cancelled when the actor ends (nothing more will be received). */
export class ActorChannel<E> extends ChannelOfCoroutine<E> {
	protected readonly coroutineName = "ActorCoroutine";
	override coroutineCancelling(cause: Error): void {
		this.cancelWith(
			cause instanceof CancellationException
				? cause
				: new CancellationException("ActorCoroutine was cancelled", { cause }),
		);
	}
	coroutineCompleted(cause: Error | null): void {
		if (cause === null)
			this.cancelWith(newCancellation("Channel was cancelled"));
	}
	override coroutineFailedUnhandled(_exception: Error): boolean {
		return false;
	}
}
