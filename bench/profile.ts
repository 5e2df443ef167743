/**
 * `npx tsx bench/profile.ts <workload> [system] [--top N]`: runs one system's child for one
 * workload with a V8 CPU profile of the timed section only (warm-ups and setup excluded), and
 * prints where the time went: self time and inclusive time per function. The raw profiles stay
 * in the printed directory (open them in Chrome DevTools, Performance tab).
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WORKLOADS, type Workload } from "./protocol.js";

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}
interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

const { values: opts, positionals } = parseArgs({
	allowPositionals: true,
	options: { top: { type: "string", default: "20" } },
});
const [workload, system = "kocoro"] = positionals;
if (!WORKLOADS.includes(workload as Workload)) {
	throw new RangeError(
		`usage: tsx bench/profile.ts <${WORKLOADS.join("|")}> [kocoro|effect|effection|async]`,
	);
}
const top = Number.parseInt(opts.top, 10);
const root = fileURLToPath(new URL("..", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), `bench-profile-${workload}-`));

const r = spawnSync(
	process.execPath,
	[
		"--expose-gc",
		"--import",
		"tsx",
		`bench/systems/${system}.ts`,
		workload as string,
		"1",
	],
	{
		cwd: root,
		encoding: "utf8",
		env: { ...process.env, BENCH_PROFILE: dir },
		timeout: 600_000,
	},
);
process.stdout.write(r.stdout);
if (r.status !== 0) {
	process.stderr.write(r.stderr);
	process.exit(r.status ?? 1);
}

function where(node: ProfileNode): string {
	const { functionName, url, lineNumber } = node.callFrame;
	const file = url.startsWith("file://")
		? relative(root, fileURLToPath(url))
		: url;
	return `${functionName || "(anonymous)"} ${file}${file === "" ? "" : `:${lineNumber + 1}`}`;
}

function summarize(profile: CpuProfile): void {
	const byId = new Map(profile.nodes.map((n) => [n.id, n]));
	const parentOf = new Map<number, number>();
	for (const n of profile.nodes) {
		for (const c of n.children ?? []) parentOf.set(c, n.id);
	}
	const ticks = new Map<number, number>();
	profile.samples.forEach((id, i) => {
		ticks.set(id, (ticks.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
	});
	const self = new Map<string, number>();
	const inclusive = new Map<string, number>();
	let total = 0;
	for (const [id, t] of ticks) {
		total += t;
		const key = where(byId.get(id)!);
		self.set(key, (self.get(key) ?? 0) + t);
		const seen = new Set<string>();
		for (let x: number | undefined = id; x !== undefined; x = parentOf.get(x)) {
			const k = where(byId.get(x)!);
			if (seen.has(k)) continue; // recursion counts once
			seen.add(k);
			inclusive.set(k, (inclusive.get(k) ?? 0) + t);
		}
	}
	const show = (title: string, m: Map<string, number>) => {
		console.log(`  ${title}`);
		for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) {
			console.log(
				`    ${((t / total) * 100).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(1).padStart(7)} ms  ${k}`,
			);
		}
	};
	console.log(`  ${(total / 1000).toFixed(1)} ms sampled`);
	show("self time", self);
	show("inclusive time", inclusive);
}

const files = readdirSync(dir)
	.filter((f) => f.endsWith(".cpuprofile"))
	.sort();
if (files.length === 0) {
	console.log(`${workload} has no profiled section (memory, fairness)`);
}
for (const f of files) {
	console.log(`\n${system} ${workload}, ${f} (${join(dir, f)}):`);
	summarize(JSON.parse(readFileSync(join(dir, f), "utf8")) as CpuProfile);
}
