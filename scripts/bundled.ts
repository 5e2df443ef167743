/**
 * TypeScript programs of this repository run by a child Node process, without a TypeScript
 * loader. A child started with `node --import tsx` spends about a second of CPU starting the
 * loader and transforming src/ module by module; the same program bundled once by esbuild starts
 * in about a tenth of that. The tests that start programs (main(), the examples, the doc snippets,
 * the heap fixtures) and `bench --quick` use this (not the measuring runs: bench/run.ts says why).
 *
 * A bundle resolves kocoro's entry points (`kocoro`, `kocoro/test`, ...) to their sources, as the
 * vitest aliases do, and leaves every other package an import, so it is the code of the working
 * tree. It carries an inline source map: run with `--enable-source-maps` (as {@link nodeArgs}
 * does), stack traces name the .ts files and lines. Each process bundles a program once, on first
 * use, so a bundle is never older than the run that uses it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, join, relative, resolve } from "node:path";
import { type BuildOptions, buildSync } from "esbuild";
import { entryPoints, repositoryRoot } from "./entry-points.js";

/** Where bundles are written: inside node_modules, so that their package imports resolve. */
const OUT_DIR = join(
	repositoryRoot,
	"node_modules",
	".cache",
	"kocoro-bundles",
);

/** The flags a bundle is run with: stack traces through its source map. */
const NODE_FLAGS: readonly string[] = ["--enable-source-maps"];

/** Bundles already written by this process: source key to output path. */
const written = new Map<string, string>();

function options(): BuildOptions {
	const pkg = JSON.parse(
		readFileSync(join(repositoryRoot, "package.json"), "utf8"),
	) as Record<string, Record<string, string> | undefined>;
	const packages = new Set([
		...Object.keys(pkg.dependencies ?? {}),
		...Object.keys(pkg.devDependencies ?? {}),
		...Object.keys(pkg.peerDependencies ?? {}),
	]);
	return {
		bundle: true,
		platform: "node",
		format: "esm",
		target: "node20",
		sourcemap: "inline",
		logLevel: "silent",
		alias: Object.fromEntries(
			entryPoints().map((e) => [e.specifier, join(repositoryRoot, e.source)]),
		),
		// A package and its subpaths (`effect/Effect`) stay imports.
		external: [...packages].flatMap((p) => [p, `${p}/*`]),
		write: false,
	};
}

/** Writes the bundle atomically: another test process may be starting the same one. */
function write(key: string, name: string, build: BuildOptions): string {
	const known = written.get(key);
	if (known !== undefined) return known;
	const result = buildSync({ ...options(), ...build });
	const [file] = result.outputFiles ?? [];
	if (result.errors.length > 0 || file === undefined) {
		throw new Error(
			`esbuild could not bundle ${name}: ${result.errors.map((e) => e.text).join("; ")}`,
		);
	}
	mkdirSync(OUT_DIR, { recursive: true });
	const out = join(OUT_DIR, `${name}.mjs`);
	const partial = `${out}.${process.pid}.tmp`;
	writeFileSync(partial, file.contents);
	renameSync(partial, out);
	written.set(key, out);
	return out;
}

/**
 * The bundle of `entry`, a .ts file of the repository (absolute, or relative to its root); built
 * on the first call in this process.
 */
export function bundled(entry: string): string {
	const inRepository = relative(repositoryRoot, resolve(repositoryRoot, entry));
	if (inRepository.startsWith("..") || isAbsolute(inRepository)) {
		throw new Error(
			`bundled(${entry}): not a file of the repository; run generated code with nodeArgsOfSource(code)`,
		);
	}
	const path = join(repositoryRoot, inRepository);
	return write(`file:${path}`, inRepository.replace(/[/\\.]/g, "_"), {
		entryPoints: [path],
	});
}

/**
 * The bundle of a program given as TypeScript source (an ES module; its imports resolve from the
 * repository's root): for a test's inline script.
 */
function bundledSource(source: string): string {
	const hash = createHash("sha1").update(source).digest("hex").slice(0, 12);
	return write(`source:${source}`, `inline_${hash}`, {
		stdin: {
			contents: source,
			loader: "ts",
			resolveDir: repositoryRoot,
			sourcefile: "inline-script.ts",
		},
	});
}

/** The arguments of `node` that run `entry` (see {@link bundled}) with `args`. */
export function nodeArgs(entry: string, ...args: string[]): string[] {
	return [...NODE_FLAGS, bundled(entry), ...args];
}

/** The arguments of `node` that run the program `source` (see {@link bundledSource}). */
export function nodeArgsOfSource(source: string): string[] {
	return [...NODE_FLAGS, bundledSource(source)];
}

/** How a child process ended, and what it printed. */
export interface NodeRun {
	code: number | null;
	signal: NodeJS.Signals | null;
	stdout: string;
	stderr: string;
}

/**
 * Runs `node` (this process's binary unless `node` names another) with `args` from the
 * repository's root and collects its output. A child still running after `timeoutMs` is killed,
 * so that none outlives the run that started it; its `signal` then says `SIGKILL`.
 */
export function runNode(
	args: readonly string[],
	timeoutMs: number,
	node: string = process.execPath,
): Promise<NodeRun> {
	return new Promise((resolve, reject) => {
		const child = spawn(node, args, {
			cwd: repositoryRoot,
			stdio: ["ignore", "pipe", "pipe"],
		});
		const guard = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
		let stdout = "";
		let stderr = "";
		child.stdout.setEncoding("utf8").on("data", (d: string) => {
			stdout += d;
		});
		child.stderr.setEncoding("utf8").on("data", (d: string) => {
			stderr += d;
		});
		child.on("error", (e) => {
			clearTimeout(guard);
			reject(e);
		});
		child.on("close", (code, signal) => {
			clearTimeout(guard);
			resolve({ code, signal, stdout, stderr });
		});
	});
}
