/**
 * Bad input, consistently (K4): every exported function and constructor of every entry point,
 * called with each kind of wrong argument, fails with a `TypeError` or `RangeError` whose message
 * names the call and says what is expected, never with V8's own text, a hang or a silent drop.
 *
 * The table lists every runtime export; a new export that is missing from it fails the first test,
 * so whoever adds one states how it checks its arguments (or why it takes anything).
 */
import { Effect } from "effect";
import * as core from "kocoro";
import {
	AbstractCoroutineContextElement,
	CompletableDeferred,
	CoroutineContextKey,
	CoroutineExceptionHandler,
	CoroutineName,
	CoroutineScope,
	coroutineScope,
	Dispatchers,
	delay,
	flowOf,
	GlobalScope,
	Job,
	joinAll,
	main,
	runCoroutine,
	SupervisorJob,
	setDefaultCoroutineExceptionHandler,
	supervisorScope,
	suspendCancellableCoroutine,
	withAbortSignal,
	withContext,
	withTimeout,
	withTimeoutOrNull,
} from "kocoro";
import * as debug from "kocoro/debug";
import { DebugProbes } from "kocoro/debug";
import * as effect from "kocoro/effect";
import { fromEffect, toEffect } from "kocoro/effect";
import * as test from "kocoro/test";
import {
	checkCancellationPoints,
	runTest,
	StandardTestDispatcher,
	TestCoroutineScheduler,
	UnconfinedTestDispatcher,
} from "kocoro/test";
import * as arbitraries from "kocoro/test/arbitraries";
import { delays, propertyRuns } from "kocoro/test/arbitraries";
import { describe, expect, it } from "vitest";
import { runInVirtualTime } from "../support/test-base.js";

/** The wrong values tried for each kind of parameter. */
const BAD = {
	/** A coroutine body: must be a generator function. */
	block: [
		42,
		"function* () {}",
		null,
		undefined,
		{},
		async () => {},
		async function* () {},
	],
	/** A time in milliseconds (negative means now, Infinity never). */
	time: [Number.NaN, "10", null, {}, 10n],
	/** A count that must be a positive integer. */
	count: [Number.NaN, -1, 0, 1.5, "2"],
	/** A coroutine context. */
	context: ["x", 42, {}, () => {}],
	/** A parent job. */
	job: ["x", 42, {}, () => {}],
	/** A callback. */
	callback: [42, "x", {}, null],
	/** A callback where null means "none". */
	handler: [42, "x", {}],
	/** A name. */
	string: [42, {}, null],
	/** An AbortSignal. */
	signal: ["x", {}, 42, null],
	/** Deferreds or jobs to wait for. */
	jobs: [42, "x", {}, null],
	/** An options object. */
	options: [42, "x"],
	/** A source of values (an iterable, async iterable or stream), a flow or a channel. */
	source: [42, null, undefined, {}, () => {}],
} as const;

type Kind = keyof typeof BAD;

interface Case {
	/** The name the message must show, as `name(`. */
	readonly call: string;
	/** The kinds of wrong argument tried, each with a call that puts the value in place. */
	readonly args: Partial<Record<Kind, (bad: unknown) => unknown>>;
}

const gen = function* () {};
const ok = () => {};
// biome-ignore lint/suspicious/noExplicitAny: the calls under test are made with wrong types on purpose
type Any = any;
const f = (fn: unknown) => fn as (...args: Any[]) => unknown;

/** Exports that take no argument, or any value (as `Error` does), with the reason. */
const TAKES_ANYTHING: Record<string, string> = {
	CancellationException: "an Error subclass: any message, as Error",
	JobCancellationException: "an Error subclass built by the runtime",
	TimeoutCancellationException: "an Error subclass: any message, as Error",
	CompletionHandlerException: "an Error subclass built by the runtime",
	IllegalStateException: "an Error subclass: any message, as Error",
	RunTestError: "an Error subclass built by runTest",
	UncompletedCoroutinesError: "an Error subclass built by runTest",
	EffectFailure: "an Error subclass built from an Effect Cause",
	CoroutineDispatcher: "an abstract class without constructor arguments",
	TestDispatcher: "an abstract class built by the dispatcher functions",
	MainScope: "no arguments",
	currentCoroutineContext: "no arguments",
	isActive: "no arguments",
	ensureActive: "no arguments",
	awaitCancellation: "no arguments",
	yieldNow: "no arguments",
	yield: "no arguments (yieldNow)",
	seeds: "no arguments",
	cancellationPoints: "no arguments",
	CoroutineStart: "an enum object",
	Dispatchers: "an object (its limitedParallelism is below)",
	EmptyCoroutineContext: "an object",
	GlobalScope: "an object (its builders are below)",
	NonCancellable: "an object",
	DebugProbes: "an object (jobToString is below)",
	BufferOverflow: "an enum object",
	TickerMode: "an enum object",
	ChannelResult:
		"a result class built by the channels (its factories take any value)",
	ClosedReceiveChannelException: "an Error subclass: any message, as Error",
	ClosedSendChannelException: "an Error subclass: any message, as Error",
	IllegalArgumentException: "an Error subclass: any message, as Error",
	NoSuchElementException: "an Error subclass: any message, as Error",
	Flow: "an abstract class without constructor arguments",
	AbstractFlow: "an abstract class without constructor arguments",
	SharedFlow: "an abstract class without constructor arguments",
	StateFlow: "an abstract class without constructor arguments",
	DEFAULT_CONCURRENCY: "a number",
	emptyFlow: "no arguments",
	flowOf: "any values, as the values of the flow",
	MutableStateFlow: "any value, as the initial value",
	SharingCommand: "an enum object",
	SharingStarted: "an object (its WhileSubscribed is below)",
	DEFAULT_TEST_FLOW_TIMEOUT: "a number",
	TurbineAssertionError: "an Error subclass built by testFlow",
};

/**
 * Calls whose `require` failures keep kotlinx's own text (Kotlin's message is what a port's tests
 * and logs expect): each wrong argument must still be a TypeError or RangeError, at the call.
 */
const KOTLIN_TEXTS: Case[] = [
	{
		call: "Channel",
		// 0 and -1 are RENDEZVOUS and CONFLATED: -5 stands for them
		args: {
			count: (n) => f(core.Channel)(n === 0 || n === -1 ? -5 : n),
		},
	},
	{ call: "Semaphore", args: { count: (n) => f(core.Semaphore)(n) } },
	{ call: "ticker", args: { time: (t) => f(core.ticker)(t) } },
	{
		call: "MutableSharedFlow",
		// 0 is the default replay and buffer: -5 stands for it
		args: {
			count: (n) => f(core.MutableSharedFlow)(n === 0 ? -5 : n),
		},
	},
	// Flow methods with kotlinx's require texts
	{ call: "take", args: { count: (n) => flowOf(1).take(n as Any) } },
	{
		call: "drop",
		args: { count: (n) => flowOf(1).drop(n === 0 ? -5 : (n as Any)) },
	},
	{
		call: "buffer",
		// 0 is RENDEZVOUS and -1 CONFLATED: -5 stands for them
		args: {
			count: (n) => flowOf(1).buffer(n === 0 || n === -1 ? -5 : (n as Any)),
		},
	},
	{
		call: "flatMapMerge",
		args: {
			count: (n) => flowOf(1).flatMapMerge(n as Any, (v) => flowOf(v)),
		},
	},
	{
		call: "retry",
		args: { count: (n) => flowOf(1).retry(n === 0 ? -5 : (n as Any)) },
	},
	{
		call: "shareIn",
		args: {
			count: (n) =>
				flowOf(1).shareIn(
					GlobalScope,
					core.SharingStarted.Lazily,
					n === 0 ? -5 : (n as Any),
				),
		},
	},
	{
		call: "debounce",
		args: { time: (t) => flowOf(1).debounce(t as Any) },
	},
	{
		call: "sample",
		args: { time: (t) => flowOf(1).sample(t as Any) },
	},
	{ call: "chunked", args: { count: (n) => flowOf(1).chunked(n as Any) } },
];

const CASES: Case[] = [
	// builders and scoping functions
	{
		call: "runCoroutine",
		args: {
			block: (b) => f(runCoroutine)(b),
			context: (c) => f(runCoroutine)(gen, c),
		},
	},
	{ call: "main", args: { block: (b) => f(main)(b) } },
	{
		call: "launch",
		args: {
			block: (b) => f(GlobalScope.launch.bind(GlobalScope))(b),
			context: (c) => f(GlobalScope.launch.bind(GlobalScope))(c, gen),
		},
	},
	{
		call: "async",
		args: {
			block: (b) => f(GlobalScope.async.bind(GlobalScope))(b),
			context: (c) => f(GlobalScope.async.bind(GlobalScope))(c, gen),
		},
	},
	{
		call: "promise",
		args: { block: (b) => f(GlobalScope.promise.bind(GlobalScope))(b) },
	},
	{ call: "coroutineScope", args: { block: (b) => f(coroutineScope)(b) } },
	{ call: "supervisorScope", args: { block: (b) => f(supervisorScope)(b) } },
	{
		call: "withContext",
		args: {
			block: (b) => f(withContext)(core.EmptyCoroutineContext, b),
			context: (c) => f(withContext)(c, gen),
		},
	},
	{
		call: "withTimeout",
		args: {
			block: (b) => f(withTimeout)(10, b),
			time: (t) => f(withTimeout)(t, gen),
		},
	},
	{
		call: "withTimeoutOrNull",
		args: {
			block: (b) => f(withTimeoutOrNull)(10, b),
			time: (t) => f(withTimeoutOrNull)(t, gen),
		},
	},
	{
		call: "withAbortSignal",
		args: {
			block: (b) => f(withAbortSignal)(new AbortController().signal, b),
			signal: (s) => f(withAbortSignal)(s, gen),
		},
	},
	{ call: "CoroutineScope", args: { context: (c) => f(CoroutineScope)(c) } },
	{ call: "awaitAll", args: { jobs: (j) => f(core.awaitAll)(j) } },
	{ call: "joinAll", args: { jobs: (j) => f(joinAll)(j) } },
	// suspension points
	{ call: "delay", args: { time: (t) => f(delay)(t) } },
	{
		call: "suspendCancellableCoroutine",
		args: { callback: (c) => f(suspendCancellableCoroutine)(c) },
	},
	{ call: "awaitPromise", args: { callback: (p) => f(core.awaitPromise)(p) } },
	{ call: "asDeferred", args: { callback: (p) => f(core.asDeferred)(p) } },
	{ call: "Mutex", args: { options: (v) => f(core.Mutex)(v) } },
	{ call: "select", args: { callback: (b) => f(core.select)(b) } },
	{
		call: "selectUnbiased",
		args: { callback: (b) => f(core.selectUnbiased)(b) },
	},
	{ call: "whileSelect", args: { callback: (b) => f(core.whileSelect)(b) } },
	{
		call: "asContextElement",
		args: { options: (s) => f(core.asContextElement)(s, 1) },
	},
	// flows
	{ call: "flow", args: { block: (b) => f(core.flow)(b) } },
	{ call: "channelFlow", args: { block: (b) => f(core.channelFlow)(b) } },
	{ call: "callbackFlow", args: { block: (b) => f(core.callbackFlow)(b) } },
	{
		call: "combine",
		args: {
			block: (b) => f(core.combine)(flowOf(1), flowOf(2), b),
			source: (s) => f(core.combine)(flowOf(1), s, ok),
		},
	},
	{ call: "merge", args: { source: (s) => f(core.merge)(flowOf(1), s) } },
	{ call: "asFlow", args: { source: (s) => f(core.asFlow)(s) } },
	{ call: "receiveAsFlow", args: { source: (s) => f(core.receiveAsFlow)(s) } },
	{ call: "consumeAsFlow", args: { source: (s) => f(core.consumeAsFlow)(s) } },
	{ call: "FlowCollector", args: { block: (b) => f(core.FlowCollector)(b) } },
	{
		call: "MutableSharedFlow",
		args: { string: (o) => f(core.MutableSharedFlow)(1, 0, o) },
	},
	{
		call: "WhileSubscribed",
		args: {
			time: (t) => f(core.SharingStarted.WhileSubscribed)(t),
		},
	},
	// Flow methods
	{ call: "collect", args: { callback: (c) => flowOf(1).collect(c as Any) } },
	{
		call: "collectLatest",
		args: { block: (b) => flowOf(1).collectLatest(b as Any) },
	},
	{ call: "map", args: { block: (b) => flowOf(1).map(b as Any) } },
	{ call: "filter", args: { block: (b) => flowOf(1).filter(b as Any) } },
	{ call: "onEach", args: { block: (b) => flowOf(1).onEach(b as Any) } },
	{ call: "transform", args: { block: (b) => flowOf(1).transform(b as Any) } },
	{ call: "fold", args: { block: (b) => flowOf(1).fold(0, b as Any) } },
	{ call: "catch", args: { block: (b) => flowOf(1).catch(b as Any) } },
	{
		call: "flatMapMerge",
		args: { block: (b) => flowOf(1).flatMapMerge(b as Any) },
	},
	{
		call: "flatMapConcat",
		args: { block: (b) => flowOf(1).flatMapConcat(b as Any) },
	},
	{ call: "timeout", args: { time: (t) => flowOf(1).timeout(t as Any) } },
	{ call: "zip", args: { block: (b) => flowOf(1).zip(flowOf(2), b as Any) } },
	{ call: "scan", args: { block: (b) => flowOf(1).scan(0, b as Any) } },
	{
		call: "distinctUntilChangedBy",
		args: { block: (b) => flowOf(1).distinctUntilChangedBy(b as Any) },
	},
	{
		call: "distinctUntilChanged",
		args: { callback: (c) => flowOf(1).distinctUntilChanged(c as Any) },
	},
	{ call: "mapLatest", args: { block: (b) => flowOf(1).mapLatest(b as Any) } },
	{
		call: "retry",
		args: { callback: (c) => flowOf(1).retry(3, c as Any) },
	},
	{
		call: "flowOn",
		args: { context: (c) => flowOf(1).flowOn(c as Any) },
	},
	{
		call: "shareIn",
		args: {
			options: (s) => flowOf(1).shareIn(GlobalScope, s as Any),
			context: (c) => flowOf(1).shareIn(c as Any, core.SharingStarted.Lazily),
		},
	},
	{
		call: "stateIn",
		args: {
			options: (s) => flowOf(1).stateIn(GlobalScope, s as Any, 0),
			context: (c) =>
				flowOf(1).stateIn(c as Any, core.SharingStarted.Lazily, 0),
		},
	},
	{
		call: "launchIn",
		args: { context: (c) => flowOf(1).launchIn(c as Any) },
	},
	// jobs
	{ call: "Job", args: { job: (j) => f(Job)(j) } },
	{ call: "SupervisorJob", args: { job: (j) => f(SupervisorJob)(j) } },
	{
		call: "CompletableDeferred",
		args: { job: (j) => f(CompletableDeferred)(j) },
	},
	// context
	{ call: "CoroutineName", args: { string: (s) => f(CoroutineName)(s) } },
	{
		call: "CoroutineContextKey",
		args: { string: (s) => new (CoroutineContextKey as Any)(s) },
	},
	{
		call: "AbstractCoroutineContextElement",
		args: {
			job: (k) => {
				class Element extends AbstractCoroutineContextElement {}
				return new Element(k as Any);
			},
		},
	},
	{
		call: "CoroutineExceptionHandler",
		args: { callback: (h) => f(CoroutineExceptionHandler)(h) },
	},
	{
		call: "setDefaultCoroutineExceptionHandler",
		args: {
			// null restores the default: a valid value.
			handler: (h) => f(setDefaultCoroutineExceptionHandler)(h),
		},
	},
	// dispatchers
	{
		call: "limitedParallelism",
		args: {
			count: (n) =>
				f(Dispatchers.Default.limitedParallelism.bind(Dispatchers.Default))(n),
		},
	},
	// kocoro/test
	{
		call: "runTest",
		args: {
			block: (b) => f(runTest)(b),
			options: (o) => f(runTest)(gen, o),
		},
	},
	{
		call: "checkCancellationPoints",
		args: {
			block: (b) => f(checkCancellationPoints)(b, ok),
			callback: (c) => f(checkCancellationPoints)(gen, c),
		},
	},
	{
		call: "StandardTestDispatcher",
		args: { context: (s) => f(StandardTestDispatcher)(s) },
	},
	{
		call: "UnconfinedTestDispatcher",
		args: { context: (s) => f(UnconfinedTestDispatcher)(s) },
	},
	{
		call: "TestCoroutineScheduler",
		args: { options: (o) => new (TestCoroutineScheduler as Any)(o) },
	},
	{
		call: "advanceTimeBy",
		args: { time: (t) => new TestCoroutineScheduler().advanceTimeBy(t as Any) },
	},
	// kocoro/test/arbitraries
	{ call: "delays", args: { options: (o) => f(delays)(o) } },
	{
		call: "testFlow",
		args: {
			source: (s) => f(test.testFlow)(s, gen),
			block: (b) => f(test.testFlow)(flowOf(1), b),
			time: (t) => f(test.testFlow)(flowOf(1), gen, { timeout: t }),
		},
	},
	{ call: "propertyRuns", args: { count: (n) => f(propertyRuns)(n) } },
	// kocoro/effect
	{ call: "fromEffect", args: { callback: (e) => f(fromEffect)(e) } },
	{ call: "toEffect", args: { block: (b) => f(toEffect)(b) } },
	{ call: "fromStream", args: { source: (s) => f(effect.fromStream)(s) } },
	{ call: "toStream", args: { source: (s) => f(effect.toStream)(s) } },
	// kocoro/debug
	{
		call: "jobToString",
		args: { job: (j) => DebugProbes.jobToString(j as Any) },
	},
];

/** Runs `call` the way a program would: the call, then `yield*` of what it returns. */
async function outcome(call: () => unknown): Promise<unknown> {
	try {
		const r = call();
		if (r instanceof Promise) await r;
		else if (
			r !== null &&
			typeof r === "object" &&
			typeof (r as { next?: unknown }).next === "function"
		) {
			await runInVirtualTime(function* () {
				yield* r as Iterable<never>;
			});
		} else if (Effect.isEffect(r)) {
			await Effect.runPromise(r as Effect.Effect<unknown, unknown>);
		}
		return null;
	} catch (e) {
		return e;
	}
}

function show(v: unknown): string {
	if (typeof v === "function")
		return v.constructor.name === "Function"
			? "a function"
			: v.constructor.name;
	if (typeof v === "bigint") return `${v}n`;
	if (typeof v === "number" && !Number.isFinite(v)) return String(v);
	try {
		return JSON.stringify(v) ?? String(v);
	} catch {
		return String(v);
	}
}

describe("bad arguments (K4)", () => {
	it("the table covers every runtime export of every entry point", () => {
		const covered = new Set([
			...CASES.map((c) => c.call),
			...KOTLIN_TEXTS.map((c) => c.call),
			...Object.keys(TAKES_ANYTHING),
		]);
		const missing: string[] = [];
		for (const [entry, module] of Object.entries({
			kocoro: core,
			"kocoro/test": test,
			"kocoro/test/arbitraries": arbitraries,
			"kocoro/effect": effect,
			"kocoro/debug": debug,
		})) {
			for (const name of Object.keys(module)) {
				if (!covered.has(name)) missing.push(`${entry}: ${name}`);
			}
		}
		expect(missing).toEqual([]);
	});

	it("a key selector or an equality cannot be a generator function: it cannot suspend", () => {
		expect(() => flowOf(1).distinctUntilChangedBy(gen as Any)).toThrow(
			"Flow.distinctUntilChangedBy(keySelector): the callback must be a plain function",
		);
		expect(() => flowOf(1).distinctUntilChanged(gen as Any)).toThrow(
			"Flow.distinctUntilChanged(areEquivalent): the callback must be a plain function",
		);
	});

	for (const c of KOTLIN_TEXTS) {
		it(`${c.call}: each wrong argument is a TypeError or RangeError (kotlinx's text)`, async () => {
			const wrong: string[] = [];
			for (const [kind, put] of Object.entries(c.args)) {
				for (const bad of BAD[kind as Kind]) {
					const e = await outcome(() => put(bad));
					if (!(e instanceof TypeError || e instanceof RangeError))
						wrong.push(`${c.call} with ${show(bad)} as ${kind}: ${String(e)}`);
				}
			}
			expect(wrong).toEqual([]);
		});
	}

	for (const c of CASES) {
		it(`${c.call}: each wrong argument is a TypeError or RangeError naming ${c.call}( and what it expects`, async () => {
			const wrong: string[] = [];
			for (const [kind, put] of Object.entries(c.args)) {
				for (const bad of BAD[kind as Kind]) {
					const e = await outcome(() => put(bad));
					const what = `${c.call} with ${show(bad)} as ${kind}`;
					if (e === null) {
						wrong.push(`${what}: no error`);
						continue;
					}
					const message = e instanceof Error ? e.message : String(e);
					if (!(e instanceof TypeError || e instanceof RangeError)) {
						wrong.push(`${what}: ${String(e)}`);
					} else if (!message.includes(`${c.call}(`)) {
						wrong.push(
							`${what}: the message does not name the call: ${message}`,
						);
					} else if (!/must|expected|write it|pass /.test(message)) {
						wrong.push(`${what}: the message does not say the fix: ${message}`);
					}
				}
			}
			expect(wrong).toEqual([]);
		});
	}
});
