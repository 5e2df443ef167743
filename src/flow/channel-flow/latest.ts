/**
 * `transformLatest` and what is built on it (`mapLatest`, `flatMapLatest`, `collectLatest`):
 * kotlinx's `ChannelFlowTransformLatest`. Each upstream value starts the transform in a new child
 * of the producer, started undispatched; a new value first cancels the previous child and waits
 * for it to finish (its `finally` blocks run before the next transform starts).
 */

import { BufferOverflow } from "../../channels/buffer-overflow.js";
import { Channel } from "../../channels/channel.js";
import {
	type CoroutineContext,
	EmptyCoroutineContext,
} from "../../context/coroutine-context.js";
import { CoroutineStart } from "../../coroutine/coroutine-start.js";
import { CancellationException } from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	isSuspendCall,
	type SuspendFnOn,
} from "../../intrinsics/suspend-fn.js";
import type { Job } from "../../job/job.js";
import type { ProducerScope } from "../../scope/coroutine-scope.js";
import { coroutineScope } from "../../scope/scoping-functions.js";
import {
	AbstractCollector,
	collectTo,
	DONE,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { ChannelFlowSource, SendingCollector } from "./channel-flow.js";

type Gen<R = void> = Generator<never, R, unknown>;

/** kotlinx's `ChildCancelledException`: how a `*Latest` operator cancels the previous child. */
export class ChildCancelledException extends CancellationException {
	constructor() {
		super("Child of the scoped flow was cancelled");
	}
}

export class TransformLatestSource<T, R> extends ChannelFlowSource<R> {
	constructor(
		readonly upstream: FlowSource<T>,
		readonly transform: SuspendFnOn<FlowCollector<R>, [T], void>,
		readonly where: string,
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
	): ChannelFlowSource<R> {
		return new TransformLatestSource(
			this.upstream,
			this.transform,
			this.where,
			context,
			capacity,
			onBufferOverflow,
		);
	}
	collectToChannel(producer: ProducerScope<R>): Suspend<void> {
		const { upstream, transform, where } = this;
		const sending = new SendingCollector(producer);
		return coroutineScope(function* () {
			let previous: Job | null = null;
			const start = (value: T): void => {
				previous = this.launch(
					EmptyCoroutineContext,
					CoroutineStart.UNDISPATCHED,
					function* () {
						const r = transform.call(sending, value, sending);
						if (isSuspendCall(r, where)) yield* r as Gen<unknown>;
					},
				);
			};
			function* cancelPreviousAndStart(job: Job, value: T): Gen {
				job.cancel(new ChildCancelledException());
				yield* job.join() as Gen;
				start(value);
			}
			yield* upstream[collectTo](
				new (class extends AbstractCollector<T> {
					emit(value: T): Suspend<void> {
						const job: Job | null = previous;
						if (job !== null && !job.isCompleted)
							return cancelPreviousAndStart(job, value);
						start(value);
						return DONE;
					}
				})(),
			) as Gen;
		});
	}
}
