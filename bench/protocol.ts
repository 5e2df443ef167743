/**
 * What every system's child process shares: reading its workload from argv, reporting one result
 * line the orchestrator parses, failing loudly when a self-check does not hold, and the two probes
 * of the fairness workload (a repeating setTimeout(0) and a loopback TCP echo).
 */
import { once } from "node:events";
import { connect, createServer, type Socket } from "node:net";

export const WORKLOADS = [
	"spawn-join",
	"yield-steps",
	"cancel-tree",
	"timeout-fast",
	"memory",
	"fairness",
] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface Result {
	/** The headline figure, in `unit`. */
	value: number;
	unit: string;
	/** Lower is better (times, bytes), or higher (rates). */
	lowerIsBetter: boolean;
	/** Further figures shown beside the headline. */
	extra?: Record<string, number | string>;
}

export function args(): { workload: Workload; scale: number } {
	const [workload, scale] = process.argv.slice(2);
	if (!WORKLOADS.includes(workload as Workload)) {
		fail(
			`unknown workload ${String(workload)}; expected one of ${WORKLOADS.join(", ")}`,
		);
	}
	return { workload: workload as Workload, scale: Number(scale ?? "1") };
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

function median(xs: number[]): number {
	const s = [...xs].sort((a, b) => a - b);
	return s.length === 0 ? Number.NaN : s[s.length >> 1]!;
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
			"timer median ms": round(median(timerLate)),
			"timer max ms": round(Math.max(...timerLate)),
			"tcp median ms": round(median(tcpLate)),
			"tcp max ms": round(Math.max(...tcpLate)),
			"steps/s (M)": round(steps / seconds / 1e6),
		},
	};
}

export function round(x: number): number {
	return Math.round(x * 100) / 100;
}

/** Times `run(n)` after two warm-up runs of the same size (JIT). */
export async function timed(
	run: (n: number) => Promise<void>,
	n: number,
): Promise<number> {
	await run(n);
	await run(n);
	const t = performance.now();
	await run(n);
	return performance.now() - t;
}
