/**
 * Documentation that cannot rot: every ```ts block of README.md and docs/*.md and every
 * `@example` of a doc comment in src/ is type-checked (with the repository's strict settings), and
 * every ```ts runnable block is run, its output compared with the ```text output block after it.
 * How blocks are marked, and how fragments are checked: scripts/doc-snippets.ts. Failures name
 * the file and line of the block.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { nodeArgsOfSource } from "../../scripts/bundled.js";
import {
	allSnippets,
	root,
	type Snippet,
	where,
} from "../../scripts/doc-snippets.js";
import { entryPoints } from "../../scripts/entry-points.js";

/** The entry points' sources, by the specifier users import them with (package.json's order). */
const ENTRIES: Record<string, string> = Object.fromEntries(
	entryPoints().map((e) => [e.specifier, e.source]),
);
const PLACEHOLDERS = "test/docs/placeholders.ts";
const VIRTUAL_DIR = join(root, ".doc-snippets");

const snippets = allSnippets();

function compilerOptions(): ts.CompilerOptions {
	const config = ts.readConfigFile(
		join(root, "tsconfig.json"),
		ts.sys.readFile,
	);
	const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
	// Type-only imports are not marked in examples: users' settings rarely demand it.
	return {
		...parsed.options,
		noEmit: true,
		types: ["node"],
		verbatimModuleSyntax: false,
		isolatedModules: false,
	};
}

/** Whether a fragment has `yield`, `this` or `return` outside any function: a generator body. */
function isGeneratorBody(code: string): boolean {
	// Parsed inside a generator, so `yield` parses as it would there.
	const sf = ts.createSourceFile(
		"f.ts",
		`function* __w() {\n${code}\n}`,
		ts.ScriptTarget.ES2022,
		true,
	);
	const wrapper = sf.statements[0] as ts.FunctionDeclaration;
	let found = false;
	const visit = (node: ts.Node): void => {
		if (found) return;
		if (
			ts.isYieldExpression(node) ||
			node.kind === ts.SyntaxKind.ThisKeyword ||
			ts.isReturnStatement(node)
		) {
			found = true;
			return;
		}
		// A nested function or class has its own `this`, `return` and `yield` (an arrow has
		// the same `this`, but no `yield` or `return` of ours).
		if (ts.isArrowFunction(node)) {
			const arrowThis = (n: ts.Node): void => {
				if (found) return;
				if (n.kind === ts.SyntaxKind.ThisKeyword) found = true;
				else if (!ts.isFunctionLike(n) || ts.isArrowFunction(n))
					ts.forEachChild(n, arrowThis);
			};
			ts.forEachChild(node, arrowThis);
			return;
		}
		if (ts.isFunctionLike(node) || ts.isClassLike(node)) return;
		ts.forEachChild(node, visit);
	};
	if (wrapper.body !== undefined) ts.forEachChild(wrapper.body, visit);
	return found;
}

/**
 * The checked file of a snippet. Line 1 holds the automatic imports, the snippet's own imports
 * (moved there, blanked in place) and, for a generator body, the function header; the snippet's
 * line k is the file's line k + 1.
 */
function virtualFile(snippet: Snippet, autoImports: string): string {
	const sf = ts.createSourceFile(
		"f.ts",
		snippet.code,
		ts.ScriptTarget.ES2022,
		true,
	);
	let code = snippet.code;
	const imports: string[] = [];
	for (const statement of sf.statements) {
		if (!ts.isImportDeclaration(statement)) continue;
		const start = statement.getStart(sf);
		const text = code.slice(start, statement.end);
		imports.push(text.replace(/\s*\n\s*/g, " "));
		code =
			code.slice(0, start) +
			text.replace(/[^\n]/g, " ") +
			code.slice(statement.end);
	}
	const wrap = isGeneratorBody(snippet.code);
	const header = [
		autoImports,
		...imports,
		wrap
			? 'import type { TestScope as __Scope } from "kocoro/test"; export function* __snippet(this: __Scope) {'
			: "",
	].join(" ");
	return `${header}\n${code}\n${wrap ? "}" : ""} export {};\n`;
}

interface Checked {
	file: string;
	snippet: Snippet;
	text: string;
}

function check(
	files: Checked[],
	options: ts.CompilerOptions,
	old?: ts.Program,
) {
	const byPath = new Map(files.map((f) => [f.file, f]));
	const host = ts.createCompilerHost(options);
	const getSourceFile = host.getSourceFile.bind(host);
	host.getSourceFile = (name, language, ...rest) => {
		const v = byPath.get(name);
		if (v !== undefined) return ts.createSourceFile(name, v.text, language);
		return getSourceFile(name, language, ...rest);
	};
	const fileExists = host.fileExists.bind(host);
	host.fileExists = (name) => byPath.has(name) || fileExists(name);
	const readFile = host.readFile.bind(host);
	host.readFile = (name) => byPath.get(name)?.text ?? readFile(name);
	const program = ts.createProgram({
		rootNames: [
			...files.map((f) => f.file),
			...[...Object.values(ENTRIES), PLACEHOLDERS].map((f) => join(root, f)),
		],
		options,
		host,
		...(old === undefined ? {} : { oldProgram: old }),
	});
	return { program, byPath };
}

/** The exported names of each entry point and of the placeholders module. */
function exportedNames(program: ts.Program): Map<string, string> {
	const checker = program.getTypeChecker();
	const from = new Map<string, string>();
	for (const [specifier, file] of [
		...Object.entries(ENTRIES),
		["./placeholders", PLACEHOLDERS] as const,
	]) {
		const sf = program.getSourceFile(join(root, file));
		if (sf === undefined) throw new Error(`${file} is not in the program`);
		const mod = checker.getSymbolAtLocation(sf);
		for (const e of mod === undefined ? [] : checker.getExportsOfModule(mod)) {
			if (!from.has(e.name)) from.set(e.name, specifier);
		}
	}
	return from;
}

const UNRESOLVED = new Set([
	2304, 2552, 2582, 2503, 2580, 2591, 2593, 2693, 18004,
]);

function typeCheck(): string[] {
	const options = compilerOptions();
	const toCheck = snippets.filter((s) => s.mode !== "no-check");
	const files = (auto: (s: Snippet) => string): Checked[] =>
		toCheck.map((snippet, i) => {
			const file = join(VIRTUAL_DIR, `snippet-${i}.ts`).replaceAll("\\", "/");
			return { file, snippet, text: virtualFile(snippet, auto(snippet)) };
		});
	// Pass 1: as written, to find the names each fragment uses without defining them.
	const first = files(() => "");
	const pass1 = check(first, options);
	const names = exportedNames(pass1.program);
	const missing = new Map<Snippet, Set<string>>();
	for (const f of first) {
		const sf = pass1.program.getSourceFile(f.file)!;
		for (const d of pass1.program.getSemanticDiagnostics(sf)) {
			if (!UNRESOLVED.has(d.code) || d.start === undefined) continue;
			const name = f.text.slice(d.start, d.start + (d.length ?? 0));
			if (!names.has(name)) continue;
			if (!missing.has(f.snippet)) missing.set(f.snippet, new Set());
			missing.get(f.snippet)!.add(name);
		}
	}
	// Pass 2: with those names imported from the entry point (or placeholder) that has them.
	const placeholderPath = join(root, PLACEHOLDERS).replace(/\.ts$/, ".js");
	const second = files((snippet) => {
		const bySource = new Map<string, string[]>();
		for (const name of missing.get(snippet) ?? []) {
			const source = names.get(name)!;
			if (!bySource.has(source)) bySource.set(source, []);
			bySource.get(source)!.push(name);
		}
		return [...bySource]
			.map(([source, list]) => {
				const spec = source === "./placeholders" ? placeholderPath : source;
				return `import { ${list.join(", ")} } from ${JSON.stringify(spec)};`;
			})
			.join(" ");
	});
	const runnableUsesPlaceholder = second
		.filter(
			(f) => f.snippet.mode === "runnable" && f.text.includes(placeholderPath),
		)
		.map(
			(f) =>
				`${where(f.snippet)}: a runnable block uses a placeholder of ${PLACEHOLDERS}; a complete program defines what it uses`,
		);
	const pass2 = check(second, options, pass1.program);
	const problems = [...runnableUsesPlaceholder];
	for (const f of second) {
		const sf = pass2.program.getSourceFile(f.file)!;
		const diagnostics = [
			...pass2.program.getSyntacticDiagnostics(sf),
			...pass2.program.getSemanticDiagnostics(sf),
		];
		for (const d of diagnostics) {
			const { line } = sf.getLineAndCharacterOfPosition(d.start ?? 0);
			// File line 0 is the header; the snippet's first line is file line 1 (0-based).
			const at = where(f.snippet, Math.max(0, line - 1));
			problems.push(
				`${at}: TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
			);
		}
	}
	return problems;
}

describe("documentation snippets", () => {
	it("finds the blocks of README.md, every docs/*.md and the doc comments (guard: not none)", () => {
		const files = new Set(snippets.map((s) => s.file));
		expect(files).toContain("README.md");
		expect(files).toContain("docs/interop.md");
		expect([...files].some((f) => f.startsWith("src/"))).toBe(true);
		expect(
			snippets.filter((s) => s.mode === "runnable").length,
		).toBeGreaterThan(0);
	});

	it("every ```ts block and @example type-checks", () => {
		expect(typeCheck()).toEqual([]);
	}, 120_000);

	const runnable = snippets.filter((s) => s.mode === "runnable");
	for (const snippet of runnable) {
		it(`${where(snippet)} runs and prints its output block`, () => {
			const r = spawnSync(process.execPath, nodeArgsOfSource(snippet.code), {
				cwd: root,
				encoding: "utf8",
				timeout: 30_000,
			});
			expect(r.stderr, `${where(snippet)} printed to stderr`).toBe("");
			expect(r.status, `${where(snippet)} exit code`).toBe(0);
			expect(r.stdout.trimEnd(), `${where(snippet)} output`).toBe(
				snippet.output!.trimEnd(),
			);
		});
	}
});
