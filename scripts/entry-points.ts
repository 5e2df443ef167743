/**
 * The package's entry points, read from `package.json`'s `exports`: the one list. The vitest
 * aliases and the API report are derived from it; `tsconfig.json`'s `paths` cannot be (TypeScript
 * reads no code), so `test/architecture.test.ts` checks that they list the same entries.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository's root directory. */
export const repositoryRoot = fileURLToPath(new URL("..", import.meta.url));

/** One entry point of the package. */
export interface EntryPoint {
	/** What users import: `kocoro`, `kocoro/test`, ... */
	readonly specifier: string;
	/** Its source file, relative to the repository root: `src/test/index.ts`. */
	readonly source: string;
	/** The name of its API report file: `kocoro-test` for `api-report/kocoro-test.api.txt`. */
	readonly reportName: string;
}

interface ExportTargets {
	readonly types?: string;
	readonly import?: string;
}

/** The entry points listed in `package.json`'s `exports`, in its order. */
export function entryPoints(root: string = repositoryRoot): EntryPoint[] {
	const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
		name: string;
		exports: Record<string, ExportTargets>;
	};
	return Object.entries(pkg.exports).map(([subpath, targets]) => {
		const built = targets.import;
		if (built === undefined || !/^\.\/dist\/.+\.js$/.test(built)) {
			throw new Error(
				`package.json exports["${subpath}"].import must be ./dist/<path>.js, got ${String(built)}`,
			);
		}
		const specifier =
			subpath === "." ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
		return {
			specifier,
			source: built.replace(/^\.\/dist\//, "src/").replace(/\.js$/, ".ts"),
			reportName: specifier.replaceAll("/", "-"),
		};
	});
}
