/**
 * Concurrent merging (kotlinx `flow/internal/Merge.kt`): `flattenMerge`/`flatMapMerge` collect up
 * to `concurrency` inner flows at once, each in a child of the producer; `merge(...flows)`
 * collects every flow at once. All of them send into the one channel of the channel flow.
 */

import { BufferOverflow } from "../../channels/buffer-overflow.js";
import { Channel } from "../../channels/channel.js";
import {
	type CoroutineContext,
	EmptyCoroutineContext,
} from "../../context/coroutine-context.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	type CancellableContinuation,
	suspendCancellableCoroutineOn,
} from "../../intrinsics/suspend-cancellable-coroutine.js";
import type { ProducerScope } from "../../scope/coroutine-scope.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowSource,
} from "../collector.js";
import { requireCoroutine } from "../safe-collector.js";
import { ChannelFlowSource, SendingCollector } from "./channel-flow.js";

type Gen<R = void> = Generator<never, R, unknown>;

/** The permits of `flattenMerge`: at most `concurrency` inner collections at once, FIFO. */
class Permits {
	private readonly waiters: CancellableContinuation<void>[] = [];
	constructor(private available: number) {}
	acquire(): Suspend<void> {
		if (this.available > 0) {
			this.available--;
			return DONE;
		}
		return suspendCancellableCoroutineOn<void>(
			"Flow.flatMapMerge (waiting for a free inner collection)",
			(cont) => {
				this.waiters.push(cont);
				cont.invokeOnCancellation(() => {
					const i = this.waiters.indexOf(cont);
					if (i >= 0) this.waiters.splice(i, 1);
				});
			},
		);
	}
	release(): void {
		const next = this.waiters.shift();
		if (next !== undefined) next.resume();
		else this.available++;
	}
}

export class MergeSource<T> extends ChannelFlowSource<T> {
	constructor(
		readonly upstream: FlowSource<FlowSource<T>>,
		readonly concurrency: number,
		context: CoroutineContext = EmptyCoroutineContext,
		capacity: number = Channel.BUFFERED,
		onBufferOverflow: BufferOverflow = BufferOverflow.SUSPEND,
	) {
		super(context, capacity, onBufferOverflow);
	}
	protected create(
		context: CoroutineContext,
		capacity: number,
		onBufferOverflow: BufferOverflow,
	): ChannelFlowSource<T> {
		return new MergeSource(
			this.upstream,
			this.concurrency,
			context,
			capacity,
			onBufferOverflow,
		);
	}
	*collectToChannel(scope: ProducerScope<T>): Gen {
		const permits = new Permits(this.concurrency);
		const collector = new SendingCollector(scope);
		const producer = requireCoroutine("Flow.flatMapMerge");
		function* acquireAndLaunch(inner: FlowSource<T>, r: Suspend<void>): Gen {
			yield* r as Gen;
			launchInner(inner);
		}
		function launchInner(inner: FlowSource<T>): void {
			scope.launch(function* () {
				try {
					yield* inner[collectTo](collector) as Gen;
				} finally {
					permits.release();
				}
			});
		}
		yield* this.upstream[collectTo](
			new (class extends AbstractCollector<FlowSource<T>> {
				emit(inner: FlowSource<T>): Suspend<void> {
					producer.ensureActive();
					const r = permits.acquire();
					if (r !== DONE) return acquireAndLaunch(inner, r);
					launchInner(inner);
					return DONE;
				}
			})(),
		) as Gen;
	}
}

/** `merge(...flows)`: kotlinx's `ChannelLimitedFlowMerge`. */
export class MergeAllSource<T> extends ChannelFlowSource<T> {
	constructor(
		readonly flows: readonly FlowSource<T>[],
		context: CoroutineContext = EmptyCoroutineContext,
		capacity: number = Channel.BUFFERED,
		onBufferOverflow: BufferOverflow = BufferOverflow.SUSPEND,
	) {
		super(context, capacity, onBufferOverflow);
	}
	protected create(
		context: CoroutineContext,
		capacity: number,
		onBufferOverflow: BufferOverflow,
	): ChannelFlowSource<T> {
		return new MergeAllSource(this.flows, context, capacity, onBufferOverflow);
	}
	*collectToChannel(scope: ProducerScope<T>): Gen {
		const collector = new SendingCollector(scope);
		for (const f of this.flows) {
			scope.launch(function* () {
				yield* f[collectTo](collector) as Gen;
			});
		}
	}
}
