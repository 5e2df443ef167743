/**
 * What every system's child process shares: reading its workload from argv, reporting one result
 * line the orchestrator parses, failing loudly when a self-check does not hold, and the two probes
 * of the fairness workload (a repeating setTimeout(0) and a loopback TCP echo).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { once } from "node:events";
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { connect, createServer, type Socket } from "node:net";
import { join } from "node:path";

export const WORKLOADS = [
	"spawn-join",
	"yield-steps",
	"cancel-tree",
	"timeout-fast",
	"memory",
	"fairness",
	"spawn-join-als",
	"yield-steps-als",
	"ping-pong",
	"channel-throughput",
	"fan-in",
	"channel-memory",
	"mutex-uncontended",
	"mutex-handoff",
	"flow-pipeline",
	"flow-suspending",
	"stateflow-fanout",
	"sharedflow-broadcast",
	// spawn-join with the child's generator block written inline in the loop, as user code does
	// (a fresh closure per child): for the systems that take generators (not async/await).
	"spawn-join-inline",
] as const;
export type Workload = (typeof WORKLOADS)[number];

/**
 * A workload ending in this runs its base workload with an AsyncLocalStorage store active for the
 * whole process, as in a server keeping request-scoped state (a span, a request id): what each
 * system pays to carry it (Node's promise hooks for async/await and the peers, kocoro's context
 * capture and switches).
 */
const WITH_STORE = "-als";

/** The storage of the `-als` workloads; its store is `{ request: 0 }` for the whole run. */
export const benchStorage = new AsyncLocalStorage<{ request: number }>();

export interface Result {
	/** The headline figure, in `unit`. */
	value: number;
	unit: string;
	/** Lower is better (times, bytes), or higher (rates). */
	lowerIsBetter: boolean;
	/** Further figures shown beside the headline. */
	extra?: Record<string, number | string>;
}

/**
 * The workload to run (for an `-als` workload, its base, with {@link benchStorage}'s store entered
 * here for everything that follows) and the scale.
 */
export function args(): {
	workload: Workload;
	scale: number;
	withStore: boolean;
} {
	const [workload, scale] = process.argv.slice(2);
	if (!WORKLOADS.includes(workload as Workload)) {
		fail(
			`unknown workload ${String(workload)}; expected one of ${WORKLOADS.join(", ")}`,
		);
	}
	const withStore = workload!.endsWith(WITH_STORE);
	if (withStore) benchStorage.enterWith({ request: 0 });
	return {
		workload: (withStore
			? workload!.slice(0, -WITH_STORE.length)
			: workload) as Workload,
		scale: Number(scale ?? "1"),
		withStore,
	};
}

export function report(result: Result): void {
	process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

export function fail(message: string): never {
	process.stderr.write(`CHECK FAILED: ${message}\n`);
	process.exit(1);
}

export function check(condition: boolean, message: string): void {
	if (!condition) fail(message);
}

/** Keys of `Result.extra` that the orchestrator reads to judge the targets. */
export const EXTRA = {
	retainedBytes: "retained after cancel (bytes/coroutine)",
	sampleAlive: "sampled objects alive after cancel",
	sampleSize: "sampled objects",
	timerMedian: "timer median ms",
	timerP99: "timer p99 ms",
	tcpMedian: "tcp median ms",
	tcpMax: "tcp max ms",
	stepsPerSecond: "steps/s (M)",
	twoCoroutines: "2 coroutines interleaved (M steps/s)",
	twoRequests: "2 requests with their own stores interleaved (M steps/s)",
	suspendedReceiver: "bytes per suspended receiver beyond the coroutine",
	flowBuilder: "same pipeline over flow {} (M values/s)",
	delivered: "values delivered",
} as const;

/**
 * The async/await peer of the channel workloads: a promise mailbox as one writes it by hand (a
 * queue of values, a queue of waiting receivers, and with a capacity, a queue of waiting senders).
 */
export class PromiseMailbox<T> {
	private readonly items: T[] = [];
	private readonly receivers: ((v: T) => void)[] = [];
	private readonly senders: (() => void)[] = [];
	constructor(private readonly capacity = Number.POSITIVE_INFINITY) {}
	send(v: T): Promise<void> | undefined {
		const r = this.receivers.shift();
		if (r !== undefined) r(v);
		else this.items.push(v);
		if (this.items.length <= this.capacity) return undefined;
		return new Promise((resolve) => this.senders.push(resolve));
	}
	receive(): Promise<T> | T {
		if (this.items.length === 0)
			return new Promise((resolve) => this.receivers.push(resolve));
		const v = this.items.shift() as T;
		this.senders.shift()?.();
		return v;
	}
}

/**
 * Weak references to every `every`-th object of a population (jobs, fibers, tasks, controllers),
 * so the memory workload can show that cancelled coroutines were collected, not only that the
 * heap shrank.
 */
export class WeakSample {
	private readonly refs: WeakRef<object>[] = [];
	private seen = 0;
	constructor(private readonly every: number) {}
	add(target: object): void {
		if (this.seen++ % this.every === 0) this.refs.push(new WeakRef(target));
	}
	get size(): number {
		return this.refs.length;
	}
	/** How many sampled objects are still reachable (call after {@link settleHeap}). */
	alive(): number {
		let n = 0;
		for (const ref of this.refs) if (ref.deref() !== undefined) n++;
		return n;
	}
}

export function scaled(n: number, scale: number): number {
	return Math.max(1, Math.round(n * scale));
}

export function gc(): void {
	const g = (globalThis as { gc?: () => void }).gc;
	if (g === undefined) fail("run with --expose-gc");
	for (let i = 0; i < 4; i++) g();
}

export async function settleHeap(): Promise<number> {
	for (let i = 0; i < 3; i++) {
		await new Promise((r) => setImmediate(r));
		gc();
	}
	return process.memoryUsage().heapUsed;
}

function quantile(xs: number[], q: number): number {
	const s = [...xs].sort((a, b) => a - b);
	return s.length === 0
		? Number.NaN
		: s[Math.min(s.length - 1, Math.floor(s.length * q))]!;
}

/** How long the fairness loop runs: 2 s, or 1 s in quick mode (`scale` is the requested one). */
export function fairnessMs(scale: number): number {
	return scale < 1 ? 1000 : 2000;
}

/**
 * Runs `busyLoop(durationMs)` (a coroutine looping on its system's yield) while measuring how
 * late a repeating setTimeout(0) fires and how late a loopback TCP echo answers. Loopback only,
 * bounded, everything closed at the end.
 */
export async function measureFairness(
	durationMs: number,
	busyLoop: (durationMs: number) => Promise<number>,
): Promise<Result> {
	const server = createServer((socket) => {
		socket.on("error", () => {}); // the client hangs up at the end
		socket.on("data", (d) => socket.write(d));
	});
	server.listen(0, "127.0.0.1");
	await once(server, "listening");
	const { port } = server.address() as { port: number };
	const client: Socket = connect(port, "127.0.0.1");
	await once(client, "connect");
	client.setNoDelay(true);

	const timerLate: number[] = [];
	const tcpLate: number[] = [];
	let stop = false;
	const tick = () => {
		const at = performance.now();
		setTimeout(() => {
			timerLate.push(performance.now() - at);
			if (!stop) tick();
		}, 0);
	};
	let sentAt = 0;
	let inFlight = false;
	client.on("data", () => {
		tcpLate.push(performance.now() - sentAt);
		inFlight = false;
	});
	const ping = setInterval(() => {
		if (inFlight) return;
		inFlight = true;
		sentAt = performance.now();
		client.write("x");
	}, 5);
	tick();
	const started = performance.now();
	const steps = await busyLoop(durationMs);
	const seconds = (performance.now() - started) / 1000;
	stop = true;
	clearInterval(ping);
	// A probe that never fired during the loop was starved for all of it.
	if (timerLate.length === 0) timerLate.push(durationMs);
	if (tcpLate.length === 0) tcpLate.push(durationMs);
	client.destroy();
	server.close();
	await once(server, "close");
	return {
		value: Math.max(...timerLate),
		unit: "ms max setTimeout(0) lateness",
		lowerIsBetter: true,
		extra: {
			[EXTRA.timerMedian]: round(quantile(timerLate, 0.5)),
			[EXTRA.timerP99]: round(quantile(timerLate, 0.99)),
			[EXTRA.tcpMedian]: round(quantile(tcpLate, 0.5)),
			[EXTRA.tcpMax]: round(Math.max(...tcpLate)),
			[EXTRA.stepsPerSecond]: round(steps / seconds / 1e6),
		},
	};
}

export function round(x: number): number {
	return Math.round(x * 100) / 100;
}

let profiledSections = 0;

/**
 * Times `section` in milliseconds. With `profile` and the environment variable `BENCH_PROFILE`
 * set to a directory, the section (and nothing else of the process) is also recorded as a V8 CPU
 * profile, `<dir>/section-<i>.cpuprofile`: `bench/profile.ts` reads them.
 */
export async function stopwatch(
	section: () => Promise<void>,
	profile: boolean,
): Promise<number> {
	const dir = process.env.BENCH_PROFILE;
	if (!profile || dir === undefined || dir === "") {
		const t = performance.now();
		await section();
		return performance.now() - t;
	}
	const session = new Session();
	session.connect();
	await session.post("Profiler.enable");
	await session.post("Profiler.setSamplingInterval", { interval: 100 });
	await session.post("Profiler.start");
	const t = performance.now();
	await section();
	const ms = performance.now() - t;
	const { profile: recorded } = await session.post("Profiler.stop");
	session.disconnect();
	mkdirSync(dir, { recursive: true });
	writeFileSync(
		join(dir, `section-${profiledSections++}.cpuprofile`),
		JSON.stringify(recorded),
	);
	return ms;
}

/** Times `run(n)` after two warm-up runs of the same size (JIT). */
export async function timed(
	run: (n: number) => Promise<void>,
	n: number,
): Promise<number> {
	await run(n);
	await run(n);
	return stopwatch(() => run(n), true);
}

/** The flow workloads: numbers 0..n-1, map(x * 2), filter(x % 3 === 0), fold sum. */
export const FLOW_SIZE = 1_000_000;

/** The sum the flow pipeline must compute over 0..n-1. */
export function flowPipelineSum(n: number): number {
	let sum = 0;
	for (let i = 0; i < n; i++) {
		const x = i * 2;
		if (x % 3 === 0) sum += x;
	}
	return sum;
}

/**
 * Times a flow pipeline (after two warm-up runs, as `timed`), checks its sum, and reports the rate
 * in millions of source values per second.
 */
export async function reportFlowRate(
	run: (n: number) => Promise<number> | number,
	scale: number,
	extra?: Record<string, number>,
): Promise<void> {
	const rate = await flowRate(run, scale);
	report({
		value: rate,
		unit: "M values/s",
		lowerIsBetter: false,
		...(extra === undefined ? {} : { extra }),
	});
}

/** The rate (M values/s) of a flow pipeline, after two warm-up runs; checks its sum. */
export async function flowRate(
	run: (n: number) => Promise<number> | number,
	scale: number,
): Promise<number> {
	const n = scaled(FLOW_SIZE, scale);
	let sum = 0;
	const ms = await timed(async (k) => {
		sum = await run(k);
	}, n);
	check(
		sum === flowPipelineSum(n),
		`the pipeline summed ${sum}, expected ${flowPipelineSum(n)}`,
	);
	return n / ms / 1000;
}
