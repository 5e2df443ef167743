/**
 * End to end with OpenTelemetry's real API and its AsyncLocalStorage context manager: a span
 * started in a request handler is the parent of the spans created in the coroutines the handler
 * launches, across suspensions, with two requests interleaved; and a pino-style logger (its
 * `mixin` reads the request from an AsyncLocalStorage) prints each request's own id.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
	type Context,
	context,
	type Span,
	type SpanOptions,
	TraceFlags,
	type Tracer,
	trace,
} from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
	type AsyncLocalStorageLike,
	asContextElement,
	awaitPromise,
	delay,
	runCoroutine,
	withContext,
	yieldNow,
} from "kocoro";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withHangGuard } from "../support/test-base.js";

interface SpanRecord {
	name: string;
	traceId: string;
	spanId: string;
	parentSpanId: string | undefined;
}

/**
 * A tracer that records every span it starts with its parent (the span of the context it is
 * started in), and hands out the API's own non-recording spans: no SDK needed.
 */
class RecordingTracer implements Tracer {
	readonly spans: SpanRecord[] = [];
	private next = 1;
	private id(width: number): string {
		return (this.next++).toString(16).padStart(width, "0");
	}
	startSpan(name: string, _options?: SpanOptions, ctx?: Context): Span {
		const parent = trace.getSpanContext(ctx ?? context.active());
		const traceId = parent?.traceId ?? this.id(32);
		const spanId = this.id(16);
		this.spans.push({ name, traceId, spanId, parentSpanId: parent?.spanId });
		return trace.wrapSpanContext({
			traceId,
			spanId,
			traceFlags: TraceFlags.SAMPLED,
		});
	}
	startActiveSpan = ((name: string, ...rest: unknown[]) => {
		const fn = rest[rest.length - 1] as (span: Span) => unknown;
		const ctx = (rest.length === 3 ? rest[1] : context.active()) as Context;
		const span = this.startSpan(name, undefined, ctx);
		return context.with(trace.setSpan(ctx, span), fn, undefined, span);
	}) as Tracer["startActiveSpan"];
	find(name: string): SpanRecord {
		const s = this.spans.find((r) => r.name === name);
		if (s === undefined) throw new Error(`no span named ${name}`);
		return s;
	}
}

/** A small pino-style logger: one JSON line per call, with what `mixin()` returns merged in. */
function createLogger(options: {
	mixin: () => Record<string, unknown>;
	write: (line: string) => void;
}) {
	return {
		info(msg: string): void {
			options.write(JSON.stringify({ level: 30, ...options.mixin(), msg }));
		},
	};
}

/** OpenTelemetry's context API as the storage of asContextElement: makes a span active for a block. */
const otelContext: AsyncLocalStorageLike<Context> = {
	getStore: () => context.active(),
	run: (ctx, callback) => context.with(ctx, callback),
};

const tracer = new RecordingTracer();
const manager = new AsyncLocalStorageContextManager();

beforeAll(() => {
	context.setGlobalContextManager(manager.enable());
	trace.setGlobalTracerProvider({ getTracer: () => tracer });
});
afterAll(() => {
	trace.disable();
	context.disable();
});

describe("OpenTelemetry and a pino-style logger across coroutines", () => {
	it("each request's span parents the spans of its coroutines, and each log line has the request's id", async () => {
		const requestStore = new AsyncLocalStorage<{ id: string }>();
		const lines: string[] = [];
		const logger = createLogger({
			mixin: () => ({ reqId: requestStore.getStore()?.id }),
			write: (line) => lines.push(line),
		});
		const span = (name: string) => tracer.startSpan(name).end();

		/** A request handler: a span around the request, coroutines for the work. */
		function handle(id: string): Promise<void> {
			return requestStore.run({ id }, () =>
				tracer.startActiveSpan(`${id} request`, (request: Span) =>
					runCoroutine(function* () {
						logger.info("start");
						yield* yieldNow();
						span(`${id} after yieldNow`);
						this.launch(function* () {
							yield* delay(1);
							span(`${id} child after delay`);
							logger.info("child");
						});
						const fetched = yield* awaitPromise(async () => {
							await new Promise((r) => setTimeout(r, 1));
							span(`${id} in async code`);
							return requestStore.getStore()?.id;
						});
						expect(fetched).toBe(id);
						// A span of the coroutine's own, made active for a block and its children.
						const work = tracer.startSpan(`${id} work`);
						yield* withContext(
							asContextElement(
								otelContext,
								trace.setSpan(context.active(), work),
							),
							function* () {
								yield* delay(1);
								span(`${id} in work`);
								this.launch(function* () {
									yield* yieldNow();
									span(`${id} work's child`);
								});
							},
						);
						work.end();
						span(`${id} after work`);
						logger.info("done");
					}).finally(() => request.end()),
				),
			);
		}

		await withHangGuard(Promise.all([handle("a"), handle("b")]), "requests");

		for (const id of ["a", "b"]) {
			const request = tracer.find(`${id} request`);
			const work = tracer.find(`${id} work`);
			const parentOf = (name: string) => {
				const s = tracer.find(name);
				expect(s.traceId).toBe(request.traceId);
				return s.parentSpanId;
			};
			for (const name of [
				"after yieldNow",
				"child after delay",
				"in async code",
				"work",
				"after work",
			]) {
				expect([name, parentOf(`${id} ${name}`)]).toEqual([
					name,
					request.spanId,
				]);
			}
			for (const name of ["in work", "work's child"]) {
				expect([name, parentOf(`${id} ${name}`)]).toEqual([name, work.spanId]);
			}
		}
		expect(tracer.find("a request").traceId).not.toBe(
			tracer.find("b request").traceId,
		);

		const parsed = lines.map(
			(l) => JSON.parse(l) as { reqId: string; msg: string },
		);
		// The first steps ran in turn: the requests interleaved.
		expect(parsed.slice(0, 2)).toEqual([
			{ level: 30, reqId: "a", msg: "start" },
			{ level: 30, reqId: "b", msg: "start" },
		]);
		for (const id of ["a", "b"]) {
			expect(parsed.filter((l) => l.reqId === id).map((l) => l.msg)).toEqual([
				"start",
				"child",
				"done",
			]);
		}
		expect(parsed).toHaveLength(6);
	});
});
