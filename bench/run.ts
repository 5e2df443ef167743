/**
 * `npm run bench [-- --quick] [-- --runs N] [-- --only workload,...]`: runs every workload for
 * every system, each in its own child process, several runs each, and prints one table of
 * medians with the ratio of kocoro to each peer. A full run also writes bench/results/latest.md.
 * `--quick` (CI's smoke test) runs small sizes once and checks results only, never speed.
 */
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { fileURLToPath } from "node:url";
import { type Result, WORKLOADS, type Workload } from "./protocol.js";

const SYSTEMS = [
	{ id: "kocoro", label: "kocoro" },
	{ id: "effect", label: "effect" },
	{ id: "effection", label: "effection" },
	{ id: "async", label: "async/await" },
] as const;

const argv = process.argv.slice(2);
const quick = argv.includes("--quick");
const runs = quick ? 1 : Number(argv[argv.indexOf("--runs") + 1] ?? 5) || 5;
const onlyArg = argv.includes("--only")
	? argv[argv.indexOf("--only") + 1]
	: undefined;
const workloads = (onlyArg?.split(",") ?? WORKLOADS) as Workload[];
const scale = quick ? 0.05 : 1;
const root = fileURLToPath(new URL("..", import.meta.url));

function runOnce(system: string, workload: Workload): Result {
	const script = `bench/systems/${system}.ts`;
	const r = spawnSync(
		process.execPath,
		["--expose-gc", "--import", "tsx", script, workload, String(scale)],
		{ cwd: root, encoding: "utf8", timeout: 600_000 },
	);
	const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
	if (r.status !== 0 || line === undefined) {
		process.stderr.write(r.stderr);
		throw new Error(
			`${system} ${workload} failed (exit ${r.status}, signal ${r.signal})`,
		);
	}
	return JSON.parse(line.slice("RESULT ".length)) as Result;
}

function median(results: Result[]): Result {
	const sorted = [...results].sort((a, b) => a.value - b.value);
	return sorted[sorted.length >> 1]!;
}

function fmt(x: number): string {
	return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** "3.1× faster" / "1.4× slower": how kocoro compares with a peer. */
function ratio(k: Result, peer: Result): string {
	const times = k.lowerIsBetter ? peer.value / k.value : k.value / peer.value;
	return times >= 1 ? `${fmt(times)}× faster` : `${fmt(1 / times)}× slower`;
}

const table: string[] = [];
const details: string[] = [];
table.push(`| workload | ${SYSTEMS.map((s) => s.label).join(" | ")} |`);
table.push(`|---|${SYSTEMS.map(() => "---").join("|")}|`);

for (const workload of workloads) {
	const medians = new Map<string, Result>();
	for (const system of SYSTEMS) {
		const results: Result[] = [];
		for (let i = 0; i < runs; i++) results.push(runOnce(system.id, workload));
		medians.set(system.id, median(results));
		process.stderr.write(
			`  ${workload} ${system.label}: ${fmt(median(results).value)} ${median(results).unit}\n`,
		);
	}
	const k = medians.get("kocoro")!;
	const cells = SYSTEMS.map((s) => {
		const r = medians.get(s.id)!;
		return s.id === "kocoro"
			? `**${fmt(r.value)}**`
			: `${fmt(r.value)} (kocoro ${ratio(k, r)})`;
	});
	table.push(`| ${workload} (${k.unit}) | ${cells.join(" | ")} |`);
	for (const s of SYSTEMS) {
		const r = medians.get(s.id)!;
		if (r.extra !== undefined) {
			const extra = Object.entries(r.extra)
				.map(([key, v]) => `${key} ${v}`)
				.join(", ");
			details.push(`- ${workload}, ${s.label}: ${extra}`);
		}
	}
}

const machine = `${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores, Node ${process.version}`;
const header = `kocoro bench — ${quick ? "QUICK (correctness only; sizes /20, 1 run)" : `${runs} runs each, medians`} — ${machine} — ${new Date().toISOString().slice(0, 10)}`;
const text = [header, "", ...table, "", ...details, ""].join("\n");
process.stdout.write(`${text}\n`);
if (!quick && onlyArg === undefined) {
	writeFileSync(
		`${root}/bench/results/latest.md`,
		`${text}\nReproduce: \`npm run bench\` (see docs/benchmarks.md).\n`,
	);
}
