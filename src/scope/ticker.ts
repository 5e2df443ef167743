import type { ReceiveChannel, SendChannel } from "../channels/channel-types.js";
import {
	type CoroutineContext,
	checkContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import { currentCoroutine } from "../coroutine/abstract-coroutine.js";
import { produceIn } from "../coroutine/coroutine.js";
import { CoroutineDispatcher } from "../dispatchers/coroutine-dispatcher.js";
import { Dispatchers } from "../dispatchers/dispatchers.js";
import { delay } from "../intrinsics/delay.js";
import type { Instruction } from "../intrinsics/instruction.js";
import { delayProviderOf } from "../time/delay-provider.js";

/**
 * How a {@link ticker} keeps time (Kotlin's `TickerMode`).
 *
 * - `FIXED_PERIOD`: ticks on a fixed schedule; a consumer that falls behind gets the next tick
 *   as soon as it asks, and the schedule skips the missed periods.
 * - `FIXED_DELAY`: waits `delayMillis` after each tick was sent (taken by a receiver).
 *
 * @example
 * const tick = ticker(100, 0, EmptyCoroutineContext, TickerMode.FIXED_DELAY);
 * yield* tick.receive();
 * tick.cancel();
 */
export enum TickerMode {
	FIXED_PERIOD = "FIXED_PERIOD",
	FIXED_DELAY = "FIXED_DELAY",
}

/**
 * A rendezvous channel that gives `undefined` every `delayMillis` (Kotlin's `ticker`), first after
 * `initialDelayMillis`. Its coroutine is a root (cancel the channel when done with it): it runs
 * on `context`'s dispatcher, else on the calling coroutine's (so `runTest` keeps it on virtual
 * time), else on `Dispatchers.Unconfined`.
 *
 * @deprecated obsolete in kotlinx (kept there for ports); prefer a `flow` with `delay`.
 *
 * @example
 * const tick = ticker(100);
 * for (let i = 0; i < 3; i++) yield* tick.receive();
 * tick.cancel();
 */
export function ticker(
	delayMillis: number,
	initialDelayMillis: number = delayMillis,
	context: CoroutineContext = EmptyCoroutineContext,
	mode: TickerMode = TickerMode.FIXED_PERIOD,
): ReceiveChannel<void> {
	if (typeof delayMillis !== "number" || !(delayMillis >= 0)) {
		throw new RangeError(
			`Expected non-negative delay, but has ${delayMillis} ms`,
		);
	}
	if (typeof initialDelayMillis !== "number" || !(initialDelayMillis >= 0)) {
		throw new RangeError(
			`Expected non-negative initial delay, but has ${initialDelayMillis} ms`,
		);
	}
	if (mode !== TickerMode.FIXED_PERIOD && mode !== TickerMode.FIXED_DELAY) {
		throw new TypeError(
			`ticker: mode must be a TickerMode (FIXED_PERIOD or FIXED_DELAY), got ${String(mode)}`,
		);
	}
	let ctx = checkContext(
		context,
		"ticker(delayMillis, initialDelayMillis, context)",
	);
	if (ctx.get(CoroutineDispatcher.Key) === undefined) {
		const caller = currentCoroutine();
		ctx = (caller === null ? Dispatchers.Unconfined : caller.dispatcher).plus(
			ctx,
		);
	}
	const dispatcher = ctx.get(CoroutineDispatcher.Key) as CoroutineDispatcher;
	const now = delayProviderOf(dispatcher).now;
	return produceIn<void>(ctx, [
		function* (this: SendChannel<void>) {
			if (mode === TickerMode.FIXED_PERIOD)
				yield* fixedPeriod(this, delayMillis, initialDelayMillis, now);
			else yield* fixedDelay(this, delayMillis, initialDelayMillis);
		},
	]);
}

function* fixedPeriod(
	channel: SendChannel<void>,
	period: number,
	initial: number,
	now: () => number,
): Generator<Instruction, void, unknown> {
	let deadline = now() + initial;
	yield* delay(initial);
	for (;;) {
		deadline += period;
		yield* channel.send(undefined);
		const t = now();
		const next = Math.max(0, deadline - t);
		if (next === 0 && period !== 0) {
			// Behind schedule: skip the missed ticks, keep the phase.
			const adjusted = period - ((t - deadline) % period);
			deadline = t + adjusted;
			yield* delay(adjusted);
		} else {
			yield* delay(next);
		}
	}
}

function* fixedDelay(
	channel: SendChannel<void>,
	period: number,
	initial: number,
): Generator<Instruction, void, unknown> {
	yield* delay(initial);
	for (;;) {
		yield* channel.send(undefined);
		yield* delay(period);
	}
}
