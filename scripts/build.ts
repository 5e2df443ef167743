/**
 * `npm run build`: a clean dist/ compiled by tsc (ES modules and declarations), then only the
 * declarations a consumer's compiler can reach from the package's entry points are kept.
 *
 * tsc writes a .d.ts for every module, internal ones included (handler-list.d.ts, run-queue.d.ts,
 * ...). Those no public declaration imports are deleted: they are not part of the API, and shipping
 * them would invite deep imports. `stripInternal` (tsconfig.build.json) removes the `@internal`
 * members, so internal classes stop being referenced from public modules.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

/** The .d.ts files of package.json's `exports`. */
export function entryDeclarations(): string[] {
	const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
		exports: Record<string, { types: string }>;
	};
	return Object.values(pkg.exports).map((e) => resolve(root, e.types));
}

/** Every .d.ts reachable from `entries` through relative imports and `import("...")` types. */
export function reachableDeclarations(entries: string[]): Set<string> {
	const seen = new Set<string>();
	const todo = [...entries];
	while (todo.length > 0) {
		const file = todo.pop()!;
		if (seen.has(file)) continue;
		seen.add(file);
		const text = readFileSync(file, "utf8");
		for (const m of text.matchAll(
			/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.{1,2}\/[^"']+)["']/g,
		)) {
			todo.push(join(dirname(file), m[1]!.replace(/\.js$/, ".d.ts")));
		}
	}
	return seen;
}

function* declarationsIn(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* declarationsIn(path);
		else if (entry.name.endsWith(".d.ts")) yield path;
	}
}

function build(): void {
	rmSync(dist, { recursive: true, force: true });
	const tsc = spawnSync(
		process.execPath,
		[
			join(root, "node_modules/typescript/bin/tsc"),
			"-p",
			"tsconfig.build.json",
		],
		{ cwd: root, stdio: "inherit" },
	);
	if (tsc.status !== 0) process.exit(tsc.status ?? 1);
	const keep = reachableDeclarations(entryDeclarations());
	const dropped: string[] = [];
	for (const file of declarationsIn(dist)) {
		if (!keep.has(file)) {
			rmSync(file);
			dropped.push(relative(dist, file));
		}
	}
	console.log(
		`dist/: ${keep.size} declaration files kept, ${dropped.length} internal ones dropped`,
	);
}

if (
	process.argv[1] !== undefined &&
	resolve(process.argv[1]) === fileURLToPath(import.meta.url)
) {
	build();
}
