import { CancellationException } from "../errors/exceptions.js";
import type { Instruction, Suspend } from "../intrinsics/instruction.js";
import {
	checkSuspendFn,
	completeSuspendFn,
	type SuspendFn,
	type SuspendFnOn,
} from "../intrinsics/suspend-fn.js";
import type { ReceiveChannel } from "./channel-types.js";

/**
 * Kotlin's `cancelConsumed`: cancels the channel after `consume`, with the block's failure as the
 * cause (a CancellationException as it is, anything else wrapped).
 */
function cancelConsumed(ch: ReceiveChannel<unknown>, cause: unknown): void {
	if (cause === undefined) ch.cancel();
	else if (cause instanceof CancellationException) ch.cancel(cause);
	else {
		ch.cancel(
			new CancellationException("Channel was consumed, consumer had failed", {
				cause,
			}),
		);
	}
}

/** `ch.consume(block)`: runs the block, then cancels the channel, whatever the block's outcome. */
export function consumeChannel<E, R>(
	ch: ReceiveChannel<E>,
	block: SuspendFnOn<ReceiveChannel<E>, [], R>,
): Suspend<R> {
	checkSuspendFn(block, "consume(block)");
	return consumeBody(ch, block);
}

function* consumeBody<E, R>(
	ch: ReceiveChannel<E>,
	block: SuspendFnOn<ReceiveChannel<E>, [], R>,
): Generator<Instruction, R, unknown> {
	let failure: unknown;
	try {
		return yield* completeSuspendFn(block.call(ch, ch), "consume(block)");
	} catch (e) {
		failure = e;
		throw e;
	} finally {
		cancelConsumed(ch, failure);
	}
}

/** `ch.consumeEach(action)`: every element until the channel is closed, then `cancel`. */
export function consumeEachOf<E>(
	ch: ReceiveChannel<E>,
	action: SuspendFn<[E], void>,
): Suspend<void> {
	checkSuspendFn(action, "consumeEach(action)");
	return consumeChannel(ch, function* () {
		for (const it = ch.iterator(); yield* it.hasNext(); ) {
			yield* completeSuspendFn(action(it.next()), "consumeEach(action)");
		}
	});
}

/** `ch.toList()`: every element until the channel is closed, then `cancel`. */
export function toListOf<E>(ch: ReceiveChannel<E>): Suspend<E[]> {
	return consumeChannel(ch, function* () {
		const list: E[] = [];
		for (const it = ch.iterator(); yield* it.hasNext(); ) list.push(it.next());
		return list;
	});
}
