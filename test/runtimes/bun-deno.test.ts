/**
 * Bun and Deno: a smoke test of every entry point (the same program the packed-package test runs
 * on Node) and every program in examples/, against the built package (dist/ through package.json's
 * exports, as an installed kocoro). Examples are bundled first with esbuild (kocoro left
 * external): the runtimes' own TypeScript handling is not what is tested here.
 */
import {
	copyFileSync,
	mkdirSync,
	mkdtempSync,
	readdirSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeRun, root, run, runtime } from "./runtimes.js";

let scratch = "";

/** examples/*.ts that are programs (export nothing; a module like demo-server.ts is imported). */
const programs = readdirSync(join(root, "examples"))
	.filter((f) => f.endsWith(".ts"))
	.filter(
		(f) => !/^export\s/m.test(readFileSync(join(root, "examples", f), "utf8")),
	);

beforeAll(async () => {
	const built = run("npm", ["run", "build"], { timeout: 180_000 });
	expect(built.status, describeRun("npm run build", built)).toBe(0);
	scratch = mkdtempSync(join(tmpdir(), "kocoro-runtimes-"));
	mkdirSync(join(scratch, "node_modules"));
	writeFileSync(
		join(scratch, "package.json"),
		JSON.stringify({ private: true, type: "module" }),
	);
	// kocoro as installed (its package.json exports point into dist/), and the optional peers.
	symlinkSync(root, join(scratch, "node_modules/kocoro"));
	for (const peer of ["effect", "fast-check"])
		symlinkSync(
			join(root, "node_modules", peer),
			join(scratch, "node_modules", peer),
		);
	copyFileSync(
		join(root, "test/runtimes/fixtures/consumer/consumer.mjs"),
		join(scratch, "consumer.mjs"),
	);
	for (const program of programs) {
		await build({
			entryPoints: [join(root, "examples", program)],
			bundle: true,
			platform: "node",
			format: "esm",
			external: ["kocoro", "kocoro/*", "effect", "fast-check"],
			outfile: join(scratch, program.replace(/\.ts$/, ".mjs")),
			logLevel: "silent",
		});
	}
}, 300_000);

afterAll(() => {
	if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
});

const RUNNERS: Record<string, (file: string) => [string, string[]]> = {
	Bun: (file) => [runtime("bun"), [file]],
	Deno: (file) => [runtime("deno"), ["run", "--allow-all", file]],
};

const CLEANUP = /cleanup ran: +(worker \d flushed, ){3}server closed\n/;

it("finds the programs in examples/ (guard: an empty list would test nothing)", () => {
	expect(programs).toContain("demo.ts");
});

for (const [name, runner] of Object.entries(RUNNERS)) {
	describe(name, () => {
		it("runs every entry point (kocoro, /test, /test/arbitraries, /effect, /debug)", () => {
			const [cmd, args] = runner("consumer.mjs");
			const r = run(cmd, args, { cwd: scratch, timeout: 60_000 });
			expect(r.status, describeRun(`${name} consumer.mjs`, r)).toBe(0);
			expect(r.stdout.split("\n")).toEqual([
				"dump names a: true",
				"sum: 3",
				"virtual time: 60000",
				"effect: 7",
				"arbitraries: object 3",
				"",
			]);
		});

		for (const program of programs) {
			it(`runs examples/${program} to a clean exit`, () => {
				const [cmd, args] = runner(program.replace(/\.ts$/, ".mjs"));
				const r = run(cmd, args, { cwd: scratch, timeout: 60_000 });
				expect(r.status, describeRun(`${name} ${program}`, r)).toBe(0);
				expect(r.stderr, describeRun(`${name} ${program}`, r)).toBe("");
				if (program === "demo.ts") {
					// Every worker's finally ran, then the server closed; nothing was left running.
					expect(r.stdout).toMatch(CLEANUP);
					expect(r.stdout).toContain(
						"stopped by:   nothing, all work completed",
					);
				}
			});
		}

		it("main() handles SIGINT: every finally runs, exit code 130", () => {
			// The demo under main(), interrupted once it has printed its first result.
			const [cmd, args] = runner("demo.mjs");
			const script =
				'"$@" > out.txt & pid=$!; for i in $(seq 100); do grep -q " ok " out.txt 2>/dev/null && break; sleep 0.05; done; kill -INT $pid; wait $pid; code=$?; cat out.txt; exit $code';
			const r = run("bash", ["-c", script, "bash", cmd, ...args], {
				cwd: scratch,
				timeout: 60_000,
			});
			expect(r.status, describeRun(`${name} demo.mjs + SIGINT`, r)).toBe(130);
			expect(r.stdout).toMatch(CLEANUP);
			expect(r.stdout).toContain("SIGINT");
		});
	});
}
