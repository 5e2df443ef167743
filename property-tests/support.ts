/**
 * Shared pieces of the properties: running a program on kocoro and on the model, reading traces,
 * the static job tree of a program, and failure messages that show the program, the seed and
 * both traces side by side.
 */
import fc from "fast-check";
import { propertyRuns, seeds } from "kocoro/test/arbitraries";
import { afterAll, beforeAll } from "vitest";
import { type RunResult, runOnKocoro } from "./interpreter.js";
import { type ModelResult, runOnModel } from "./model.js";
import type { Body, Program, ScopeKind } from "./program.js";
import {
	PROGRAM_SIZE,
	type ProgramShape,
	programs,
	showProgram,
} from "./program.js";

/** Runs of each property: KOCORO_PROPERTY_RUNS, default 200. */
export const RUNS = propertyRuns(200);

/** A seed, or (one time in four) none: FIFO order. */
export const seedOrFifo: fc.Arbitrary<number | undefined> = fc.option(seeds(), {
	freq: 4,
	nil: undefined,
});

/** What a property file ran, for the line {@link reportPrograms} prints at its end. */
export const programsRun = {
	/** Generated programs checked. */
	programs: 0,
	/** Of which run with a seed (the others in FIFO order). */
	seeded: 0,
	/** `runTest` runs made on kocoro (a program may be run more than once). */
	runs: 0,
	/** Coroutines that started their body, over all runs. */
	coroutines: 0,
	/** Trace records checked, over all runs. */
	records: 0,
};

/** Counts one kocoro run of a program and what its trace holds. */
export function countRun(trace: readonly string[]): void {
	programsRun.runs++;
	programsRun.records += trace.length;
	for (const line of trace)
		if (line.endsWith(" start")) programsRun.coroutines++;
}

/** Counts one generated program. */
export function countProgram(seed: number | undefined): void {
	programsRun.programs++;
	if (seed !== undefined) programsRun.seeded++;
}

/**
 * Prints, when the file's tests are done, how many programs the property ran: e.g.
 * `[property final-states] 10000 programs (7493 seeded, 2507 FIFO), 10000 runTest runs, ...`.
 */
export function reportPrograms(property: string): void {
	// Test files share this module (vitest's isolate: false): each file counts from zero.
	beforeAll(() => {
		for (const key of Object.keys(
			programsRun,
		) as (keyof typeof programsRun)[]) {
			programsRun[key] = 0;
		}
	});
	afterAll(() => {
		const c = programsRun;
		console.log(
			`[property ${property}] ${c.programs} ${PROGRAM_SIZE} programs (${c.seeded} seeded, ${c.programs - c.seeded} FIFO), ${c.runs} runTest runs, ${c.coroutines} coroutines started, ${c.records} trace records checked`,
		);
	});
}

export interface Both {
	readonly program: Program;
	readonly seed: number | undefined;
	readonly kocoro: RunResult;
	readonly model: ModelResult;
}

export async function runBoth(
	program: Program,
	seed: number | undefined,
): Promise<Both> {
	countProgram(seed);
	const kocoro = await runOnKocoro(program, seed);
	countRun(kocoro.trace);
	const model = runOnModel(program, seed);
	return { program, seed, kocoro, model };
}

/**
 * Checks `check` on RUNS random programs of `shape`, each run on kocoro (with a seed, or in FIFO
 * order) and on the model.
 */
export function forAllPrograms(
	shape: ProgramShape,
	check: (b: Both) => void | Promise<void>,
): Promise<void> {
	return fc.assert(
		fc.asyncProperty(programs(shape), seedOrFifo, async (p, seed) =>
			check(await runBoth(p, seed)),
		),
		{ numRuns: RUNS },
	);
}

/**
 * A run that must have passed `runTest`, read: its trace records, each job's `done` records and
 * the program's static job tree.
 */
export function readPassedRun(b: Both): {
	trace: TraceRecord[];
	done: ReturnType<typeof doneRecords>;
	jobs: Map<string, StaticJob>;
} {
	expectRunTestPassed(b);
	const trace = parseTrace(b.kocoro.trace);
	return { trace, done: doneRecords(trace), jobs: staticJobs(b.program) };
}

/** The program, the seed, and kocoro's and the model's traces side by side. */
export function describeRun(b: Both): string {
	const k = b.kocoro.trace;
	const m = b.model.trace;
	const rows: string[] = [];
	const n = Math.max(k.length, m.length);
	for (let i = 0; i < n; i++) {
		const mark = k[i] === m[i] ? " " : ">";
		rows.push(`${mark} ${(k[i] ?? "").padEnd(36)} | ${m[i] ?? ""}`);
	}
	return [
		showProgram(b.program),
		`seed: ${b.seed === undefined ? "none (FIFO)" : b.seed}`,
		`  ${"kocoro".padEnd(36)} | model`,
		...rows,
		b.kocoro.runTestError === null
			? ""
			: `runTest rejected: ${String(b.kocoro.runTestError)}`,
	].join("\n");
}

export function violated(b: Both, rule: string): never {
	throw new Error(`${rule}\n${describeRun(b)}`);
}

export interface TraceRecord {
	readonly index: number;
	readonly time: number;
	readonly who: string;
	readonly what: string;
}

export function parseTrace(trace: readonly string[]): TraceRecord[] {
	return trace.map((line, index) => {
		const [time, who, ...rest] = line.split(" ");
		return { index, time: Number(time), who: who!, what: rest.join(" ") };
	});
}

/** The `done` record of each job: its index in the trace and its final state. */
export function doneRecords(
	trace: readonly TraceRecord[],
): Map<string, { index: number; state: string }[]> {
	const done = new Map<string, { index: number; state: string }[]>();
	for (const r of trace) {
		if (!r.what.startsWith("done ")) continue;
		const list = done.get(r.who) ?? [];
		list.push({ index: r.index, state: r.what.slice(5) });
		done.set(r.who, list);
	}
	return done;
}

export type StaticKind = "root" | "launch" | "async" | ScopeKind | "cleanup";

export interface StaticJob {
	readonly name: string;
	readonly kind: StaticKind;
	/** The parent job (null: the root, and NonCancellable blocks, which have none). */
	readonly parent: string | null;
	/** Milliseconds of the body's NonCancellable cleanup, or null. */
	readonly cleanup: number | null;
}

/** Every job a program can create, with its parent in the job tree. */
export function staticJobs(p: Program): Map<string, StaticJob> {
	const jobs = new Map<string, StaticJob>();
	const add = (
		name: string,
		kind: StaticKind,
		parent: string | null,
		body: Body,
	) => {
		jobs.set(name, { name, kind, parent, cleanup: body.cleanup });
		if (body.cleanup !== null) {
			jobs.set(`${name}~nc`, {
				name: `${name}~nc`,
				kind: "cleanup",
				parent: null,
				cleanup: null,
			});
		}
		visit(body.stmts, name);
	};
	const visit = (stmts: Body["stmts"], owner: string) => {
		for (const s of stmts) {
			if (s.k === "launch" || s.k === "async") add(s.name, s.k, owner, s.body);
			else if (s.k === "scope")
				add(s.name, s.kind, s.kind === "nonCancellable" ? null : owner, s.body);
			else if (s.k === "try") visit(s.stmts, owner);
		}
	};
	add("root", "root", null, p.root);
	return jobs;
}

/** `name`, its parent, its parent's parent... */
export function ancestry(jobs: Map<string, StaticJob>, name: string): string[] {
	const out: string[] = [];
	for (let n: string | null = name; n !== null; n = jobs.get(n)?.parent ?? null)
		out.push(n);
	return out;
}

export function isFailure(state: string): boolean {
	return state.startsWith("E:");
}

export function isCancelled(state: string): boolean {
	return state === "CE" || state === "TCE";
}

/** Kocoro's records that `keep` selects equal the model's, in order. */
export function expectModelAgrees(
	b: Both,
	what: string,
	keep: (r: TraceRecord) => boolean,
): void {
	const k = parseTrace(b.kocoro.trace).filter(keep);
	const m = parseTrace(b.model.trace).filter(keep);
	const show = (rs: TraceRecord[]) =>
		rs.map((r) => `${r.time} ${r.who} ${r.what}`).join("\n");
	if (show(k) !== show(m)) {
		violated(b, `${what}: kocoro and the model disagree`);
	}
}

/** runTest passed: no uncaught failure, no coroutine left, no real-time timeout. */
export function expectRunTestPassed(b: Both): void {
	if (b.kocoro.runTestError !== null)
		violated(b, "runTest failed (an uncaught failure or coroutines left)");
}
