// End to end: a coroutine fetches from a local server; cancelling the coroutine aborts the request,
// and the server sees the connection close before it answered.
import { getEventListeners, once } from "node:events";
import {
	createServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import {
	awaitPromise,
	CancellationException,
	CoroutineScope,
	coroutineScope,
	delay,
	type Job,
	runCoroutine,
	SupervisorJob,
	TimeoutCancellationException,
	withAbortSignal,
	withTimeout,
} from "kocoro";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** What the server saw of one request to /slow. */
interface SlowRequest {
	id: string;
	/** Resolves when the connection closed; `answered` says whether a response had been sent. */
	closed: Promise<{ answered: boolean }>;
}

let server: Server;
let base: string;
const arrivals: ((r: SlowRequest) => void)[] = [];
const arrived: SlowRequest[] = [];

function nextSlowRequest(): Promise<SlowRequest> {
	const ready = arrived.shift();
	if (ready !== undefined) return Promise.resolve(ready);
	return new Promise((resolve) => arrivals.push(resolve));
}

function handle(req: IncomingMessage, res: ServerResponse): void {
	const url = new URL(req.url ?? "/", "http://127.0.0.1");
	res.setHeader("Connection", "close");
	if (url.pathname === "/fast") {
		res.end("fast body");
		return;
	}
	// /slow never answers on its own: only the client can end the exchange.
	const closed = new Promise<{ answered: boolean }>((resolve) => {
		res.on("close", () => resolve({ answered: res.writableEnded }));
	});
	const r: SlowRequest = { id: url.searchParams.get("id") ?? "", closed };
	const waiter = arrivals.shift();
	if (waiter !== undefined) waiter(r);
	else arrived.push(r);
}

beforeAll(async () => {
	server = createServer(handle);
	server.listen(0, "127.0.0.1");
	await once(server, "listening");
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
	server.closeAllConnections();
	server.close();
	await once(server, "close");
});

function* fetchText(path: string) {
	return yield* awaitPromise((signal) =>
		fetch(`${base}${path}`, { signal }).then((r) => r.text()),
	);
}

describe("fetch with awaitPromise(signal => fetch(url, { signal }))", () => {
	it("returns the response of a fast endpoint", async () => {
		const body = await runCoroutine(function* () {
			return yield* fetchText("/fast");
		});
		expect(body).toBe("fast body");
	});

	it("cancelling the coroutine directly aborts the request; the server sees the connection close", async () => {
		let outcome: unknown = null;
		const events: string[] = [];
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				try {
					yield* fetchText("/slow?id=direct");
				} catch (e) {
					outcome = e;
					throw e;
				}
			});
			const req = yield* awaitPromise(nextSlowRequest());
			events.push(`server got ${req.id}`);
			job.cancel();
			yield* job.join();
			events.push("job done");
			const closed = yield* awaitPromise(req.closed);
			events.push(`server saw close, answered=${closed.answered}`);
		});
		expect(events).toEqual([
			"server got direct",
			"job done",
			"server saw close, answered=false",
		]);
		expect(outcome).toBeInstanceOf(CancellationException);
	});

	it("withTimeout aborts the request and throws TimeoutCancellationException", async () => {
		const request = nextSlowRequest();
		const caught = await runCoroutine(function* () {
			try {
				yield* withTimeout(100, function* () {
					return yield* fetchText("/slow?id=timeout");
				});
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(caught).toBeInstanceOf(TimeoutCancellationException);
		expect(String(caught)).toBe(
			"TimeoutCancellationException: Timed out waiting for 100 ms",
		);
		const req = await request;
		expect(req.id).toBe("timeout");
		expect(await req.closed).toEqual({ answered: false });
	});

	it("the parent coroutine failing cancels its fetching child; the server sees the close", async () => {
		const boom = new Error("parent failed");
		let fetchOutcome: unknown = null;
		let seen: SlowRequest | null = null;
		const events: string[] = [];
		const caught = await runCoroutine(function* () {
			try {
				yield* coroutineScope(function* () {
					// The parent: starts a fetching child, then its own body fails.
					this.launch(function* () {
						this.launch(function* () {
							try {
								yield* fetchText("/slow?id=parent");
							} catch (e) {
								fetchOutcome = e;
								events.push("fetch cancelled");
								throw e;
							}
						});
						const req = yield* awaitPromise(nextSlowRequest());
						seen = req;
						events.push(`server got ${req.id}`);
						throw boom;
					});
				});
				return null;
			} catch (e) {
				events.push("scope threw");
				return e;
			}
		});
		expect(caught).toBe(boom);
		expect(events).toEqual([
			"server got parent",
			"fetch cancelled",
			"scope threw",
		]);
		expect(fetchOutcome).toBeInstanceOf(CancellationException);
		expect((fetchOutcome as Error).cause).toBe(boom);
		const req = seen as SlowRequest | null;
		expect(await req?.closed).toEqual({ answered: false });
	});

	it("a sibling's failure cancels the fetch inside coroutineScope; the server sees the close", async () => {
		const boom = new Error("sibling failed");
		let fetchOutcome: unknown = null;
		let seen: SlowRequest | null = null;
		const events: string[] = [];
		const caught = await runCoroutine(function* () {
			try {
				yield* coroutineScope(function* () {
					this.launch(function* () {
						try {
							yield* fetchText("/slow?id=sibling");
						} catch (e) {
							fetchOutcome = e;
							events.push("fetch cancelled");
							throw e;
						}
					});
					this.launch(function* () {
						const req = yield* awaitPromise(nextSlowRequest());
						seen = req;
						events.push(`server got ${req.id}`);
						yield* delay(1);
						throw boom;
					});
				});
				return null;
			} catch (e) {
				events.push("scope threw");
				return e;
			}
		});
		expect(caught).toBe(boom);
		expect(events).toEqual([
			"server got sibling",
			"fetch cancelled",
			"scope threw",
		]);
		expect(fetchOutcome).toBeInstanceOf(CancellationException);
		expect((fetchOutcome as Error).cause).toBe(boom);
		const req = seen as SlowRequest | null;
		expect(await req?.closed).toEqual({ answered: false });
	});
});

describe("the server side: withAbortSignal stops a request's work when the client goes away", () => {
	it("the handler's coroutine is cancelled with the abort reason as cause, its finally runs, nothing is left", async () => {
		const events: string[] = [];
		const scope = CoroutineScope(SupervisorJob());
		let handlerJob: Job | null = null;
		let handlerDone!: () => void;
		const done = new Promise<void>((r) => {
			handlerDone = r;
		});
		let rendering!: () => void;
		const started = new Promise<void>((r) => {
			rendering = r;
		});
		let clientGone: AbortSignal | null = null;
		let outcome: unknown = null;
		const app = createServer((req, res) => {
			const gone = new AbortController();
			clientGone = gone.signal;
			res.on("close", () => {
				if (!res.writableEnded) gone.abort(new Error("client went away"));
			});
			handlerJob = scope.launch(function* () {
				try {
					const body = yield* withAbortSignal(gone.signal, function* () {
						events.push(`rendering ${req.url}`);
						rendering();
						yield* delay(60_000); // a slow page
						return "page";
					});
					res.end(body);
				} catch (e) {
					outcome = e;
					throw e;
				} finally {
					events.push("handler finally");
					handlerDone();
				}
			});
		});
		app.listen(0, "127.0.0.1");
		await once(app, "listening");
		const url = `http://127.0.0.1:${(app.address() as AddressInfo).port}/report`;
		try {
			const client = new AbortController();
			const request = fetch(url, { signal: client.signal }).then(
				() => "answered",
				(e: Error) => e.name,
			);
			await started;
			client.abort();
			expect(await request).toBe("AbortError");
			await done;
			const job = handlerJob as Job | null;
			await new Promise<void>((r) => job?.invokeOnCompletion(() => r()));
			expect(events).toEqual(["rendering /report", "handler finally"]);
			expect(outcome).toBeInstanceOf(CancellationException);
			expect(String((outcome as Error).cause)).toBe("Error: client went away");
			expect(job?.isCancelled).toBe(true);
			// The launched coroutine ended cancelled: the scope is still fine for the next request.
			expect(scope.isActive).toBe(true);
			const signal = clientGone as AbortSignal | null;
			expect(
				signal === null ? -1 : getEventListeners(signal, "abort").length,
			).toBe(0);
		} finally {
			scope.cancel();
			app.closeAllConnections();
			app.close();
			await once(app, "close");
		}
	});
});
