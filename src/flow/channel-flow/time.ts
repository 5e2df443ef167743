/**
 * Time-based operators (kotlinx `flow/operators/Delay.kt`): `debounce`, `sample`, `timeout`.
 * A timeout is a `TimeoutCancellationException` ("Timed out waiting for N ms", as `withTimeout`).
 *
 * kotlinx writes `debounce` and `sample` as a `select` between the upstream's channel and a timer.
 * Here the collector waits for the channel under `withTimeoutOrNull`: a timeout is the timer's
 * clause. The race select settles atomically is settled by the channel's `onUndeliveredElement`:
 * a value handed to the receive that the timeout then cancelled is rescued and taken as received
 * (it came first, so select would have chosen it). Time is the collector's clock (virtual under
 * `runTest`).
 */
import { BufferOverflow } from "../../channels/buffer-overflow.js";
import type { Channel } from "../../channels/channel.js";
import { ChannelResult } from "../../channels/channel-result.js";
import { EmptyCoroutineContext } from "../../context/coroutine-context.js";
import { TimeoutCancellationException } from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import type { CoroutineScope } from "../../scope/coroutine-scope.js";
import { coroutineScope } from "../../scope/scoping-functions.js";
import { withTimeoutOrNull } from "../../scope/with-timeout.js";
import { delayProviderOf } from "../../time/delay-provider.js";
import {
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { requireCoroutine } from "../safe-collector.js";
import { launchProducer, SendingCollector } from "./channel-flow.js";

type Gen<R = void> = Generator<never, R, unknown>;
const NONE = Symbol("none");
const TIMED_OUT = Symbol("timed out");

/** The upstream's values through a channel, and a receive that may time out without losing one. */
class TimedReceiver<T> {
	private rescued: T | typeof NONE = NONE;
	readonly channel: Channel<T>;
	constructor(scope: CoroutineScope, up: FlowSource<T>, capacity: number) {
		this.channel = launchProducer<T>(
			scope,
			EmptyCoroutineContext,
			capacity,
			BufferOverflow.SUSPEND,
			(producer) => up[collectTo](new SendingCollector(producer)),
			(e) => {
				this.rescued = e;
			},
		);
	}
	/** The next result, or TIMED_OUT after `ms` (Infinity: no timeout). */
	*receive(ms: number): Gen<ChannelResult<T> | typeof TIMED_OUT> {
		const ch = this.channel;
		if (ms === Number.POSITIVE_INFINITY) {
			return (yield* ch.receiveCatching() as Gen<
				ChannelResult<T>
			>) as ChannelResult<T>;
		}
		const r = yield* withTimeoutOrNull(ms, function* () {
			return yield* ch.receiveCatching();
		}) as Gen<ChannelResult<T> | null>;
		if (r !== null) return r;
		const rescued = this.rescued;
		if (rescued === NONE) return TIMED_OUT;
		this.rescued = NONE;
		return ChannelResult.success(rescued);
	}
}

export function debounce<T>(
	up: FlowSource<T>,
	timeoutFor: (v: T) => number,
): FlowSource<T> {
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			return coroutineScope(function* (): Gen {
				const values = new TimedReceiver(this, up, 0);
				let last: T | typeof NONE = NONE;
				for (;;) {
					let timeout = Number.POSITIVE_INFINITY;
					if (last !== NONE) {
						timeout = timeoutFor(last);
						if (!(timeout >= 0)) {
							throw new RangeError("Debounce timeout should not be negative");
						}
						if (timeout === 0) {
							const v: T = last;
							last = NONE;
							timeout = Number.POSITIVE_INFINITY;
							yield* down.emit(v) as Gen;
						}
					}
					const r = yield* values.receive(timeout);
					if (r === TIMED_OUT) {
						const v = last as T;
						last = NONE;
						yield* down.emit(v) as Gen;
					} else if (r.isSuccess) {
						last = r.getOrThrow();
					} else {
						const e = r.exceptionOrNull();
						if (e !== null) throw e;
						if (last !== NONE) yield* down.emit(last) as Gen;
						return;
					}
				}
			}) as Gen;
		},
	};
}

export function sample<T>(
	up: FlowSource<T>,
	periodMillis: number,
): FlowSource<T> {
	if (!(periodMillis > 0))
		throw new RangeError("Sample period should be positive");
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			return coroutineScope(function* (): Gen {
				const values = new TimedReceiver(this, up, -1);
				const clock = delayProviderOf(
					requireCoroutine("Flow.sample").dispatcher,
				);
				let nextTick = clock.now() + periodMillis;
				let last: T | typeof NONE = NONE;
				for (;;) {
					const wait = nextTick - clock.now();
					let r: ChannelResult<T> | typeof TIMED_OUT;
					if (wait > 0) r = yield* values.receive(wait);
					else {
						const now = values.channel.tryReceive();
						r = now.isSuccess || now.isClosed ? now : TIMED_OUT;
					}
					if (r === TIMED_OUT) {
						nextTick = clock.now() + periodMillis;
						if (last !== NONE) {
							const v: T = last;
							last = NONE;
							yield* down.emit(v) as Gen;
						}
					} else if (r.isSuccess) {
						last = r.getOrThrow();
					} else {
						const e = r.exceptionOrNull();
						if (e !== null) throw e;
						return;
					}
				}
			}) as Gen;
		},
	};
}

/** `timeout(ms)`: fails with `TimeoutCancellationException` when the upstream is silent for `ms`. */
export function timeout<T>(up: FlowSource<T>, ms: number): FlowSource<T> {
	return {
		[collectTo](down: FlowCollector<T>): Suspend<void> {
			return coroutineScope(function* (): Gen {
				if (ms <= 0)
					throw new TimeoutCancellationException("Timed out immediately");
				const values = new TimedReceiver(this, up, 0);
				for (;;) {
					const r = yield* values.receive(ms);
					if (r === TIMED_OUT) {
						throw new TimeoutCancellationException(
							`Timed out waiting for ${ms} ms`,
						);
					}
					if (!r.isSuccess) {
						const e = r.exceptionOrNull();
						if (e !== null) throw e;
						return;
					}
					yield* down.emit(r.getOrThrow()) as Gen;
				}
			}) as Gen;
		},
	};
}
