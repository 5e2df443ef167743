// The local HTTP server the demo crawls: slow pages, flaky pages, a page that never answers in
// time and one that always fails. Deterministic: flaky pages fail a fixed number of times.
import { once } from "node:events";
import {
	createServer,
	type IncomingMessage,
	type Server,
	type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";

/** How long each endpoint takes to answer, in milliseconds. */
export const TIMINGS = {
	page: (n: number) => 20 + ((n * 37) % 140),
	thumb: 400,
	broken: 50,
	slow: 10_000,
	search: 800,
} as const;

/** What `/search/<query>` searches: the words containing the query, as a JSON array. */
const WORDS = ["kotlin", "kotlinx.coroutines", "kocoro", "flow", "stateflow"];

/** How many times each flaky page answers 503 before it answers 200 (Infinity: never). */
const FLAKY_FAILURES: Record<string, number> = { 1: 2, 2: 1, 3: Infinity };

export interface DemoServer {
	readonly url: string;
	/** Stops accepting connections and closes open ones; resolves once the server is closed. */
	close(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
	const attempts = new Map<string, number>();
	const server: Server = createServer((req, res) => handle(req, res, attempts));
	server.listen(0, "127.0.0.1");
	await once(server, "listening");
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		close() {
			const closed = once(server, "close").then(() => undefined);
			server.close();
			server.closeAllConnections();
			return closed;
		},
	};
}

function handle(
	req: IncomingMessage,
	res: ServerResponse,
	attempts: Map<string, number>,
): void {
	const path = req.url ?? "/";
	const attempt = (attempts.get(path) ?? 0) + 1;
	attempts.set(path, attempt);
	// No keep-alive: every request has its own connection, so closing the server is immediate.
	res.setHeader("Connection", "close");
	const [, kind, arg] = path.split("/");
	const n = Number(arg);
	const [ms, status, body] = route(kind, arg, n, attempt);
	answer(res, ms, status, body);
}

/** The answer to a request: [delay in ms, HTTP status, body]. */
function route(
	kind: string | undefined,
	arg: string | undefined,
	n: number,
	attempt: number,
): [number, number, string] {
	switch (kind) {
		case "page":
			return [TIMINGS.page(n), 200, `<h1>page ${n}</h1>`];
		case "thumb":
			return [TIMINGS.thumb, 200, `thumbnail ${n}`];
		case "flaky":
			return attempt <= (FLAKY_FAILURES[arg ?? ""] ?? 0)
				? [30, 503, "try again"]
				: [30, 200, `flaky ${n} finally answered`];
		case "broken":
			return [TIMINGS.broken, 500, "internal error"];
		case "slow":
			return [TIMINGS.slow, 200, "too late"];
		case "search": {
			const q = decodeURIComponent(arg ?? "");
			return [
				TIMINGS.search,
				200,
				JSON.stringify(WORDS.filter((w) => w.includes(q))),
			];
		}
		default:
			return [0, 404, "not found"];
	}
}

/** Answers after `ms`, unless the client goes away first (then the timer is dropped). */
function answer(
	res: ServerResponse,
	ms: number,
	status: number,
	body: string,
): void {
	const timer = setTimeout(() => {
		res.writeHead(status, { "Content-Type": "text/plain" });
		res.end(body);
	}, ms);
	res.on("close", () => clearTimeout(timer));
}
