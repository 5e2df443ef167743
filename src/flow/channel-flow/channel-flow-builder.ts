/**
 * `channelFlow {}` and `callbackFlow {}` (kotlinx `flow/Builders.kt`): the block runs in a
 * producer coroutine with a `ProducerScope` (`send`, `launch` children that send, `awaitClose`);
 * the flow ends when the block and its children end. A `callbackFlow` block that returns with
 * the channel still open fails with kotlinx's text: it must end with `awaitClose`.
 */

import { BufferOverflow } from "../../channels/buffer-overflow.js";
import { Channel } from "../../channels/channel.js";
import {
	type CoroutineContext,
	EmptyCoroutineContext,
} from "../../context/coroutine-context.js";
import { IllegalStateException } from "../../errors/exceptions.js";
import type {
	ProducerBlock,
	ProducerScope,
} from "../../scope/coroutine-scope.js";
import { ChannelFlowSource } from "./channel-flow.js";

type Gen<R = void> = Generator<never, R, unknown>;

export class ChannelFlowBuilderSource<T> extends ChannelFlowSource<T> {
	constructor(
		readonly block: ProducerBlock<T>,
		readonly isCallbackFlow: boolean,
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
		return new ChannelFlowBuilderSource(
			this.block,
			this.isCallbackFlow,
			context,
			capacity,
			onBufferOverflow,
		);
	}
	*collectToChannel(producer: ProducerScope<T>): Gen {
		yield* this.block.call(producer, producer) as Gen;
		if (this.isCallbackFlow && !producer.isClosedForSend) {
			throw new IllegalStateException(
				"'awaitClose { yourCallbackOrListener.cancel() }' should be used in the end of callbackFlow block.\nOtherwise, a callback/listener may leak in case of external cancellation.\nSee callbackFlow API documentation for the details.",
			);
		}
	}
}
