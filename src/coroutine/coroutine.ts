import { makeChannel } from "../channels/channel.js";
import type { ReceiveChannel, SendChannel } from "../channels/channel-types.js";
import {
	ActorChannel,
	type CoroutineChannel,
	ProducerChannel,
} from "../channels/coroutine-channels.js";
import {
	type CoroutineContext,
	checkContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import { handleCoroutineException } from "../context/coroutine-exception-handler.js";
import { CoroutineDispatcher } from "../dispatchers/coroutine-dispatcher.js";
import { Dispatchers } from "../dispatchers/dispatchers.js";
import type { Suspend } from "../intrinsics/instruction.js";
import {
	AsyncFunction,
	AsyncGeneratorFunction,
} from "../intrinsics/suspend-fn.js";
import { getCompletedOf, promiseOf } from "../job/deferred-support.js";
import type { Deferred, Job } from "../job/job.js";
import { AwaitInstruction } from "../job/join-await.js";
import { AbstractCoroutine, LAZY_FLAG } from "./abstract-coroutine.js";
import type {
	ActorBlock,
	Block,
	CoroutineScope,
	ProducerBlock,
} from "./coroutine-scope.js";
import { CoroutineStart } from "./coroutine-start.js";
import { probes } from "./probes.js";
import { actorBody, producerBody } from "./producer-scope.js";

/** A coroutine is the scope of its own body: `this.launch(...)` makes a child. */
export abstract class Coroutine<T>
	extends AbstractCoroutine<T>
	implements CoroutineScope
{
	/** Created with CoroutineStart.LAZY. */
	markLazy(): void {
		this.flags |= LAZY_FLAG;
	}
	launch(...args: unknown[]): Job {
		return launchIn(this.context, args, "launch");
	}
	async<R>(...args: unknown[]): Deferred<R> {
		return asyncIn<R>(this.context, args, "async");
	}
	promise<R>(...args: unknown[]): Promise<R> {
		return asyncIn<R>(this.context, args, "promise").asPromise();
	}
	produce<E>(...args: unknown[]): ReceiveChannel<E> {
		return produceIn<E>(this.context, args);
	}
	actor<E>(...args: unknown[]): SendChannel<E> {
		return actorIn<E>(this.context, args);
	}
}

/** `launch`'s coroutine: an uncaught failure goes to the exception handler when no parent takes it. */
export class StandaloneCoroutine extends Coroutine<void> {
	override get className(): string {
		return this.flags & LAZY_FLAG
			? "LazyStandaloneCoroutine"
			: "StandaloneCoroutine";
	}
	protected override handleJobException(exception: Error): boolean {
		handleCoroutineException(this.context, exception);
		return true;
	}
}

/** `async`'s coroutine: its failure stays in the Deferred (and still cancels a normal parent). */
export class DeferredCoroutine<T> extends Coroutine<T> implements Deferred<T> {
	override get className(): string {
		return this.flags & LAZY_FLAG
			? "LazyDeferredCoroutine"
			: "DeferredCoroutine";
	}
	await(): Suspend<T> {
		return new AwaitInstruction<T>(this);
	}
	getCompleted(): T {
		return getCompletedOf<T>(this);
	}
	asPromise(): Promise<T> {
		return promiseOf<T>(this);
	}
}

/**
 * The coroutine of `produce` and `actor` (Kotlin's `ProducerCoroutine`/`ActorCoroutine`): tells
 * its channel when it is cancelling and how it ended; the channel cancels it in turn.
 */
class ChannelCoroutine extends Coroutine<void> {
	constructor(
		parentContext: CoroutineContext,
		block: Block<void>,
		private readonly channel: CoroutineChannel,
		private readonly name: string,
	) {
		super(parentContext, block, true);
	}
	override get className(): string {
		return this.name;
	}
	protected override onCancelling(cause: Error): void {
		super.onCancelling(cause);
		this.channel.coroutineCancelling(cause);
	}
	protected override handleJobException(exception: Error): boolean {
		if (!this.channel.coroutineFailedUnhandled(exception))
			handleCoroutineException(this.context, exception);
		return true;
	}
	protected override onCompletionInternal(): void {
		this.channel.coroutineCompleted(this.completionFailure());
	}
}

/** `scope.produce(...)`: a child coroutine sending to the channel it returns. */
export function produceIn<E>(
	scopeContext: CoroutineContext,
	args: unknown[],
): ReceiveChannel<E> {
	const { context, capacity, block } = channelBuilderArgs(args, "produce");
	const parentContext = newCoroutineContext(scopeContext, context);
	const channel = makeChannel<E, ProducerChannel<E>>(
		capacity,
		undefined,
		undefined,
		ProducerChannel,
	);
	startChannelCoroutine(
		parentContext,
		channel,
		producerBody(channel, block as ProducerBlock<E>),
		"ProducerCoroutine",
	);
	return channel;
}

/** `scope.actor(...)`: a child coroutine receiving from the channel whose sending side it returns. */
export function actorIn<E>(
	scopeContext: CoroutineContext,
	args: unknown[],
): SendChannel<E> {
	const { context, capacity, block } = channelBuilderArgs(args, "actor");
	const parentContext = newCoroutineContext(scopeContext, context);
	const channel = makeChannel<E, ActorChannel<E>>(
		capacity,
		undefined,
		undefined,
		ActorChannel,
	);
	startChannelCoroutine(
		parentContext,
		channel,
		actorBody(channel, block as ActorBlock<E>),
		"ActorCoroutine",
	);
	return channel;
}

/** Starts a `produce` or `actor` channel's coroutine at once, as a child of the context's job. */
function startChannelCoroutine(
	parentContext: CoroutineContext,
	channel: CoroutineChannel & { coroutine: Job | null },
	body: Block<void>,
	name: string,
): void {
	const co = new ChannelCoroutine(parentContext, body, channel, name);
	channel.coroutine = co;
	startCoroutine(co, parentContext, CoroutineStart.DEFAULT);
}

/** Splits `(block)`, `(context, block)` or `(context, capacity, block)` of produce/actor. */
function channelBuilderArgs(
	args: unknown[],
	where: string,
): { context: CoroutineContext; capacity: unknown; block: Block<void> } {
	let context: CoroutineContext = EmptyCoroutineContext;
	let capacity: unknown = 0;
	let block: unknown;
	if (args.length === 1) block = args[0];
	else if (args.length === 2) {
		context = checkContext(args[0], `${where}(context, block)`);
		block = args[1];
	} else if (args.length === 3) {
		context = checkContext(args[0], `${where}(context, capacity, block)`);
		capacity = args[1];
		block = args[2];
	} else {
		throw new TypeError(
			`${where}: expected (block), (context, block) or (context, capacity, block); got ${args.length} arguments`,
		);
	}
	return { context, capacity, block: checkBlock(block, where) };
}

/** The scope's context plus the builder's, with `Dispatchers.Default` when none is given. */
export function newCoroutineContext(
	scopeContext: CoroutineContext,
	context: CoroutineContext,
): CoroutineContext {
	const combined =
		context === EmptyCoroutineContext
			? scopeContext
			: scopeContext.plus(context);
	return combined.get(CoroutineDispatcher.Key) === undefined
		? combined.plus(Dispatchers.Default)
		: combined;
}

/** Splits `(block)`, `(context, block)` or `(context, start, block)` and checks each part. */
export function builderArgs(
	args: unknown[],
	where: string,
): { context: CoroutineContext; start: CoroutineStart; block: Block<unknown> } {
	let context: CoroutineContext = EmptyCoroutineContext;
	let start = CoroutineStart.DEFAULT;
	let block: unknown;
	if (args.length === 1) block = args[0];
	else if (args.length === 2) {
		context = checkContext(args[0], `${where}(context, block)`);
		block = args[1];
	} else if (args.length === 3) {
		context = checkContext(args[0], `${where}(context, start, block)`);
		start = checkStart(args[1], where);
		block = args[2];
	} else {
		throw new TypeError(
			`${where}: expected (block), (context, block) or (context, start, block); got ${args.length} arguments`,
		);
	}
	return { context, start, block: checkBlock(block, where) };
}

/** The call as a message names it: `launch(block)`, or `where` itself when it shows arguments. */
function callOf(where: string): string {
	return where.endsWith(")") ? where : `${where}(block)`;
}

export function checkBlock<T>(block: unknown, where: string): Block<T> {
	if (typeof block !== "function") {
		throw new TypeError(
			`${callOf(where)}: the block must be a generator function (\`function* () { ... }\`), got ${block === null ? "null" : typeof block}`,
		);
	}
	if (block.constructor === AsyncFunction) {
		throw new TypeError(
			`${callOf(where)}: the block is an async function; write it as a generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\``,
		);
	}
	if (block.constructor === AsyncGeneratorFunction) {
		throw new TypeError(
			`${callOf(where)}: the block is an async generator function; write it as a plain generator function (\`function* () { ... }\`) and wait for promises with \`yield* awaitPromise(p)\``,
		);
	}
	return block as Block<T>;
}

function checkStart(start: unknown, where: string): CoroutineStart {
	if (
		start === CoroutineStart.DEFAULT ||
		start === CoroutineStart.LAZY ||
		start === CoroutineStart.ATOMIC ||
		start === CoroutineStart.UNDISPATCHED
	) {
		return start;
	}
	throw new TypeError(
		`${where}: start must be a CoroutineStart, got ${String(start)}`,
	);
}

/**
 * Attaches a new coroutine to its parent and starts it as `start` says (M1). `added` is the
 * context its builder was given (the async context reads it).
 */
export function startCoroutine(
	co: AbstractCoroutine<unknown>,
	parentContext: CoroutineContext,
	start: CoroutineStart,
	added: CoroutineContext = EmptyCoroutineContext,
): void {
	if (probes.captureStacks) co.creationStack = new Error("created here").stack;
	co.attachToParent(parentContext, added);
	switch (start) {
		case CoroutineStart.DEFAULT:
			co.startDispatched();
			break;
		case CoroutineStart.ATOMIC:
			co.startAtomic();
			break;
		case CoroutineStart.UNDISPATCHED:
			co.startUndispatched();
			break;
		case CoroutineStart.LAZY:
			break;
	}
}

export function launchIn(
	scopeContext: CoroutineContext,
	args: unknown[],
	where: string,
): Job {
	const { context, start, block } = builderArgs(args, where);
	const parentContext = newCoroutineContext(scopeContext, context);
	const lazy = start === CoroutineStart.LAZY;
	const co = new StandaloneCoroutine(
		parentContext,
		block as Block<void>,
		!lazy,
	);
	if (lazy) co.markLazy();
	startCoroutine(co, parentContext, start, context);
	return co;
}

export function asyncIn<T>(
	scopeContext: CoroutineContext,
	args: unknown[],
	where: string,
): DeferredCoroutine<T> {
	const { context, start, block } = builderArgs(args, where);
	const parentContext = newCoroutineContext(scopeContext, context);
	const lazy = start === CoroutineStart.LAZY;
	const co = new DeferredCoroutine<T>(parentContext, block as Block<T>, !lazy);
	if (lazy) co.markLazy();
	startCoroutine(
		co as AbstractCoroutine<unknown>,
		parentContext,
		start,
		context,
	);
	return co;
}
