import {
	IllegalStateException,
	NoSuchElementException,
} from "../errors/exceptions.js";

/** The text of the exceptions a channel closed without a cause throws (Kotlin's). */
export const DEFAULT_CLOSE_MESSAGE = "Channel was closed";

/**
 * Thrown by `send` on a channel closed without a cause: `ClosedSendChannelException: Channel was
 * closed`. A channel closed with a cause throws the cause itself.
 *
 * @example
 * const ch = Channel<number>(1);
 * ch.close();
 * try {
 *   yield* ch.send(1);
 * } catch (e) {
 *   console.log(e instanceof ClosedSendChannelException); // true
 * }
 */
export class ClosedSendChannelException extends IllegalStateException {}
Object.defineProperty(ClosedSendChannelException.prototype, "name", {
	value: "ClosedSendChannelException",
	writable: true,
	configurable: true,
});

/**
 * Thrown by `receive` (and `hasNext`, `onReceive`) once a channel closed without a cause is
 * drained: `ClosedReceiveChannelException: Channel was closed`. A channel closed with a cause
 * throws the cause itself.
 *
 * @example
 * const ch = Channel<number>(1);
 * ch.trySend(1);
 * ch.close();
 * console.log(yield* ch.receive()); // 1: a closed channel is drained first
 * try {
 *   yield* ch.receive();
 * } catch (e) {
 *   console.log(e instanceof ClosedReceiveChannelException); // true
 * }
 */
export class ClosedReceiveChannelException extends NoSuchElementException {}
Object.defineProperty(ClosedReceiveChannelException.prototype, "name", {
	value: "ClosedReceiveChannelException",
	writable: true,
	configurable: true,
});

/**
 * @internal A throw of a channel's `onUndeliveredElement`, wrapped (Kotlin's internal
 * `UndeliveredElementException`): thrown to the caller that dropped the element (`send` on a
 * closed channel, `cancel`, an overflow drop), or reported to the context's exception handler when
 * a cancelled waiter dropped it.
 */
export class UndeliveredElementException extends Error {
	constructor(element: unknown, cause: unknown) {
		super(`Exception in undelivered element handler for ${String(element)}`, {
			cause,
		});
	}
}
Object.defineProperty(UndeliveredElementException.prototype, "name", {
	value: "UndeliveredElementException",
	writable: true,
	configurable: true,
});
