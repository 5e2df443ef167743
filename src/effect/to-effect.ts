import { Cause, Effect } from "effect";
import { checkBlock } from "../coroutine/coroutine.js";
import { type Block, CancellationException, GlobalScope } from "../index.js";
import { EffectFailure } from "./effect-failure.js";

/**
 * An Effect that runs `block` as a root kocoro coroutine each time it is run. It succeeds with
 * the block's value and fails with the block's failure (an {@link EffectFailure} gives back its
 * original `Cause`). A block that ends cancelled (an uncaught `CancellationException`, such as
 * `withTimeout`'s) interrupts the fiber.
 *
 * Interrupting the fiber cancels the coroutine and waits until it has completed, so its `finally`
 * blocks and children have finished when the interruption completes.
 *
 * @example
 * const program = Effect.timeout(
 *   toEffect(function* () { yield* delay(10_000); return 1; }),
 *   "1 second",
 * );
 */
export function toEffect<A>(block: Block<A>): Effect.Effect<A, unknown> {
	checkBlock(block, "toEffect(block)");
	return Effect.callback<A, unknown>((resume) => {
		const job = GlobalScope.async<A>(block);
		job.invokeOnCompletion((cause) => {
			if (cause === null) resume(Effect.succeed(job.getCompleted()));
			else if (cause instanceof EffectFailure) {
				resume(Effect.failCause(cause.cause as Cause.Cause<unknown>));
			} else if (cause instanceof CancellationException) {
				resume(Effect.failCause(Cause.interrupt()));
			} else resume(Effect.fail(cause));
		});
		// Run on interruption; the fiber's interruption completes once the coroutine has.
		return Effect.callback<void>((finished) => {
			job.cancel("The Effect fiber was interrupted");
			job.invokeOnCompletion(() => finished(Effect.void));
		});
	});
}
