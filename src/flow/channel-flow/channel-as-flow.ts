/**
 * `receiveAsFlow(channel)` and `consumeAsFlow(channel)` (kotlinx `flow/Channels.kt`): a channel
 * seen as a hot flow. Each collector receives from the channel (several collectors share its
 * elements, fan-out); `consumeAsFlow` can be collected once and cancels the channel when the
 * collection ends.
 */
import type { ReceiveChannel } from "../../channels/channel-types.js";
import { IllegalStateException } from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import {
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { emitAllChannel } from "./emit-all-channel.js";

export class ChannelAsFlowSource<T> implements FlowSource<T> {
	private consumed = false;
	constructor(
		private readonly channel: ReceiveChannel<T>,
		private readonly consume: boolean,
	) {}
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		if (this.consume) {
			if (this.consumed) {
				throw new IllegalStateException(
					"ReceiveChannel.consumeAsFlow can be collected just once",
				);
			}
			this.consumed = true;
		}
		return emitAllChannel(collector, this.channel, this.consume);
	}
}
