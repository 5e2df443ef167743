/**
 * The public `Flow` class: kotlinx's cold `Flow` with its operators as methods (R1).
 *
 * Every method is a one-line delegation to a function over {@link FlowSource} in `operators/` or
 * `terminal.ts`, wrapped in a {@link Flow}; see `collector.ts` for the layering and for where the
 * hot flows' public classes go (after `Flow`, in this file).
 */

import { BufferOverflow } from "../channels/buffer-overflow.js";
import { Channel } from "../channels/channel.js";
import type { ReceiveChannel } from "../channels/channel-types.js";
import {
	type CoroutineContext,
	checkContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import type { Suspend } from "../intrinsics/instruction.js";
import {
	checkSuspendFn,
	isSuspendCall,
	type SuspendFn,
	type SuspendFnOn,
} from "../intrinsics/suspend-fn.js";
import type { Job } from "../job/job.js";
import type {
	CoroutineScope,
	ProducerBlock,
} from "../scope/coroutine-scope.js";
import { checkTime } from "../time/check-time.js";
import {
	CancellableSource,
	type FlowBlock,
	IterableSource,
	SafeFlowSource,
} from "./builders.js";
import { buffer, flowOn } from "./channel-flow/buffer.js";
import { ChannelAsFlowSource } from "./channel-flow/channel-as-flow.js";
import {
	ChannelFlowOperator,
	ChannelFlowSource,
} from "./channel-flow/channel-flow.js";
import { ChannelFlowBuilderSource } from "./channel-flow/channel-flow-builder.js";
import { TransformLatestSource } from "./channel-flow/latest.js";
import { MergeAllSource, MergeSource } from "./channel-flow/merge.js";
import { debounce, sample, timeout } from "./channel-flow/time.js";
import {
	combineInternal,
	combine as combineSource,
	zip,
} from "./channel-flow/zip.js";
import {
	AbstractCollector,
	type FlowCollector as Collector,
	collectTo,
	DONE,
	type FlowSource,
} from "./collector.js";
import {
	launchSharing,
	NO_INITIAL,
	stateInAwait,
} from "./hot/launch-sharing.js";
import { SharedFlowImpl } from "./hot/shared-flow-impl.js";
import { type SharingCommand, startKind } from "./hot/sharing-command.js";
import { StateFlowImpl } from "./hot/state-flow-impl.js";
import { SubscribedSource } from "./hot/subscribed-collector.js";
import { asAsyncIterable } from "./interop/as-async-iterable.js";
import {
	AsyncIterableSource,
	type ReadableStreamLike,
	ReadableStreamSource,
} from "./interop/async-iterable-source.js";
import { flatMapConcat, flattenConcat } from "./operators/concat.js";
import { onCompletion, onEmpty, onStart } from "./operators/emitters.js";
import { catchError, retryWhen } from "./operators/errors.js";
import {
	drop,
	dropWhile,
	take,
	takeWhile,
	transformWhile,
} from "./operators/limit.js";
import {
	chunked,
	distinctUntilChangedBy,
	filter,
	type IndexedValue,
	map,
	mapNotNull,
	onEach,
	runningFold,
	runningReduce,
	transform,
	withIndex,
} from "./operators/transform.js";
import { requireCoroutine, SafeCollector } from "./safe-collector.js";
import * as terminal from "./terminal.js";

export type { IndexedValue };

/** A predicate callback (R2: plain or generator function). */
type Predicate<T> = SuspendFn<[T], boolean>;

/**
 * An asynchronous cold stream of values: kotlinx's `Flow`. Nothing runs until a terminal operator
 * (`collect`, `toList`, `first`, ...) collects it; each collection runs the producer again, in the
 * collecting coroutine. Operators (`map`, `filter`, `take`, ...) return new flows.
 *
 * DO NOT call `emit` without `yield*`, nor emit from another coroutine or inside `withContext`:
 * use `channelFlow` or `flowOn`.
 *
 * @example
 * const sum = yield* flowOf(1, 2, 3).map((x) => x * 2).fold(0, (a, x) => a + x); // 12
 */
export abstract class Flow<T> implements FlowSource<T> {
	/**
	 * The raw collect of the flow protocol ({@link FlowSource}): what `collect` and every operator
	 * call. Hand-written flows extend {@link AbstractFlow}, whose `collectSafely` is checked.
	 */
	abstract [collectTo](collector: FlowCollector<T>): Suspend<void>;

	/**
	 * Collects the flow: runs `action` on each value (a plain or generator function), or emits
	 * each value to `collector`. Returns when the flow completes; rethrows its failure.
	 */
	collect(action?: SuspendFn<[T], void> | FlowCollector<T>): Suspend<void> {
		if (action === undefined)
			return this[collectTo](new terminal.NopCollector());
		if (typeof action === "function") {
			checkSuspendFn(action, "Flow.collect(action)");
			return this[collectTo](
				new terminal.ActionCollector(action, "Flow.collect"),
			);
		}
		if (
			action === null ||
			typeof action !== "object" ||
			typeof action.emit !== "function"
		) {
			throw new TypeError(
				`Flow.collect(action): expected a function, a generator function or a FlowCollector, got ${action === null ? "null" : typeof action}`,
			);
		}
		return this[collectTo](action);
	}
	/** `collect` with each value's index: `(index, value)`. */
	collectIndexed(action: SuspendFn<[number, T], void>): Suspend<void> {
		checkSuspendFn(action, "Flow.collectIndexed(action)");
		return terminal.collectIndexed(this, action);
	}
	/** Collects every value into an array. */
	toList(destination: T[] = []): Suspend<T[]> {
		return terminal.toCollection(this, destination);
	}
	/** Collects every value into a set. */
	toSet(destination: Set<T> = new Set()): Suspend<Set<T>> {
		return terminal.toCollection(this, destination);
	}
	/** The first value (matching `p`); stops the upstream there. Empty: `NoSuchElementException`. */
	first(p?: Predicate<T>): Suspend<T> {
		if (p !== undefined) checkSuspendFn(p, "Flow.first(predicate)");
		return terminal.first(this, p);
	}
	/** The first value (matching `p`), or null. */
	firstOrNull(p?: Predicate<T>): Suspend<T | null> {
		if (p !== undefined) checkSuspendFn(p, "Flow.firstOrNull(predicate)");
		return terminal.firstOrNull(this, p);
	}
	/** The last value. Empty: `NoSuchElementException`. */
	last(): Suspend<T> {
		return terminal.last(this);
	}
	/** The last value, or null. */
	lastOrNull(): Suspend<T | null> {
		return terminal.lastOrNull(this);
	}
	/** The only value: `NoSuchElementException("Flow is empty")`, or `IllegalArgumentException("Flow has more than one element")`. */
	single(): Suspend<T> {
		return terminal.single(this);
	}
	/** The only value, or null when empty or when there is more than one. */
	singleOrNull(): Suspend<T | null> {
		return terminal.singleOrNull(this);
	}
	/** Accumulates from the first value. Empty: `NoSuchElementException("Empty flow can't be reduced")`. */
	reduce(op: SuspendFn<[T, T], T>): Suspend<T> {
		checkSuspendFn(op, "Flow.reduce(operation)");
		return terminal.reduce(this, op);
	}
	/** Accumulates from `initial`. */
	fold<R>(initial: R, op: (acc: R, value: T) => Suspend<R>): Suspend<R>;
	fold<R>(initial: R, op: (acc: R, value: T) => R | Suspend<R>): Suspend<R>;
	fold<R>(initial: R, op: (acc: R, value: T) => R): Suspend<R>;
	fold<R>(initial: R, op: SuspendFn<[R, T], R>): Suspend<R> {
		checkSuspendFn(op, "Flow.fold(initial, operation)");
		return terminal.fold(this, initial, op);
	}
	/** How many values (matching `p`). */
	count(p?: Predicate<T>): Suspend<number> {
		if (p !== undefined) checkSuspendFn(p, "Flow.count(predicate)");
		return terminal.count(this, p);
	}
	/** Whether some value matches; stops at the first. */
	any(p: Predicate<T>): Suspend<boolean> {
		checkSuspendFn(p, "Flow.any(predicate)");
		return terminal.anyMatches(this, p, true, "Flow.any");
	}
	/** Whether every value matches; stops at the first that does not. */
	*all(p: Predicate<T>): Generator<never, boolean, unknown> {
		checkSuspendFn(p, "Flow.all(predicate)");
		return !(yield* terminal.anyMatches(this, p, false, "Flow.all"));
	}
	/** Whether no value matches; stops at the first that does. */
	*none(p: Predicate<T>): Generator<never, boolean, unknown> {
		checkSuspendFn(p, "Flow.none(predicate)");
		return !(yield* terminal.anyMatches(this, p, true, "Flow.none"));
	}
	/** Collects the flow in a new coroutine of `scope` (`scope.launch { collect() }`). */
	launchIn(scope: CoroutineScope): Job {
		checkScope(scope, "Flow.launchIn(scope)");
		const source = this;
		return scope.launch(function* () {
			yield* source[collectTo](new terminal.NopCollector());
		});
	}

	/** Transforms each value (a plain or generator function). */
	map<R>(f: (value: T) => Suspend<R>): Flow<R>;
	map<R>(f: (value: T) => R | Suspend<R>): Flow<R>;
	map<R>(f: (value: T) => R): Flow<R>;
	map<R>(f: SuspendFn<[T], R>): Flow<R> {
		checkSuspendFn(f, "Flow.map(transform)");
		return wrap(map(this, f));
	}
	/** Transforms each value, dropping null and undefined results. */
	mapNotNull<R>(f: (value: T) => Suspend<R | null | undefined>): Flow<R>;
	mapNotNull<R>(
		f: (value: T) => R | null | undefined | Suspend<R | null | undefined>,
	): Flow<R>;
	mapNotNull<R>(f: (value: T) => R | null | undefined): Flow<R>;
	mapNotNull<R>(f: SuspendFn<[T], R | null | undefined>): Flow<R> {
		checkSuspendFn(f, "Flow.mapNotNull(transform)");
		return wrap(mapNotNull(this, f));
	}
	/** Runs `f` on each value before passing it on. */
	onEach(f: SuspendFn<[T], void>): Flow<T> {
		checkSuspendFn(f, "Flow.onEach(action)");
		return wrap(onEach(this, f));
	}
	/** Keeps the values matching `p`. */
	filter<S extends T>(p: (value: T) => value is S): Flow<S>;
	filter(p: Predicate<T>): Flow<T>;
	filter(p: Predicate<T>): Flow<T> {
		checkSuspendFn(p, "Flow.filter(predicate)");
		return wrap(filter(this, p));
	}
	/** Drops the values matching `p`. */
	filterNot(p: Predicate<T>): Flow<T> {
		checkSuspendFn(p, "Flow.filterNot(predicate)");
		return wrap(filter(this, p, false, "Flow.filterNot"));
	}
	/** Drops null and undefined. */
	filterNotNull(): Flow<NonNullable<T>> {
		return wrap(filter(this, (v) => v !== null && v !== undefined)) as Flow<
			NonNullable<T>
		>;
	}
	/**
	 * Keeps the instances of `klass` (kotlinx's `filterIsInstance<K>()`); for `String`, `Number`,
	 * `Boolean`, `BigInt` and `Symbol` it compares `typeof`.
	 */
	filterIsInstance<K>(klass: abstract new (...a: never[]) => K): Flow<K> {
		const primitive = primitiveTypeOf(klass);
		const test =
			primitive !== undefined
				? (v: T) => typeof v === primitive
				: (v: T) => v instanceof klass;
		return wrap(filter(this, test)) as unknown as Flow<K>;
	}
	/** Emits while `p` holds; the first value that fails it stops the upstream. */
	takeWhile(p: Predicate<T>): Flow<T> {
		checkSuspendFn(p, "Flow.takeWhile(predicate)");
		return wrap(takeWhile(this, p));
	}
	/** Drops values while `p` holds, then emits all. */
	dropWhile(p: Predicate<T>): Flow<T> {
		checkSuspendFn(p, "Flow.dropWhile(predicate)");
		return wrap(dropWhile(this, p));
	}
	/** The first `count` values; then stops the upstream (its `finally` runs). */
	take(count: number): Flow<T> {
		return wrap(take(this, count));
	}
	/** Skips the first `count` values. */
	drop(count: number): Flow<T> {
		return wrap(drop(this, count));
	}
	/**
	 * Emits any number of values per upstream value: the callback gets the downstream collector as
	 * `this` and last argument. `flow.transform<string>(function* (v) { yield* this.emit(`${v}`) })`.
	 */
	transform<R>(f: SuspendFnOn<FlowCollector<R>, [T], void>): Flow<R> {
		checkSuspendFn(f, "Flow.transform(transform)");
		return wrap(transform<T, R>(this, f));
	}
	/** As `transform`, and stops the upstream when the callback returns false. */
	transformWhile<R>(f: SuspendFnOn<FlowCollector<R>, [T], boolean>): Flow<R> {
		checkSuspendFn(f, "Flow.transformWhile(transform)");
		return wrap(transformWhile<T, R>(this, f));
	}
	/** Runs `action` (which may emit) before collecting the upstream. */
	onStart(action: SuspendFnOn<FlowCollector<T>, [], void>): Flow<T> {
		checkSuspendFn(action, "Flow.onStart(action)");
		return wrap(onStart(this, action));
	}
	/** Runs `action` (which may emit) when the upstream completed without a value. */
	onEmpty(action: SuspendFnOn<FlowCollector<T>, [], void>): Flow<T> {
		checkSuspendFn(action, "Flow.onEmpty(action)");
		return wrap(onEmpty(this, action));
	}
	/**
	 * Runs `action` after the flow ends, however it ends: `null` on completion, else the failure or
	 * cancellation (a downstream `take` included). It handles nothing: the failure goes on.
	 */
	onCompletion(
		action: SuspendFnOn<FlowCollector<T>, [Error | null], void>,
	): Flow<T> {
		checkSuspendFn(action, "Flow.onCompletion(action)");
		return wrap(onCompletion(this, action));
	}
	/**
	 * Handles an upstream failure (`action` may emit replacement values). Failures of the
	 * downstream and the collector's own cancellation pass through: exception transparency.
	 */
	catch(action: SuspendFnOn<FlowCollector<T>, [Error], void>): Flow<T> {
		checkSuspendFn(action, "Flow.catch(action)");
		return wrap(catchError(this, action));
	}
	/** Re-collects the upstream after a failure, at most `retries` times, while `p(e)` holds. */
	retry(
		retries = Number.POSITIVE_INFINITY,
		p?: SuspendFn<[Error], boolean>,
	): Flow<T> {
		if (
			typeof retries !== "number" ||
			!(retries > 0) ||
			!(Number.isInteger(retries) || retries === Number.POSITIVE_INFINITY)
		) {
			throw new RangeError(
				`Expected positive amount of retries, but had ${retries}`,
			);
		}
		if (p !== undefined) checkSuspendFn(p, "Flow.retry(retries, predicate)");
		const predicate = p ?? (() => true);
		return wrap(
			retryWhen<T>(
				this,
				(e, attempt) => (attempt < retries ? predicate(e) : false),
				"Flow.retry",
			),
		);
	}
	/** Re-collects the upstream after a failure while `p(e, attempt)` returns true (it may emit). */
	retryWhen(
		p: SuspendFnOn<FlowCollector<T>, [Error, number], boolean>,
	): Flow<T> {
		checkSuspendFn(p, "Flow.retryWhen(predicate)");
		return wrap(retryWhen(this, p));
	}
	/** Drops a value equal (`eq`, by default `Object.is`) to the previous one. */
	distinctUntilChanged(eq: (a: T, b: T) => boolean = Object.is): Flow<T> {
		checkPlainFn(eq, "Flow.distinctUntilChanged(areEquivalent)");
		return wrap(distinctUntilChangedBy(this, identity, eq));
	}
	/** Drops a value whose key equals the previous value's key (`Object.is`). */
	distinctUntilChangedBy<K>(keySelector: (value: T) => K): Flow<T> {
		checkPlainFn(keySelector, "Flow.distinctUntilChangedBy(keySelector)");
		return wrap(distinctUntilChangedBy(this, keySelector, Object.is));
	}
	/** Emits `initial`, then each accumulation (kotlinx's `runningFold`). */
	scan<R>(initial: R, op: (acc: R, value: T) => Suspend<R>): Flow<R>;
	scan<R>(initial: R, op: (acc: R, value: T) => R | Suspend<R>): Flow<R>;
	scan<R>(initial: R, op: (acc: R, value: T) => R): Flow<R>;
	scan<R>(initial: R, op: SuspendFn<[R, T], R>): Flow<R> {
		checkSuspendFn(op, "Flow.scan(initial, operation)");
		return wrap(runningFold(this, initial, op, "Flow.scan"));
	}
	/** Emits `initial`, then each accumulation. */
	runningFold<R>(initial: R, op: (acc: R, value: T) => Suspend<R>): Flow<R>;
	runningFold<R>(initial: R, op: (acc: R, value: T) => R | Suspend<R>): Flow<R>;
	runningFold<R>(initial: R, op: (acc: R, value: T) => R): Flow<R>;
	runningFold<R>(initial: R, op: SuspendFn<[R, T], R>): Flow<R> {
		checkSuspendFn(op, "Flow.runningFold(initial, operation)");
		return wrap(runningFold(this, initial, op));
	}
	/** Emits the first value, then each accumulation. */
	runningReduce(op: SuspendFn<[T, T], T>): Flow<T> {
		checkSuspendFn(op, "Flow.runningReduce(operation)");
		return wrap(runningReduce(this, op));
	}
	/** Pairs each value with its index: `{ index, value }`. */
	withIndex(): Flow<IndexedValue<T>> {
		return wrap(withIndex(this));
	}
	/** Collects the flow returned by `f` for each value, one after another. */
	flatMapConcat<R>(f: (value: T) => Suspend<Flow<R>>): Flow<R>;
	flatMapConcat<R>(f: (value: T) => Flow<R> | Suspend<Flow<R>>): Flow<R>;
	flatMapConcat<R>(f: (value: T) => Flow<R>): Flow<R>;
	flatMapConcat<R>(f: SuspendFn<[T], Flow<R>>): Flow<R> {
		checkSuspendFn(f, "Flow.flatMapConcat(transform)");
		return wrap(flatMapConcat(this, f));
	}
	/** Collects each inner flow, one after another. */
	flattenConcat<R>(this: Flow<Flow<R>>): Flow<R> {
		return wrap(flattenConcat<R>(this));
	}
	/**
	 * Runs the upstream in its own coroutine that sends into a channel of `capacity` (default
	 * `Channel.BUFFERED`, 64), so producer and collector run concurrently. `onBufferOverflow`
	 * chooses what a full buffer does. Adjacent `buffer`/`conflate`/`flowOn`/`channelFlow` fuse
	 * into one coroutine and one channel.
	 */
	buffer(
		capacity: number = Channel.BUFFERED,
		onBufferOverflow: BufferOverflow = BufferOverflow.SUSPEND,
	): Flow<T> {
		return wrap(buffer(this, capacity, onBufferOverflow));
	}
	/** `buffer(Channel.CONFLATED)`: a slow collector gets the latest value, skipping older ones. */
	conflate(): Flow<T> {
		return wrap(buffer(this, Channel.CONFLATED, BufferOverflow.SUSPEND));
	}
	/**
	 * Runs the upstream (the operators before this one) in `context`: in place when `context` adds
	 * nothing to the collector's context, else in a coroutine of its own sending through a
	 * channel. A Job in `context` is a TypeError.
	 */
	flowOn(context: CoroutineContext): Flow<T> {
		checkContext(context, "Flow.flowOn(context)");
		return wrap(flowOn(this, context));
	}
	/**
	 * For each value, cancels the transform still running for the previous one (and waits for
	 * it), then runs `f`, which may emit (RxJS: `switchMap` with emissions).
	 */
	transformLatest<R>(f: SuspendFnOn<FlowCollector<R>, [T], void>): Flow<R> {
		checkSuspendFn(f, "Flow.transformLatest(transform)");
		return wrap(
			new TransformLatestSource<T, R>(this, f, "Flow.transformLatest"),
		);
	}
	/** Maps each value; a new value cancels the mapping of the previous one. */
	mapLatest<R>(f: (value: T) => Suspend<R>): Flow<R>;
	mapLatest<R>(f: (value: T) => R | Suspend<R>): Flow<R>;
	mapLatest<R>(f: (value: T) => R): Flow<R>;
	mapLatest<R>(f: SuspendFn<[T], R>): Flow<R> {
		checkSuspendFn(f, "Flow.mapLatest(transform)");
		return wrap(
			new TransformLatestSource<T, R>(
				this,
				mapLatestTransform(f),
				"Flow.mapLatest",
			),
		);
	}
	/** Collects the flow `f` returns for the latest value, cancelling the previous one (RxJS: `switchMap`). */
	flatMapLatest<R>(f: (value: T) => Suspend<Flow<R>>): Flow<R>;
	flatMapLatest<R>(f: (value: T) => Flow<R> | Suspend<Flow<R>>): Flow<R>;
	flatMapLatest<R>(f: (value: T) => Flow<R>): Flow<R>;
	flatMapLatest<R>(f: SuspendFn<[T], Flow<R>>): Flow<R> {
		checkSuspendFn(f, "Flow.flatMapLatest(transform)");
		return wrap(
			new TransformLatestSource<T, R>(
				this,
				flatMapLatestTransform(f),
				"Flow.flatMapLatest",
			),
		);
	}
	/**
	 * Collects with `action`; a new value cancels the action still running for the previous one
	 * (kotlinx: `mapLatest(action).buffer(0).collect()`).
	 */
	collectLatest(action: SuspendFn<[T], void>): Suspend<void> {
		checkSuspendFn(action, "Flow.collectLatest(action)");
		const latest = new TransformLatestSource<T, void>(
			this,
			mapLatestTransform(action),
			"Flow.collectLatest",
		);
		return latest
			.fuse(EmptyCoroutineContext, 0)
			[collectTo](new terminal.NopCollector());
	}
	/**
	 * Collects the flows `f` returns, up to `concurrency` (default 16) at once, merging their
	 * values as they come (RxJS: `mergeMap`).
	 */
	flatMapMerge<R>(f: (value: T) => Suspend<Flow<R>>): Flow<R>;
	flatMapMerge<R>(f: (value: T) => Flow<R> | Suspend<Flow<R>>): Flow<R>;
	flatMapMerge<R>(f: (value: T) => Flow<R>): Flow<R>;
	flatMapMerge<R>(
		concurrency: number,
		f: (value: T) => Suspend<Flow<R>>,
	): Flow<R>;
	flatMapMerge<R>(
		concurrency: number,
		f: (value: T) => Flow<R> | Suspend<Flow<R>>,
	): Flow<R>;
	flatMapMerge<R>(concurrency: number, f: (value: T) => Flow<R>): Flow<R>;
	flatMapMerge<R>(
		a: number | SuspendFn<[T], Flow<R>>,
		b?: SuspendFn<[T], Flow<R>>,
	): Flow<R> {
		const [concurrency, f] =
			typeof a === "number" ? [a, b] : [DEFAULT_CONCURRENCY, a];
		checkConcurrency(concurrency);
		checkSuspendFn(f, "Flow.flatMapMerge(concurrency, transform)");
		return this.map(f as SuspendFn<[T], Flow<R>>).flattenMerge(concurrency);
	}
	/** Collects up to `concurrency` (default 16) inner flows at once, merging their values. */
	flattenMerge<R>(
		this: Flow<Flow<R>>,
		concurrency: number = DEFAULT_CONCURRENCY,
	): Flow<R> {
		checkConcurrency(concurrency);
		if (concurrency === 1) return this.flattenConcat();
		return wrap(new MergeSource<R>(this, concurrency));
	}
	/**
	 * Pairs the n-th value of this flow with the n-th of `other`; ends with the shorter flow,
	 * stopping the other one.
	 */
	zip<U, R>(other: Flow<U>, f: (a: T, b: U) => Suspend<R>): Flow<R>;
	zip<U, R>(other: Flow<U>, f: (a: T, b: U) => R | Suspend<R>): Flow<R>;
	zip<U, R>(other: Flow<U>, f: (a: T, b: U) => R): Flow<R>;
	zip<U, R>(other: Flow<U>, f: SuspendFn<[T, U], R>): Flow<R> {
		checkSuspendFn(f, "Flow.zip(other, transform)");
		return wrap(zip(this, other, f));
	}
	/** Emits `f` of the latest values of this flow and `other` whenever either emits (once both have). */
	combine<U, R>(other: Flow<U>, f: (a: T, b: U) => Suspend<R>): Flow<R>;
	combine<U, R>(other: Flow<U>, f: (a: T, b: U) => R | Suspend<R>): Flow<R>;
	combine<U, R>(other: Flow<U>, f: (a: T, b: U) => R): Flow<R>;
	combine<U, R>(other: Flow<U>, f: SuspendFn<[T, U], R>): Flow<R> {
		checkSuspendFn(f, "Flow.combine(other, transform)");
		return wrap(
			combineSource([this, other], f as (...v: unknown[]) => R, "Flow.combine"),
		);
	}
	/** As `combine`, with a transform that emits (`this` is the collector). */
	combineTransform<U, R>(
		other: Flow<U>,
		f: SuspendFnOn<FlowCollector<R>, [T, U], void>,
	): Flow<R> {
		checkSuspendFn(f, "Flow.combineTransform(other, transform)");
		return wrap(combineTransform<R>([this, other], f as never));
	}
	/**
	 * Emits a value only after `timeout` ms (a number, or a function of the value) without a newer
	 * one; the last value is always emitted.
	 */
	debounce(timeout: number | ((value: T) => number)): Flow<T> {
		if (typeof timeout === "number") {
			if (!(timeout >= 0))
				throw new RangeError("Debounce timeout should not be negative");
			if (timeout === 0) return this;
			return wrap(debounce(this, () => timeout));
		}
		checkSuspendFn(timeout, "Flow.debounce(timeout)");
		return wrap(debounce(this, timeout));
	}
	/**
	 * Fails with `TimeoutCancellationException("Timed out waiting for N ms")` when the upstream
	 * emits nothing for `timeMillis` ms (from the start, or since the previous value).
	 */
	timeout(timeMillis: number): Flow<T> {
		return wrap(
			timeout(this, checkTime(timeMillis, "Flow.timeout(timeMillis)")),
		);
	}
	/** Groups the values into arrays of `size`; the last one may be shorter. */
	chunked(size: number): Flow<T[]> {
		return wrap(chunked(this, size));
	}
	/** Emits the latest value, if a new one came, every `periodMillis` ms. */
	sample(periodMillis: number): Flow<T> {
		return wrap(
			sample(this, checkTime(periodMillis, "Flow.sample(periodMillis)")),
		);
	}
	/** Starts collecting in a new coroutine of `scope` that sends into the returned channel. */
	produceIn(scope: CoroutineScope): ReceiveChannel<T> {
		const source =
			this instanceof SourceFlow && this.source instanceof ChannelFlowSource
				? (this.source as ChannelFlowSource<T>)
				: new ChannelFlowOperator<T>(this);
		return source.produceImpl(scope);
	}
	/** Checks the collector's cancellation before each value (for `flowOf`/`asFlow` sources). */
	cancellable(): Flow<T> {
		if (this instanceof SourceFlow && this.source instanceof CancellableSource)
			return this;
		return wrap(new CancellableSource(this));
	}
	/**
	 * Shares this cold flow as a hot {@link SharedFlow}: one collection of this flow, run by a
	 * coroutine launched in `scope` (its failure fails `scope`), feeds every subscriber, and the
	 * last `replay` values are replayed to new ones. `started` decides when that collection runs:
	 * `SharingStarted.Eagerly` (at `scope`'s next dispatch, for ever), `Lazily` (from the first
	 * subscriber on, for ever) or `WhileSubscribed(stopTimeoutMillis, replayExpirationMillis)`.
	 * The upstream is buffered as kotlinx does: `max(replay, 64)` values in all, unless a
	 * `buffer(n)`, `conflate()` or `flowOn(ctx)` right before `shareIn` says otherwise (it is fused
	 * into the shared flow: `buffer(0)` makes the upstream wait for every subscriber).
	 *
	 * @example
	 * const prices = asFlow([101, 102, 103]).shareIn(scope, SharingStarted.WhileSubscribed(5_000), 1);
	 */
	shareIn(
		scope: CoroutineScope,
		started: SharingStarted,
		replay = 0,
	): SharedFlow<T> {
		return shareIn(this, scope, started, replay);
	}
	/**
	 * Shares this cold flow as a hot {@link StateFlow} starting at `initialValue`: `shareIn` with
	 * replay 1 and conflation. `WhileSubscribed`'s replay expiration resets it to `initialValue`.
	 * Without `started` and `initialValue`, suspends until the first value, starts eagerly, and
	 * rethrows an upstream failure that comes first (`stateIn(scope)`).
	 *
	 * @example
	 * const query = MutableStateFlow("");
	 * const results = query
	 *   .flatMapLatest((q) => flowOf(`results for ${q}`))
	 *   .stateIn(scope, SharingStarted.WhileSubscribed(5_000), "");
	 */
	stateIn(
		scope: CoroutineScope,
		started: SharingStarted,
		initialValue: T,
	): StateFlow<T>;
	stateIn(scope: CoroutineScope): Suspend<StateFlow<T>>;
	stateIn(
		scope: CoroutineScope,
		...rest: [SharingStarted, T] | []
	): StateFlow<T> | Suspend<StateFlow<T>> {
		checkScope(scope, "Flow.stateIn(scope, started, initialValue)");
		if (rest.length === 0) return stateInAwaitOf(this, scope);
		return stateIn(this, scope, rest[0], rest[1] as T);
	}
	/**
	 * The flow as an async iterable, for `for await` in plain async code. It is collected in a new
	 * coroutine (a child of `context`'s Job if it has one) that hands over one value per `next()`
	 * and waits for the next call: nothing is buffered. A `break` cancels the collection and
	 * resolves once its `finally` blocks ran; a failure rejects `next()`.
	 *
	 * @example
	 * async function printAll(names: Flow<string>): Promise<void> {
	 *   for await (const name of names.asAsyncIterable()) console.log(name);
	 * }
	 */
	asAsyncIterable(
		context: CoroutineContext = EmptyCoroutineContext,
	): AsyncIterable<T> {
		return asAsyncIterable(this, context);
	}
	/** `op(this)`: chains a user-defined operator. */
	let<R>(op: (flow: this) => R): R {
		return op(this);
	}
}

/**
 * Base class of hand-written flows: implement `collectSafely(collector)`; the collector it gets
 * checks cancellation and the flow invariants as `flow {}`'s does.
 *
 * @example
 * class Countdown extends AbstractFlow<number> {
 *   *collectSafely(c: FlowCollector<number>) { for (let i = 3; i > 0; i--) yield* c.emit(i); }
 * }
 */
export abstract class AbstractFlow<T> extends Flow<T> {
	abstract collectSafely(collector: FlowCollector<T>): Suspend<void>;
	/** @internal */
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return collectAbstract(this, collector);
	}
}

function* collectAbstract<T>(
	flow: AbstractFlow<T>,
	collector: FlowCollector<T>,
): Generator<never, void, unknown> {
	const safe = new SafeCollector(collector, requireCoroutine("Flow.collect()"));
	yield* flow.collectSafely(safe) as Generator<never, void, unknown>;
}

/** A flow over a raw source (what every operator returns). */
class SourceFlow<T> extends Flow<T> {
	constructor(readonly source: FlowSource<T>) {
		super();
	}
	/** @internal */
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return this.source[collectTo](collector);
	}
}

function wrap<T>(source: FlowSource<T>): Flow<T> {
	return new SourceFlow(source);
}

const GeneratorFunction = function* () {}.constructor;

/** A callback that cannot suspend (a key or an equality): a plain, synchronous function. */
function checkPlainFn(fn: unknown, where: string): void {
	checkSuspendFn(fn, where);
	if ((fn as () => unknown).constructor === GeneratorFunction) {
		throw new TypeError(
			`${where}: the callback must be a plain function returning its result; a generator function's result would be compared as a generator`,
		);
	}
}

function checkScope(scope: unknown, where: string): void {
	if (
		scope === null ||
		typeof scope !== "object" ||
		typeof (scope as CoroutineScope).launch !== "function"
	) {
		throw new TypeError(
			`${where}: scope must be a CoroutineScope (a coroutine's \`this\`, CoroutineScope(context) or GlobalScope), got ${scope === null ? "null" : typeof scope}`,
		);
	}
}

function checkFlows(flows: readonly unknown[], where: string): void {
	for (const f of flows) {
		if (!(f instanceof Flow)) {
			throw new TypeError(
				`${where}: each argument must be a Flow (flowOf(...), flow(function* () { ... }), asFlow(...)), got ${f === null ? "null" : typeof f}`,
			);
		}
	}
}

function checkChannel(channel: unknown, where: string): void {
	if (
		channel === null ||
		typeof channel !== "object" ||
		typeof (channel as ReceiveChannel<unknown>).receiveCatching !== "function"
	) {
		throw new TypeError(
			`${where}: expected a ReceiveChannel (Channel(...), produce(...)), got ${channel === null ? "null" : typeof channel}`,
		);
	}
}

/** kotlinx's `require(concurrency > 0)`, with its text; an integer, as Kotlin's `Int`. */
function checkConcurrency(concurrency: unknown): void {
	if (
		typeof concurrency !== "number" ||
		!Number.isInteger(concurrency) ||
		concurrency <= 0
	) {
		throw new RangeError(
			`Expected positive concurrency level, but had ${String(concurrency)}`,
		);
	}
}

/**
 * The default `concurrency` of `flatMapMerge` and `flattenMerge`, as kotlinx's `DEFAULT_CONCURRENCY`.
 *
 * @example
 * const pages = flowOf("/a", "/b").flatMapMerge(DEFAULT_CONCURRENCY / 2, (p) => flowOf(p.length));
 */
export const DEFAULT_CONCURRENCY = 16;

type Gen<R = void> = Generator<never, R, unknown>;

function mapLatestTransform<T, R>(
	f: SuspendFn<[T], R>,
): SuspendFnOn<FlowCollector<R>, [T], void> {
	return function* (this: FlowCollector<R>, value: T): Gen {
		let r: unknown = f(value);
		if (isSuspendCall(r, "Flow.mapLatest")) r = yield* r as Gen<unknown>;
		yield* this.emit(r as R) as Gen;
	};
}

function flatMapLatestTransform<T, R>(
	f: SuspendFn<[T], Flow<R>>,
): SuspendFnOn<FlowCollector<R>, [T], void> {
	return function* (this: FlowCollector<R>, value: T): Gen {
		let r: unknown = f(value);
		if (isSuspendCall(r, "Flow.flatMapLatest")) r = yield* r as Gen<unknown>;
		yield* (r as Flow<R>)[collectTo](this) as Gen;
	};
}

function combineTransform<R>(
	flows: readonly FlowSource<unknown>[],
	f: SuspendFnOn<FlowCollector<R>, unknown[], void>,
): FlowSource<R> {
	return wrap(
		new SafeFlowSource<R>(function* () {
			const collector = this;
			yield* combineInternal(flows, function* (values): Gen {
				const r = f.call(collector, ...values, collector);
				if (isSuspendCall(r, "combineTransform")) yield* r as Gen<unknown>;
			});
		}),
	);
}

function identity<T>(v: T): T {
	return v;
}

function primitiveTypeOf(klass: unknown): string | undefined {
	if (klass === String) return "string";
	if (klass === Number) return "number";
	if (klass === Boolean) return "boolean";
	if (klass === BigInt) return "bigint";
	if (klass === Symbol) return "symbol";
	return undefined;
}

/**
 * A cold flow from a generator body: it runs at each `collect`, in the collecting coroutine, and
 * emits with `yield* this.emit(v)`. Each emit first checks cancellation. Where TypeScript cannot
 * infer T from the context, give it: `flow<number>(function* () { ... })`.
 *
 * DO NOT emit from a launched child or inside `withContext`: "Flow invariant is violated". Use
 * `channelFlow` for concurrent emission, `flowOn` to change the upstream's context.
 *
 * @example
 * const numbers = flow<number>(function* () {
 *   for (let i = 1; i <= 3; i++) { yield* delay(100); yield* this.emit(i); }
 * });
 */
export function flow<T>(block: FlowBlock<T>): Flow<T> {
	checkSuspendFn(block, "flow(block)");
	return wrap(new SafeFlowSource(block));
}

/**
 * A cold flow whose block runs in a producer coroutine with a `ProducerScope`: it may `send` from
 * children it launches (concurrent emission) and switch context; the flow ends when the block
 * and its children end. Buffered (`Channel.BUFFERED`); `buffer`/`conflate`/`flowOn` after it fuse.
 *
 * @example
 * const both = channelFlow<string>(function* (producer) {
 *   // a child's `this` is its own scope: it sends through the producer's
 *   producer.launch(function* () { yield* producer.send("a"); });
 *   yield* producer.send("b");
 * });
 */
export function channelFlow<T>(block: ProducerBlock<T>): Flow<T> {
	checkSuspendFn(block, "channelFlow(block)");
	return wrap(new ChannelFlowBuilderSource(block, false));
}

/**
 * `channelFlow` for callback APIs: register the callback (it `trySend`s), then end the block with
 * `yield* this.awaitClose(() => unregister())`, which waits until the collector is done and then
 * unregisters. A block that returns with the channel open fails with `IllegalStateException`
 * ("'awaitClose { yourCallbackOrListener.cancel() }' should be used...").
 *
 * @example
 * const button = new EventTarget();
 * const clicks = callbackFlow<Event>(function* () {
 *   const on = (e: Event) => this.trySend(e);
 *   button.addEventListener("click", on);
 *   yield* this.awaitClose(() => button.removeEventListener("click", on));
 * });
 */
export function callbackFlow<T>(block: ProducerBlock<T>): Flow<T> {
	checkSuspendFn(block, "callbackFlow(block)");
	return wrap(new ChannelFlowBuilderSource(block, true));
}

/**
 * Merges the values of all `flows`, collected concurrently, as they come (RxJS: `merge`).
 *
 * @example
 * yield* merge(flowOf("click"), flowOf("key")).collect((e) => console.log(e));
 */
export function merge<T>(...flows: Flow<T>[]): Flow<T> {
	checkFlows(flows, "merge(...flows)");
	if (flows.length === 0) return emptyFlow();
	if (flows.length === 1) return flows[0] as Flow<T>;
	return wrap(new MergeAllSource<T>(flows));
}

/**
 * Emits `transform` of the latest values of all flows whenever one emits, once each has
 * emitted (RxJS: `combineLatest`): `combine(a, b, (x, y) => x + y)`.
 *
 * @example
 * const label = MutableStateFlow("count");
 * const count = MutableStateFlow(0);
 * const shown = combine(label, count, (l: string, n: number) => `${l}: ${n}`);
 */
export function combine<A extends unknown[], R>(
	...args: [...{ [K in keyof A]: Flow<A[K]> }, (...values: A) => Suspend<R>]
): Flow<R>;
export function combine<A extends unknown[], R>(
	...args: [...{ [K in keyof A]: Flow<A[K]> }, (...values: A) => R | Suspend<R>]
): Flow<R>;
export function combine<A extends unknown[], R>(
	...args: [...{ [K in keyof A]: Flow<A[K]> }, (...values: A) => R]
): Flow<R>;
export function combine(...args: unknown[]): Flow<unknown> {
	const transform = args[args.length - 1];
	checkSuspendFn(transform, "combine(...flows, transform)");
	const flows = args.slice(0, -1) as Flow<unknown>[];
	checkFlows(flows, "combine(...flows, transform)");
	return wrap(combineSource(flows, transform as (...v: unknown[]) => unknown));
}

/**
 * The elements of `channel` as a flow (kotlinx's `ReceiveChannel.receiveAsFlow()`): every collector
 * receives from the channel, so several collectors share its elements. Not consumed: the channel
 * stays open when a collection stops early.
 *
 * A function rather than a channel method: channels sit below flows and cannot construct one.
 *
 * @example
 * const channel = Channel<string>(Channel.BUFFERED);
 * const shouted = receiveAsFlow(channel).map((s) => s.toUpperCase());
 */
export function receiveAsFlow<T>(channel: ReceiveChannel<T>): Flow<T> {
	checkChannel(channel, "receiveAsFlow(channel)");
	return wrap(new ChannelAsFlowSource(channel, false));
}

/**
 * As {@link receiveAsFlow}, but the flow can be collected once (`IllegalStateException` on the
 * second collection) and cancels the channel when the collection ends.
 *
 * @example
 * const ch = Channel<number>(Channel.UNLIMITED);
 * ch.trySend(1);
 * ch.trySend(2);
 * ch.close();
 * const once = consumeAsFlow(ch);
 * console.log(yield* once.toList()); // [1, 2]; a second collection throws
 */
export function consumeAsFlow<T>(channel: ReceiveChannel<T>): Flow<T> {
	checkChannel(channel, "consumeAsFlow(channel)");
	return wrap(new ChannelAsFlowSource(channel, true));
}

/**
 * A flow of the given values (no cancellation check per value; see `cancellable()`).
 *
 * @example
 * const doubled = yield* flowOf(1, 2, 3).map((x) => x * 2).toList(); // [2, 4, 6]
 */
export function flowOf<T>(...values: T[]): Flow<T> {
	return wrap(new IterableSource(values));
}

const EMPTY: Flow<never> = wrap(new IterableSource<never>([]));

/**
 * The flow that completes at once.
 *
 * @example
 * const none = yield* emptyFlow<number>().toList(); // []
 */
export function emptyFlow<T = never>(): Flow<T> {
	return EMPTY as Flow<T>;
}

/**
 * A flow of a source's values: an iterable (Kotlin's `(1..3).asFlow()` is `asFlow([1, 2, 3])`),
 * an async iterable (async generators, Node `Readable`) or a web `ReadableStream`.
 *
 * Iterables emit synchronously and do not check cancellation per value (`cancellable()` adds it).
 * Async sources wait for each `next()` (cancellable at once) and, when the collection ends early,
 * call the iterator's `return()` (a stream reader's `cancel()`).
 *
 * @example
 * import { createReadStream } from "node:fs";
 * import { createInterface } from "node:readline";
 *
 * const lines = asFlow(createInterface({ input: createReadStream("log.txt") }));
 * const errors = lines.filter((l) => l.includes("ERROR"));
 */
export function asFlow<T>(
	source: Iterable<T> | AsyncIterable<T> | ReadableStreamLike<T>,
): Flow<T> {
	if (source !== null && source !== undefined) {
		if (typeof (source as Iterable<T>)[Symbol.iterator] === "function")
			return wrap(new IterableSource(source as Iterable<T>));
		if (
			typeof (source as AsyncIterable<T>)[Symbol.asyncIterator] === "function"
		)
			return wrap(new AsyncIterableSource(source as AsyncIterable<T>));
		if (typeof (source as ReadableStreamLike<T>).getReader === "function")
			return wrap(new ReadableStreamSource(source as ReadableStreamLike<T>));
	}
	throw new TypeError(
		`asFlow(source): expected an iterable, an async iterable or a ReadableStream, got ${source === null ? "null" : typeof source}`,
	);
}

/**
 * A collector from an `emit` callback (Kotlin's `FlowCollector { v -> ... }`).
 *
 * @example
 * yield* flowOf(1, 2).collect(FlowCollector((v) => console.log(v)));
 */
export interface FlowCollector<T> extends Collector<T> {}

export function FlowCollector<T>(emit: SuspendFn<[T], void>): FlowCollector<T> {
	checkSuspendFn(emit, "FlowCollector(emit)");
	return new terminal.ActionCollector(emit, "FlowCollector.emit");
}

export { AbstractCollector, DONE };

// ---- hot flows: the public classes over the cores in ./hot/ (see collector.ts) ----------------

/**
 * A hot flow whose values are shared by all its collectors (kotlinx's `SharedFlow`): it exists
 * and runs whether or not anyone collects it. A new subscriber first gets the `replayCache`,
 * then every new value. **A shared flow never completes**: `collect` returns only by throwing
 * (cancellation, or a failure of the collector); `take`, `first` or `takeWhile` end it.
 *
 * Make one with `MutableSharedFlow(...)`, or from a cold flow with `shareIn`.
 *
 * @example
 * const events = MutableSharedFlow<string>();
 * scope.launch(function* () { yield* events.collect((e) => console.log(e)); });
 */
export abstract class SharedFlow<T> extends Flow<T> {
	/** A snapshot of the values a new subscriber gets first, oldest first. */
	abstract readonly replayCache: readonly T[];
	/** Collects for ever: returns only by throwing (cancellation or the collector's failure). */
	override collect(
		action?: SuspendFn<[T], void> | FlowCollector<T>,
	): Suspend<never> {
		return super.collect(action) as Suspend<never>;
	}
	/**
	 * A shared flow that runs `action` (with the collector as `this` and argument, so it may
	 * emit) once each collector is subscribed, before its first value: whatever is emitted to
	 * this flow during or after the action reaches that collector.
	 *
	 * @example
	 * const events = MutableSharedFlow<string>();
	 * yield* events
	 *   .onSubscription(function* () { yield* this.emit("hello"); })
	 *   .collect((e) => console.log(e)); // hello, then every later event
	 */
	onSubscription(action: SuspendFnOn<Collector<T>, [], void>): SharedFlow<T> {
		checkSuspendFn(action, "SharedFlow.onSubscription(action)");
		return new ReadonlySharedFlow(new SubscribedSource(this, action), null);
	}
}

/**
 * A {@link SharedFlow} that always holds one value (kotlinx's `StateFlow`): a new collector gets
 * the current value at once, then each new value. Collectors see distinct values only, and may
 * miss intermediate ones (conflation): a slow collector sees the latest value when it looks
 * again. Values are compared with `Object.is` (Kotlin uses `equals`).
 *
 * Make one with `MutableStateFlow(initial)`, or from a cold flow with `stateIn`.
 *
 * @example
 * const counter = MutableStateFlow(0);
 * counter.update((n) => n + 1); // counter.value === 1
 */
export abstract class StateFlow<T> extends SharedFlow<T> {
	/** The current value. */
	abstract readonly value: T;
}

/** What a hot core offers the read-only views. */
interface HotCore<T> extends FlowSource<T> {
	readonly replayCache: readonly T[];
}

/** @internal The read-only view of a shared flow (`asSharedFlow()`, `shareIn`). */
export class ReadonlySharedFlow<T> extends SharedFlow<T> {
	constructor(
		private readonly core: HotCore<T>,
		/** The sharing coroutine, kept alive with the view (as kotlinx keeps it). */
		readonly job: Job | null,
	) {
		super();
	}
	get replayCache(): readonly T[] {
		return this.core.replayCache;
	}
	/** @internal */
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return this.core[collectTo](collector);
	}
}

/** @internal The read-only view of a state flow (`asStateFlow()`, `stateIn`, `subscriptionCount`). */
export class ReadonlyStateFlow<T> extends StateFlow<T> {
	constructor(
		private readonly core: HotCore<T> & { readonly value: T },
		readonly job: Job | null,
	) {
		super();
	}
	get value(): T {
		return this.core.value;
	}
	get replayCache(): readonly T[] {
		return this.core.replayCache;
	}
	/** @internal */
	[collectTo](collector: FlowCollector<T>): Suspend<void> {
		return this.core[collectTo](collector);
	}
}

/**
 * When the coroutine of `shareIn`/`stateIn` collects the upstream (kotlinx's `SharingStarted`):
 * `command` turns the shared flow's subscription count into {@link SharingCommand}s. The
 * built-in strategies are `SharingStarted.Eagerly`, `SharingStarted.Lazily` and
 * `SharingStarted.WhileSubscribed(stopTimeoutMillis, replayExpirationMillis)`.
 *
 * @example
 * // Start with the second subscriber, never stop.
 * const fromTwo: SharingStarted = {
 *   command: (count) => count.filter((n) => n >= 2).take(1).map(() => SharingCommand.START),
 * };
 */
export interface SharingStarted {
	command(subscriptionCount: StateFlow<number>): Flow<SharingCommand>;
}

/** kotlinx's default buffer for `shareIn` (`Channel.BUFFERED`). */
const SHARE_DEFAULT_CAPACITY = 64;

function checkStarted(started: unknown, where: string): SharingStarted {
	if (
		started === null ||
		typeof started !== "object" ||
		typeof (started as SharingStarted).command !== "function"
	) {
		throw new TypeError(
			`${where}: started must be a SharingStarted (SharingStarted.Eagerly, SharingStarted.Lazily, SharingStarted.WhileSubscribed(...)), got ${String(started)}`,
		);
	}
	return started as SharingStarted;
}

function kindOf(started: SharingStarted): number {
	return (started as { [startKind]?: number })[startKind] ?? 0;
}

/** What `shareIn`/`stateIn` run and how they buffer: kotlinx's `SharingConfig`. */
interface SharingConfig<T> {
	upstream: FlowSource<T>;
	extraBufferCapacity: number;
	onBufferOverflow: BufferOverflow;
	context: CoroutineContext;
}

/**
 * kotlinx's `configureSharing`: a `buffer`/`conflate`/`flowOn` right before `shareIn` is fused
 * into the shared flow (its channel is dropped; its size becomes the extra buffer, its overflow
 * strategy the shared flow's, its context the sharing coroutine's); otherwise the upstream is
 * shared with a buffer of `max(replay, 64)`.
 */
function configureSharing<T>(flow: Flow<T>, replay: number): SharingConfig<T> {
	const defaultExtra = Math.max(replay, SHARE_DEFAULT_CAPACITY) - replay;
	const source = flow instanceof SourceFlow ? flow.source : flow;
	if (source instanceof ChannelFlowOperator) {
		const capacity = source.capacity;
		const overflow = source.onBufferOverflow;
		let extra: number;
		if (capacity < 0 || capacity === 0) {
			// the optional channel of a bare flowOn, BUFFERED, or an explicit 0
			if (overflow === BufferOverflow.SUSPEND)
				extra = capacity === 0 ? 0 : defaultExtra;
			else extra = replay === 0 ? 1 : 0; // no suspension: a buffer of one at least
		} else {
			extra = capacity;
		}
		return {
			upstream: source.upstream as FlowSource<T>,
			extraBufferCapacity: extra,
			onBufferOverflow: overflow,
			context: source.context,
		};
	}
	return {
		upstream: flow,
		extraBufferCapacity: defaultExtra,
		onBufferOverflow: BufferOverflow.SUSPEND,
		context: EmptyCoroutineContext,
	};
}

function shareIn<T>(
	upstream: Flow<T>,
	scope: CoroutineScope,
	started: SharingStarted,
	replay: number,
): SharedFlow<T> {
	checkScope(scope, "Flow.shareIn(scope, started, replay)");
	checkStarted(started, "Flow.shareIn(scope, started, replay)");
	if (!Number.isInteger(replay) || replay < 0) {
		throw new RangeError(`replay cannot be negative, but was ${replay}`);
	}
	const config = configureSharing(upstream, replay);
	const core = new SharedFlowImpl<T>(
		replay,
		replay + config.extraBufferCapacity,
		config.onBufferOverflow,
	);
	const job = launchSharing(
		scope,
		config.context,
		config.upstream,
		core,
		kindOf(started),
		() => started.command(new ReadonlyStateFlow(core.subscriptionCount, null)),
		NO_INITIAL,
	);
	return new ReadonlySharedFlow(core, job);
}

function stateIn<T>(
	upstream: Flow<T>,
	scope: CoroutineScope,
	started: SharingStarted,
	initialValue: T,
): StateFlow<T> {
	checkStarted(started, "Flow.stateIn(scope, started, initialValue)");
	const config = configureSharing(upstream, 1);
	const core = new StateFlowImpl<T>(initialValue);
	const job = launchSharing(
		scope,
		config.context,
		config.upstream,
		core,
		kindOf(started),
		() => started.command(new ReadonlyStateFlow(core.subscriptionCount, null)),
		initialValue,
	);
	return new ReadonlyStateFlow(core, job);
}

function stateInAwaitOf<T>(
	upstream: Flow<T>,
	scope: CoroutineScope,
): Suspend<StateFlow<T>> {
	const config = configureSharing(upstream, 1);
	return stateInAwait(scope, config.context, config.upstream, (first, job) => {
		const state = new StateFlowImpl<T>(first);
		return { state, view: new ReadonlyStateFlow(state, job) as StateFlow<T> };
	});
}
