/**
 * kotlinx's `AbortFlowException`: how `take`, `first`, `takeWhile` and `zip` stop their upstream.
 * It is thrown from the `emit` that delivered the last needed value, so the upstream's `finally`
 * blocks run; the operator that threw it catches it again by its owner and completes normally.
 */
import { CancellationException } from "../errors/exceptions.js";

export class AbortFlowException extends CancellationException {
	constructor(readonly owner: object) {
		super("Flow was aborted, no more elements needed");
	}
}
Object.defineProperty(AbortFlowException.prototype, "name", {
	value: "AbortFlowException",
	writable: true,
	configurable: true,
});

/** A stackless AbortFlowException: it is control flow, and thrown once per stopped collection. */
export function abortFlow(owner: object): AbortFlowException {
	const limit = Error.stackTraceLimit;
	Error.stackTraceLimit = 0;
	try {
		return new AbortFlowException(owner);
	} finally {
		Error.stackTraceLimit = limit;
	}
}

/** Rethrows `e` unless it is the abort that `owner` itself threw. */
export function checkOwnership(e: unknown, owner: object): void {
	if (!(e instanceof AbortFlowException) || e.owner !== owner) throw e;
}
