/**
 * `buffer`, `conflate`, `flowOn` (kotlinx `flow/operators/Context.kt`): each makes or fuses a
 * {@link ChannelFlowSource}, with kotlinx's argument checks and texts.
 */

import { BufferOverflow } from "../../channels/buffer-overflow.js";
import { Channel } from "../../channels/channel.js";
import type { CoroutineContext } from "../../context/coroutine-context.js";
import { EmptyCoroutineContext } from "../../context/coroutine-context.js";
import { JobKey } from "../../job/job-key.js";
import type { FlowSource } from "../collector.js";
import { ChannelFlowOperator, ChannelFlowSource } from "./channel-flow.js";

/** The channel flow under a `Flow` wrapper, if any (so fusion sees through the wrapper). */
function unwrap<T>(flow: FlowSource<T>): FlowSource<T> {
	const inner = (flow as { source?: unknown }).source;
	return inner instanceof ChannelFlowSource
		? (inner as ChannelFlowSource<T>)
		: flow;
}

export function buffer<T>(
	up: FlowSource<T>,
	capacity: number,
	onBufferOverflow: BufferOverflow,
): FlowSource<T> {
	if (
		typeof capacity !== "number" ||
		!(
			capacity >= 0 ||
			capacity === Channel.BUFFERED ||
			capacity === Channel.CONFLATED
		) ||
		(capacity >= 0 &&
			!Number.isInteger(capacity) &&
			capacity !== Number.POSITIVE_INFINITY)
	) {
		throw new RangeError(
			`Buffer size should be non-negative, BUFFERED, or CONFLATED, but was ${capacity}`,
		);
	}
	if (
		capacity === Channel.CONFLATED &&
		onBufferOverflow !== BufferOverflow.SUSPEND
	) {
		throw new RangeError(
			"CONFLATED capacity cannot be used with non-default onBufferOverflow",
		);
	}
	let c = capacity;
	let overflow = onBufferOverflow;
	if (c === Channel.CONFLATED) {
		c = 0;
		overflow = BufferOverflow.DROP_OLDEST;
	}
	const source = unwrap(up);
	if (source instanceof ChannelFlowSource)
		return source.fuse(EmptyCoroutineContext, c, overflow);
	return new ChannelFlowOperator(up, EmptyCoroutineContext, c, overflow);
}

export function flowOn<T>(
	up: FlowSource<T>,
	context: CoroutineContext,
): FlowSource<T> {
	if (context.get(JobKey) !== undefined) {
		throw new TypeError(
			`Flow context cannot contain job in it. Had ${String(context)}`,
		);
	}
	if (context === EmptyCoroutineContext) return up;
	const source = unwrap(up);
	if (source instanceof ChannelFlowSource) return source.fuse(context);
	return new ChannelFlowOperator(up, context);
}
