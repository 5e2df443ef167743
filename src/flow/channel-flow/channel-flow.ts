/**
 * kotlinx's `ChannelFlow` (`flow/internal/ChannelFlow.kt`): a flow whose upstream runs in a
 * producer coroutine that sends into a channel, while the collector receives from it. `buffer`,
 * `conflate`, `flowOn` and `channelFlow` are channel flows, and adjacent ones fuse into one
 * producer: contexts combine (the upstream one, given first, wins), capacities add up
 * (`BUFFERED` and the "optional channel" of a bare `flowOn` yield to an explicit size), a
 * non-suspending overflow strategy replaces what came before.
 *
 * Collecting runs `coroutineScope { emitAll(produce(context, capacity) { collectTo(channel) }) }`:
 * the producer is a child of the collector, its failure is `collect`'s, and the collector's end
 * (completion, failure, or a downstream `take`) cancels the producer.
 */
import { BufferOverflow } from "../../channels/buffer-overflow.js";
import { BufferedChannel } from "../../channels/buffered-channel.js";
import { Channel, makeChannel } from "../../channels/channel.js";
import type { SendChannel } from "../../channels/channel-types.js";
import {
	type CoroutineContext,
	EmptyCoroutineContext,
} from "../../context/coroutine-context.js";
import { CoroutineStart } from "../../coroutine/coroutine-start.js";
import { producerBody } from "../../coroutine/producer-scope.js";
import {
	type CancellationException,
	newCancellation,
} from "../../errors/exceptions.js";
import type { Suspend } from "../../intrinsics/instruction.js";
import type { Job } from "../../job/job.js";
import type {
	CoroutineScope,
	ProducerScope,
} from "../../scope/coroutine-scope.js";
import { coroutineScope } from "../../scope/scoping-functions.js";
import {
	AbstractCollector,
	collectTo,
	type FlowCollector,
	type FlowSource,
} from "../collector.js";
import { requireCoroutine } from "../safe-collector.js";
import { emitAllChannel } from "./emit-all-channel.js";

/** No channel unless one is needed (a bare `flowOn`): kotlinx's `Channel.OPTIONAL_CHANNEL`. */
export const OPTIONAL_CHANNEL = -3;

/** Whether `ctx` adds nothing to `base`: every element of `ctx` is already in `base`. */
export function addsNothing(
	base: CoroutineContext,
	ctx: CoroutineContext,
): boolean {
	for (const el of ctx) if (base.get(el.key as never) !== el) return false;
	return true;
}

export abstract class ChannelFlowSource<T> implements FlowSource<T> {
	constructor(
		readonly context: CoroutineContext,
		readonly capacity: number,
		readonly onBufferOverflow: BufferOverflow,
	) {}

	fuse(
		context: CoroutineContext = EmptyCoroutineContext,
		capacity: number = OPTIONAL_CHANNEL,
		onBufferOverflow: BufferOverflow = BufferOverflow.SUSPEND,
	): ChannelFlowSource<T> {
		const newContext = context.plus(this.context);
		let newCapacity: number;
		let newOverflow: BufferOverflow;
		if (onBufferOverflow !== BufferOverflow.SUSPEND) {
			newCapacity = capacity;
			newOverflow = onBufferOverflow;
		} else {
			if (this.capacity === OPTIONAL_CHANNEL) newCapacity = capacity;
			else if (capacity === OPTIONAL_CHANNEL) newCapacity = this.capacity;
			else if (this.capacity === Channel.BUFFERED) newCapacity = capacity;
			else if (capacity === Channel.BUFFERED) newCapacity = this.capacity;
			else newCapacity = Math.min(this.capacity + capacity, Channel.UNLIMITED);
			newOverflow = this.onBufferOverflow;
		}
		if (
			sameContext(newContext, this.context) &&
			newCapacity === this.capacity &&
			newOverflow === this.onBufferOverflow
		) {
			return this;
		}
		return this.create(newContext, newCapacity, newOverflow);
	}

	protected abstract create(
		context: CoroutineContext,
		capacity: number,
		onBufferOverflow: BufferOverflow,
	): ChannelFlowSource<T>;

	/** Runs the upstream in the producer coroutine, sending into `channel`. */
	abstract collectToChannel(producer: ProducerScope<T>): Suspend<void>;

	get produceCapacity(): number {
		return this.capacity === OPTIONAL_CHANNEL
			? Channel.BUFFERED
			: this.capacity;
	}

	/** Starts the producer in `scope`: returns the channel it fills. */
	produceImpl(scope: CoroutineScope): Channel<T> {
		return launchProducer(
			scope,
			this.context,
			this.produceCapacity,
			this.onBufferOverflow,
			(producer) => this.collectToChannel(producer),
		);
	}

	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		const self = this;
		return coroutineScope(function* () {
			yield* emitAllChannel(collector, self.produceImpl(this), true);
		});
	}
}

/**
 * The channel of a flow producer: cancelling it (the consumer is done) cancels the producer
 * coroutine with the same exception, as kotlinx's `ProducerCoroutine` is its channel.
 */
class FlowProducerChannel<T> extends BufferedChannel<T> {
	producer: Job | null = null;
	override cancel(cause?: CancellationException | string): void {
		const ce =
			cause === undefined
				? newCancellation("Channel was cancelled")
				: typeof cause === "string"
					? newCancellation(cause)
					: cause;
		try {
			super.cancel(ce);
		} finally {
			this.producer?.cancel(ce);
		}
	}
}

/**
 * kotlinx's `produce` as the flow operators use it: a child of `scope` started ATOMIC whose body
 * gets a `ProducerScope` (`send`, `awaitClose`, `launch`, ...) over a new channel; the channel
 * closes with the producer's end (its failure or cancellation as the cause), and cancelling the
 * channel cancels the producer.
 */
export function launchProducer<T>(
	scope: CoroutineScope,
	context: CoroutineContext,
	capacity: number,
	onBufferOverflow: BufferOverflow,
	body: (producer: ProducerScope<T>) => Suspend<void>,
	onUndeliveredElement?: (element: T) => void,
): Channel<T> {
	const channel = makeChannel<T, FlowProducerChannel<T>>(
		capacity,
		onBufferOverflow,
		onUndeliveredElement,
		FlowProducerChannel,
	);
	const job = scope.launch(
		context,
		CoroutineStart.ATOMIC,
		producerBody(channel, function (this: ProducerScope<T>) {
			return body(this);
		}),
	);
	channel.producer = job;
	job.invokeOnCompletion((cause) => {
		channel.close(cause);
	});
	return channel;
}

function sameContext(a: CoroutineContext, b: CoroutineContext): boolean {
	return addsNothing(a, b) && addsNothing(b, a);
}

/** `emit` = `send`: the collector of the producer side. */
export class SendingCollector<T> extends AbstractCollector<T> {
	constructor(private readonly channel: SendChannel<T>) {
		super();
	}
	emit(value: T): Suspend<void> {
		return this.channel.send(value);
	}
}

/** `buffer`/`flowOn`/`conflate` of any flow: kotlinx's `ChannelFlowOperatorImpl`. */
export class ChannelFlowOperator<T> extends ChannelFlowSource<T> {
	constructor(
		readonly upstream: FlowSource<T>,
		context: CoroutineContext = EmptyCoroutineContext,
		capacity: number = OPTIONAL_CHANNEL,
		onBufferOverflow: BufferOverflow = BufferOverflow.SUSPEND,
	) {
		super(context, capacity, onBufferOverflow);
	}
	protected create(
		context: CoroutineContext,
		capacity: number,
		onBufferOverflow: BufferOverflow,
	): ChannelFlowSource<T> {
		return new ChannelFlowOperator(
			this.upstream,
			context,
			capacity,
			onBufferOverflow,
		);
	}
	collectToChannel(producer: ProducerScope<T>): Suspend<void> {
		return this.upstream[collectTo](new SendingCollector(producer));
	}
	override [collectTo](collector: FlowCollector<T>): Suspend<void> {
		// A bare flowOn whose context adds nothing to the collector's runs in place.
		if (
			this.capacity === OPTIONAL_CHANNEL &&
			addsNothing(requireCoroutine("Flow.collect()").context, this.context)
		) {
			return this.upstream[collectTo](collector);
		}
		return super[collectTo](collector);
	}
}
