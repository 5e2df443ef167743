import {
	addSuppressed,
	CompletionHandlerException,
	isCancellation,
	TimeoutCancellationException,
} from "../errors/exceptions.js";

/** E2: the first non-CE; else the first CE, or a later, different TCE when the first is a TCE. */
export function finalRootCause(root: Error, later: Error[] | null): Error {
	if (!isCancellation(root)) return root;
	if (later !== null) {
		for (const e of later) if (!isCancellation(e)) return e;
		if (root instanceof TimeoutCancellationException) {
			for (const e of later)
				if (e instanceof TimeoutCancellationException) return e;
		}
	}
	return root;
}

/** E9: wraps a handler's exception; later ones become suppressed exceptions of the first. */
export function collectHandlerFailure(
	first: Error | null,
	e: unknown,
	job: object,
): Error {
	const wrapped = new CompletionHandlerException(
		`Exception in completion handler for ${job}`,
		e,
	);
	if (first === null) return wrapped;
	addSuppressed(first, wrapped);
	return first;
}
