import { Cause, Effect, type Exit, type Fiber } from "effect";
import {
	CancellationException,
	ensureActive,
	NonCancellable,
	type Suspend,
	suspendCancellableCoroutine,
	withContext,
} from "../index.js";
import { EffectFailure } from "./effect-failure.js";

/**
 * Runs `effect` in a new fiber (`Effect.runFork`) and suspends until it ends: returns its value,
 * throws an {@link EffectFailure} (holding the `Cause`) when it fails or dies, and throws a
 * `CancellationException` (with the `Cause` as `cause`) when the fiber was interrupted.
 *
 * Cancelling the coroutine interrupts the fiber and waits, without being cancellable itself, until
 * the fiber has ended and its finalizers ran; then the coroutine's `CancellationException` goes on.
 * An Effect that needs services must be provided first (`Effect.provide`): only `R = never` runs.
 *
 * @example
 * const user = yield* fromEffect(UserRepo.find(id).pipe(Effect.provide(UserRepoLive)));
 */
export function fromEffect<A, E>(effect: Effect.Effect<A, E>): Suspend<A> {
	if (!Effect.isEffect(effect)) {
		throw new TypeError(
			`fromEffect(effect): expected an Effect, got ${effect === null ? "null" : typeof effect}`,
		);
	}
	return runFiber(effect);
}

function* runFiber<A, E>(effect: Effect.Effect<A, E>): Suspend<A> {
	// Already cancelled: throw here, without starting the fiber.
	ensureActive();
	const fiber = Effect.runFork(effect);
	const done = fiber.pollUnsafe();
	if (done !== undefined) return resultOf(done);
	let exit: Exit.Exit<A, E>;
	try {
		exit = yield* awaitExit(fiber);
	} catch (e) {
		if (fiber.pollUnsafe() === undefined) {
			fiber.interruptUnsafe();
			const after = yield* withContext(NonCancellable, function* () {
				return yield* awaitExit(fiber);
			});
			// A finalizer that failed turns the cancellation into a failure (C8).
			if (after._tag === "Failure" && !Cause.hasInterruptsOnly(after.cause)) {
				throw new EffectFailure(after.cause);
			}
		}
		throw e;
	}
	return resultOf(exit);
}

/** Suspends until the fiber ends; a cancelled wait removes its observer. */
function awaitExit<A, E>(fiber: Fiber.Fiber<A, E>): Suspend<Exit.Exit<A, E>> {
	return suspendCancellableCoroutine<Exit.Exit<A, E>>((cont) => {
		const remove = fiber.addObserver((exit) => cont.resume(exit));
		cont.invokeOnCancellation(remove);
	});
}

function resultOf<A, E>(exit: Exit.Exit<A, E>): A {
	if (exit._tag === "Success") return exit.value;
	if (Cause.hasInterruptsOnly(exit.cause)) {
		throw new CancellationException("The Effect was interrupted", {
			cause: exit.cause,
		});
	}
	throw new EffectFailure(exit.cause);
}
