// kocoro demo: crawl a local server with bounded concurrency, per-request timeouts and retries,
// then run a batch that fails fast; Ctrl-C or --deadline <ms> cancels everything cleanly.
//
//   npm start                      # finishes by itself in about two seconds, exit code 0
//   npm start -- --deadline 300    # cancels everything after 300 ms: summary, exit code 0
//   (Ctrl-C while it runs)         # same, through main(): summary, exit code 130
//
// Each request cancelled in flight prints a "cancelled" line with the reason; every worker's
// finally runs; the summary lists what finished, was cancelled, never started, and the cleanup.
import {
	awaitPromise,
	CancellationException,
	CoroutineName,
	coroutineScope,
	delay,
	main,
	NonCancellable,
	type Suspend,
	withContext,
	withTimeoutOrNull,
} from "kocoro";
import { type DemoServer, startDemoServer } from "./demo-server.js";

const WORKERS = 3;
const REQUEST_TIMEOUT_MS = 500;
const MAX_ATTEMPTS = 3;
const BACKOFF_MS = 50;

const PAGES = [
	...Array.from({ length: 8 }, (_, i) => `/page/${i + 1}`),
	"/flaky/1",
	"/flaky/2",
	"/flaky/3",
	"/slow",
];

class HttpError extends Error {
	override readonly name = "HttpError";
	constructor(
		readonly status: number,
		readonly path: string,
	) {
		super(`HTTP ${status} for ${path}`);
	}
}

type Outcome =
	| { status: "ok"; attempts: number }
	| { status: "failed"; attempts: number; reason: string }
	| { status: "timed out"; attempts: number }
	| { status: "cancelled" };

/** Everything the summary reports, filled in as the program goes. */
class Report {
	readonly outcomes = new Map<string, Outcome>();
	readonly cleanup: string[] = [];
	batch = "not run";
	cancelledBy: string | null = null;

	print(): void {
		const byStatus = (s: Outcome["status"]) =>
			PAGES.filter((p) => this.outcomes.get(p)?.status === s);
		const notStarted = PAGES.filter((p) => !this.outcomes.has(p));
		const list = (ps: string[]) => (ps.length === 0 ? "none" : ps.join(", "));
		log("");
		log("Summary");
		log(`  finished ok:  ${byStatus("ok").length} of ${PAGES.length}`);
		log(`  failed:       ${list(byStatus("failed"))}`);
		log(`  timed out:    ${list(byStatus("timed out"))}`);
		log(`  cancelled:    ${list(byStatus("cancelled"))}`);
		log(`  not started:  ${list(notStarted)}`);
		log(`  batch:        ${this.batch}`);
		log(`  cleanup ran:  ${list(this.cleanup)}`);
		log(`  stopped by:   ${this.cancelledBy ?? "nothing, all work completed"}`);
	}
}

const started = Date.now();
function log(line: string): void {
	process.stdout.write(`${line}\n`);
}
function stamp(): string {
	return `${String(Date.now() - started).padStart(5)} ms`;
}

/** GET `base + path`: the body, or an HttpError. Cancelling the coroutine aborts the request. */
function* get(base: string, path: string): Suspend<string> {
	return yield* awaitPromise(async (signal) => {
		const res = await fetch(`${base}${path}`, { signal });
		const body = await res.text();
		if (!res.ok) throw new HttpError(res.status, path);
		return body;
	});
}

/** One page: a timeout per attempt, retries with exponential backoff on 503 and timeouts. */
function* fetchWithRetry(
	base: string,
	path: string,
	worker: number,
): Suspend<Outcome> {
	for (let attempt = 1; ; attempt++) {
		let problem: string;
		try {
			// withTimeoutOrNull returns null for its own timeout only: a cancellation from outside
			// (Ctrl-C, the deadline) still arrives here as a CancellationException.
			const body = yield* withTimeoutOrNull(REQUEST_TIMEOUT_MS, function* () {
				return yield* get(base, path);
			});
			if (body !== null) {
				log(
					`${stamp()}  [w${worker}] ok     ${path} (${body.length} bytes, attempt ${attempt})`,
				);
				return { status: "ok", attempts: attempt };
			}
			problem = `timed out after ${REQUEST_TIMEOUT_MS} ms`;
		} catch (e) {
			if (e instanceof CancellationException) {
				log(
					`${stamp()}  [w${worker}] cancelled ${path} during attempt ${attempt} (${e.message})`,
				);
			}
			if (!(e instanceof HttpError) || e.status !== 503) throw e;
			problem = "HTTP 503";
		}
		if (attempt === MAX_ATTEMPTS) {
			log(
				`${stamp()}  [w${worker}] gave up ${path} after ${attempt} attempts (${problem})`,
			);
			return problem === "HTTP 503"
				? { status: "failed", attempts: attempt, reason: problem }
				: { status: "timed out", attempts: attempt };
		}
		const backoff = BACKOFF_MS * 2 ** (attempt - 1);
		log(
			`${stamp()}  [w${worker}] retry  ${path} in ${backoff} ms (${problem})`,
		);
		try {
			yield* delay(backoff);
		} catch (e) {
			if (e instanceof CancellationException) {
				log(
					`${stamp()}  [w${worker}] cancelled ${path} while backing off (${e.message})`,
				);
			}
			throw e;
		}
	}
}

/** A worker pulls pages from the shared queue until it is empty (bounded concurrency). */
function* worker(
	id: number,
	base: string,
	queue: string[],
	report: Report,
): Suspend<void> {
	try {
		for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
			try {
				report.outcomes.set(path, yield* fetchWithRetry(base, path, id));
			} catch (e) {
				if (e instanceof CancellationException) {
					report.outcomes.set(path, { status: "cancelled" });
				}
				throw e;
			}
		}
	} finally {
		// Cleanup that suspends must run under NonCancellable, or its first suspension would throw.
		yield* withContext(NonCancellable, function* () {
			yield* delay(10); // e.g. flushing a log file
			report.cleanup.push(`worker ${id} flushed`);
		});
	}
}

function* crawl(base: string, report: Report): Suspend<void> {
	log(
		`Crawl: ${PAGES.length} pages, ${WORKERS} workers, ${REQUEST_TIMEOUT_MS} ms per attempt, ` +
			`up to ${MAX_ATTEMPTS} attempts with backoff`,
	);
	const queue = [...PAGES];
	yield* coroutineScope(function* () {
		for (let id = 1; id <= WORKERS; id++) {
			this.launch(CoroutineName(`worker-${id}`), function* () {
				yield* worker(id, base, queue, report);
			});
		}
	});
}

/** Three downloads at once; one fails, which cancels its siblings; the failure is reported. */
function* thumbnailBatch(base: string, report: Report): Suspend<void> {
	const paths = ["/thumb/1", "/thumb/2", "/broken"];
	log(
		`Batch: ${paths.join(", ")} at once; the first failure cancels the others`,
	);
	const cancelled: string[] = [];
	try {
		yield* coroutineScope(function* () {
			for (const path of paths) {
				this.launch(function* () {
					try {
						yield* get(base, path);
					} catch (e) {
						if (e instanceof CancellationException) cancelled.push(path);
						throw e;
					}
				});
			}
		});
		report.batch = "all downloaded";
	} catch (e) {
		if (!(e instanceof HttpError)) throw e;
		report.batch = `${e.message}; cancelled siblings: ${cancelled.join(", ")}`;
		log(`${stamp()}  batch failed fast: ${report.batch}`);
	}
}

const USAGE = "usage: npm start [-- --deadline <milliseconds>]";

/** The `--deadline` in milliseconds, or null; a string says what is wrong with the arguments. */
function parseArgs(args: string[]): { deadline: number | null } | string {
	if (args.length === 0) return { deadline: null };
	if (args[0] !== "--deadline" || args.length !== 2) {
		return `unexpected arguments: ${args.join(" ")}`;
	}
	const ms = Number(args[1]);
	if (args[1]?.trim() === "" || !Number.isFinite(ms) || ms < 0) {
		return `--deadline expects a number of milliseconds, got ${JSON.stringify(args[1])}`;
	}
	return { deadline: ms };
}

const parsed = parseArgs(process.argv.slice(2));
if (typeof parsed === "string") {
	process.stderr.write(`demo: ${parsed}\n${USAGE}\n`);
	process.exitCode = 2;
} else {
	main(CoroutineName("demo"), function* () {
		yield* demo(parsed.deadline);
	});
}

function* demo(deadline: number | null): Suspend<void> {
	const report = new Report();
	const server: DemoServer = yield* awaitPromise(startDemoServer());
	log(
		`kocoro demo: a local server at ${server.url}` +
			(deadline === null
				? "; press Ctrl-C to cancel everything"
				: `; everything is cancelled after ${deadline} ms (or on Ctrl-C)`),
	);
	try {
		const work = function* (): Suspend<true> {
			yield* crawl(server.url, report);
			yield* thumbnailBatch(server.url, report);
			return true;
		};
		const finished =
			deadline === null
				? yield* work()
				: yield* withTimeoutOrNull(deadline, work);
		if (finished === null) report.cancelledBy = `the deadline (${deadline} ms)`;
	} catch (e) {
		if (e instanceof CancellationException) report.cancelledBy = e.message;
		throw e;
	} finally {
		yield* withContext(NonCancellable, function* () {
			yield* awaitPromise(server.close());
			report.cleanup.push("server closed");
		});
		report.print();
	}
}
