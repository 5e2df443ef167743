/**
 * What a full buffered channel does with one more sent element (Kotlin's `BufferOverflow`).
 *
 * - `SUSPEND`: the sender waits for room (the default).
 * - `DROP_OLDEST`: the oldest buffered element is dropped (given to `onUndeliveredElement`), the
 *   new one is added; `send` never suspends.
 * - `DROP_LATEST`: the new element is dropped (`send` gives it to `onUndeliveredElement`, `trySend`
 *   reports success and calls nothing); `send` never suspends.
 *
 * @example
 * const latest = Channel<number>(1, BufferOverflow.DROP_OLDEST);
 */
export enum BufferOverflow {
	SUSPEND = "SUSPEND",
	DROP_OLDEST = "DROP_OLDEST",
	DROP_LATEST = "DROP_LATEST",
}
