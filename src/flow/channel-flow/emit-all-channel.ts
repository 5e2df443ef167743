/**
 * kotlinx's `emitAllImpl` (below the flow protocol: it takes any object with `emit`): emits every element of a channel until it is closed (rethrowing its
 * close cause), then — `consume` — cancels the channel, with the failure as cause when the
 * emission failed.
 */
import type { ReceiveChannel } from "../../channels/channel-types.js";
import {
	CancellationException,
	isCancellation,
} from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";

type Gen<R = void> = Generator<never, R, unknown>;

export function* emitAllChannel<T>(
	collector: { emit(value: T): Suspend<void> },
	channel: ReceiveChannel<T>,
	consume: boolean,
): Gen {
	let cause: unknown = null;
	try {
		for (;;) {
			const result = yield* channel.receiveCatching() as Gen<
				ReturnType<ReceiveChannel<T>["tryReceive"]>
			>;
			if (result.isClosed) {
				const e = result.exceptionOrNull();
				if (e !== null) throw e;
				return;
			}
			yield* collector.emit(result.getOrThrow()) as Gen;
		}
	} catch (e) {
		cause = e;
		throw e;
	} finally {
		if (consume) channel.cancel(cancellationOf(cause));
	}
}

function cancellationOf(cause: unknown): CancellationException | undefined {
	if (cause === null) return undefined;
	if (isCancellation(cause)) return cause;
	return new CancellationException(
		"Channel was consumed, consumer had failed",
		{
			cause,
		},
	);
}
