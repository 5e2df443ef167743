/**
 * The architecture, checked on the static import graph of `src/` (every `import`, `import type`,
 * `export ... from` and `import()`, type-only ones included: an erased import still ties two
 * folders together for a reader, and one later `instanceof` turns it into a load-order bug).
 *
 * - Folders are layered (docs/architecture.md): a file imports only from its own folder or from
 *   a folder earlier in {@link LAYERS}.
 * - No import cycle between files.
 * - Optional peer dependencies are reached only from the entry points that own them, and the
 *   runtime imports no other package.
 * - The entry points are listed once, in package.json's `exports`; tsconfig's `paths` must agree.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { entryPoints, repositoryRoot } from "../scripts/entry-points.js";

/**
 * The folders of `src/`, lowest first; `index.ts` stands for the root entry file. A new folder
 * goes where its imports put it: after everything it uses, before everything that uses it.
 */
const LAYERS = [
	"errors",
	"context",
	"dispatchers",
	"time",
	"intrinsics",
	"job",
	"channels",
	"select",
	"coroutine",
	"scope",
	"interop",
	"sync",
	"flow",
	"main",
	"index.ts",
	"debug",
	"test",
	"effect",
] as const;

/** Optional peer dependencies, and the only entry points whose import graph may reach each. */
const PEER_OWNERS: Record<string, readonly string[]> = {
	effect: ["kocoro/effect"],
	"fast-check": ["kocoro/test/arbitraries"],
};

const root = repositoryRoot;
const src = join(root, "src");

function sourceFiles(dir: string): string[] {
	const out: string[] = [];
	for (const e of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, e.name);
		if (e.isDirectory()) out.push(...sourceFiles(path));
		else if (e.name.endsWith(".ts")) out.push(relative(root, path));
	}
	return out.sort();
}

interface Imports {
	/** Relative imports, resolved to repository paths (`src/job/job.ts`). */
	readonly files: string[];
	/** Package imports (`effect`, `node:url`). */
	readonly packages: string[];
}

/** What a file imports, as TypeScript's own pre-processor reads it (comments never count). */
function importsOf(file: string): Imports {
	const info = ts.preProcessFile(
		readFileSync(join(root, file), "utf8"),
		true,
		true,
	);
	const files: string[] = [];
	const packages: string[] = [];
	for (const { fileName } of info.importedFiles) {
		if (fileName.startsWith(".")) {
			const target = resolve(
				dirname(join(root, file)),
				fileName.replace(/\.js$/, ".ts"),
			);
			files.push(relative(root, target));
		} else packages.push(fileName);
	}
	return { files, packages };
}

const files = sourceFiles(src);
const graph = new Map(files.map((f) => [f, importsOf(f)] as const));

/** The layer of a source file: its folder under src/, or the root file's name. */
function layerOf(file: string): string {
	const parts = relative(src, join(root, file)).split("/");
	return parts.length === 1 ? parts[0]! : parts[0]!;
}

/** Every file reachable from `entry`, the entry included. */
function reachableFrom(entry: string): string[] {
	const seen = new Set<string>();
	const todo = [entry];
	for (let f = todo.pop(); f !== undefined; f = todo.pop()) {
		if (seen.has(f)) continue;
		seen.add(f);
		todo.push(...(graph.get(f)?.files ?? []));
	}
	return [...seen];
}

describe("layers", () => {
	it("every folder of src/ has a place in the layer order", () => {
		const unknown = [...new Set(files.map(layerOf))].filter(
			(layer) => !(LAYERS as readonly string[]).includes(layer),
		);
		expect(
			unknown.map(
				(l) =>
					`src/${l} is not in LAYERS (test/architecture.test.ts): add it after the folders it imports and before those importing it, and say why in docs/architecture.md`,
			),
		).toEqual([]);
	});

	it("a file imports only from its own folder or a lower one", () => {
		const rank = (layer: string) =>
			(LAYERS as readonly string[]).indexOf(layer);
		const offending: string[] = [];
		for (const [file, { files: targets }] of graph) {
			const from = layerOf(file);
			for (const target of targets) {
				const to = layerOf(target);
				if (from !== to && rank(to) > rank(from)) {
					offending.push(
						`${file} imports ${target}: ${from} is below ${to} (order: ${LAYERS.join(" < ")})`,
					);
				}
			}
		}
		expect(offending).toEqual([]);
	});

	it("every import resolves to a file of src/", () => {
		const dangling = [...graph].flatMap(([file, { files: targets }]) =>
			targets
				.filter((t) => !graph.has(t))
				.map((t) => `${file} imports ${t}, which is not a source file`),
		);
		expect(dangling).toEqual([]);
	});
});

/** Every import cycle of `edges` (file -> files it imports), each as `a -> b -> a`. */
function findCycles(edges: ReadonlyMap<string, readonly string[]>): string[] {
	const cycles: string[] = [];
	const state = new Map<string, "open" | "done">();
	const path: string[] = [];
	const visit = (file: string): void => {
		state.set(file, "open");
		path.push(file);
		for (const next of edges.get(file) ?? []) {
			const s = state.get(next);
			if (s === "open") {
				cycles.push([...path.slice(path.indexOf(next)), next].join(" -> "));
			} else if (s === undefined && edges.has(next)) visit(next);
		}
		path.pop();
		state.set(file, "done");
	};
	for (const file of edges.keys()) if (!state.has(file)) visit(file);
	return cycles;
}

describe("import cycles", () => {
	it("no file reaches itself through its imports (type-only imports included)", () => {
		const edges = new Map([...graph].map(([f, i]) => [f, i.files] as const));
		expect(findCycles(edges)).toEqual([]);
	});

	it("the check finds a cycle when there is one", () => {
		const edges = new Map([
			["a.ts", ["b.ts"]],
			["b.ts", ["c.ts"]],
			["c.ts", ["a.ts"]],
			["d.ts", ["a.ts"]],
		]);
		expect(findCycles(edges)).toEqual(["a.ts -> b.ts -> c.ts -> a.ts"]);
	});
});

describe("packages", () => {
	const entries = entryPoints();

	it("the runtime imports no package but Node's built-ins and its optional peers", () => {
		const others = [...graph].flatMap(([file, { packages }]) =>
			packages
				.filter((p) => !p.startsWith("node:") && PEER_OWNERS[p] === undefined)
				.map((p) => `${file} imports ${p}`),
		);
		expect(others).toEqual([]);
	});

	it("an optional peer dependency is reached only from the entry points that own it", () => {
		const offending: string[] = [];
		for (const entry of entries) {
			const reached = reachableFrom(entry.source);
			for (const file of reached) {
				for (const p of graph.get(file)?.packages ?? []) {
					const owners = PEER_OWNERS[p];
					if (owners !== undefined && !owners.includes(entry.specifier)) {
						offending.push(
							`${entry.specifier} reaches ${p} through ${file}; only ${owners.join(", ")} may`,
						);
					}
				}
			}
		}
		expect(offending).toEqual([]);
	});

	it("each owner does reach its peer, and package.json declares it optional, not a dependency", () => {
		const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
		for (const [peer, owners] of Object.entries(PEER_OWNERS)) {
			for (const owner of owners) {
				const entry = entries.find((e) => e.specifier === owner);
				expect(entry, `${owner} is an entry point`).toBeDefined();
				const packages = reachableFrom(entry!.source).flatMap(
					(f) => graph.get(f)?.packages ?? [],
				);
				expect(packages).toContain(peer);
			}
			expect(pkg.peerDependenciesMeta[peer]).toEqual({ optional: true });
			expect(pkg.dependencies?.[peer]).toBeUndefined();
		}
	});
});

describe("entry points", () => {
	const entries = entryPoints();

	it("package.json's exports name a source file for each entry point", () => {
		expect(entries.map((e) => e.specifier)).toContain("kocoro");
		const missing = entries
			.filter((e) => !graph.has(e.source))
			.map((e) => `${e.specifier}: ${e.source} does not exist`);
		expect(missing).toEqual([]);
	});

	it("tsconfig.json's paths list exactly package.json's entry points", () => {
		const config = ts.readConfigFile(
			join(root, "tsconfig.json"),
			ts.sys.readFile,
		).config as { compilerOptions: { paths: Record<string, string[]> } };
		const fromTsconfig = Object.entries(config.compilerOptions.paths)
			.map(([specifier, [target]]) => `${specifier} -> ${target}`)
			.sort();
		const fromPackage = entries
			.map((e) => `${e.specifier} -> ./${e.source}`)
			.sort();
		expect(fromTsconfig).toEqual(fromPackage);
	});

	it("each entry point has an API report", () => {
		const reports = readdirSync(join(root, "api-report")).sort();
		expect(reports).toEqual(
			entries.map((e) => `${e.reportName}.api.txt`).sort(),
		);
	});
});
