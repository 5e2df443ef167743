import { Cause } from "effect";

/**
 * Thrown by `fromEffect` when the Effect fails or dies: an `Error` (so kocoro's failure rules
 * apply) whose `cause` is the Effect's whole `Cause`, and whose `failure` is its first typed error
 * (else its first defect), as `Cause.squash` picks it.
 *
 * `toEffect` turns it back into the same `Cause`, so an Effect failure crosses a kocoro block
 * unchanged.
 *
 * @example
 * class NotFound extends Error {}
 * try {
 *   yield* fromEffect(Effect.fail(new NotFound()));
 * } catch (e) {
 *   if (e instanceof EffectFailure && e.failure instanceof NotFound) return null;
 *   throw e;
 * }
 */
export class EffectFailure<E = unknown> extends Error {
	declare readonly cause: Cause.Cause<E>;
	/** The typed error, or else the defect, that `Cause.squash` picks from the cause. */
	readonly failure: unknown;

	constructor(cause: Cause.Cause<E>) {
		const failure = Cause.squash(cause);
		const kind = Cause.hasFails(cause) ? "failed" : "died";
		super(`The Effect ${kind}: ${describe(failure)}`, { cause });
		this.failure = failure;
	}
}
Object.defineProperty(EffectFailure.prototype, "name", {
	value: "EffectFailure",
	writable: true,
	configurable: true,
	enumerable: false,
});

function describe(value: unknown): string {
	try {
		return typeof value === "string" ? JSON.stringify(value) : String(value);
	} catch {
		return Object.prototype.toString.call(value);
	}
}
