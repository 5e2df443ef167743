/**
 * The public API report: for each package entry point, every export with its type, as the
 * TypeScript checker sees it (members marked @internal, private or protected are left out).
 * `--update` rewrites `api-report/*.api.txt`; `--check` (run by `npm test`) fails when the
 * exports differ from the committed report, so no export changes by accident.
 *
 * The entry points are those of `package.json`'s `exports`. Both modes fail when an entry's source
 * file is missing, and when a public export has no doc comment (TSDoc on its declaration) or no
 * `@example` in it. The examples are type-checked by test/docs/doc-snippets.test.ts.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { entryPoints } from "./entry-points.js";

const mode = process.argv.includes("--update") ? "update" : "check";
const entries = entryPoints();
const missing = entries.filter((e) => !existsSync(e.source));
if (missing.length > 0) {
	for (const e of missing) {
		console.error(
			`${e.specifier}: its source ${e.source} (from package.json's exports) does not exist`,
		);
	}
	process.exit(1);
}
const present = entries.map((e) => [e.reportName, e.source] as const);
const config = ts.getParsedCommandLineOfConfigFile(
	"tsconfig.build.json",
	{},
	{
		...ts.sys,
		onUnRecoverableConfigFileDiagnostic: (d) => {
			throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
		},
	},
);
if (config === undefined) throw new Error("cannot read tsconfig.build.json");
const program = ts.createProgram(
	present.map(([, f]) => f),
	{ ...config.options, noEmit: true },
);
const checker = program.getTypeChecker();
const flags =
	ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.WriteArrowStyleSignature;

/** Machine-independent text: no absolute import paths, readable symbol-keyed members. */
function clean(text: string): string {
	return text
		.replace(
			/import\("[^"]*", \{ with: \{ "resolution-mode": "import" \} \}\)\./g,
			"",
		)
		.replace(/import\("[^"]*"\)\./g, "")
		.replace(/__@(\w+)@\d+/g, "[Symbol.$1]");
}

function isHidden(decl: ts.Declaration): boolean {
	if (ts.getJSDocTags(decl).some((t) => t.tagName.text === "internal"))
		return true;
	const mods = ts.canHaveModifiers(decl) ? (ts.getModifiers(decl) ?? []) : [];
	if (
		mods.some(
			(m) =>
				m.kind === ts.SyntaxKind.PrivateKeyword ||
				m.kind === ts.SyntaxKind.ProtectedKeyword,
		)
	) {
		return true;
	}
	const name = (decl as { name?: ts.Node }).name;
	return name !== undefined && ts.isPrivateIdentifier(name);
}

function typeOf(sym: ts.Symbol): string {
	const decl = sym.valueDeclaration ?? sym.declarations?.[0];
	if (decl === undefined) return "?";
	return checker.typeToString(
		checker.getTypeOfSymbolAtLocation(sym, decl),
		undefined,
		flags,
	);
}

function members(type: ts.Type, indent: string): string[] {
	const out: string[] = [];
	for (const p of checker.getPropertiesOfType(type)) {
		const decl = p.valueDeclaration ?? p.declarations?.[0];
		if (decl !== undefined && isHidden(decl)) continue;
		// effect (a dev dependency) augments the global Error interface; not our API.
		if (p.name.startsWith("~effect/")) continue;
		const optional = p.flags & ts.SymbolFlags.Optional ? "?" : "";
		out.push(`${indent}${p.name}${optional}: ${typeOf(p)}`);
	}
	for (const sig of type.getCallSignatures()) {
		out.push(
			`${indent}(call): ${checker.signatureToString(sig, undefined, flags)}`,
		);
	}
	return out.sort();
}

function describe(name: string, sym: ts.Symbol): string[] {
	const out: string[] = [];
	const f = sym.flags;
	// `type Job = Job` (an alias of an interface of the same name, declared in a lower module so
	// that its implementations need not import the factory) reads as the interface.
	const aliased =
		f & ts.SymbolFlags.TypeAlias
			? checker.getDeclaredTypeOfSymbol(sym).getSymbol()
			: undefined;
	const interfaceAlias =
		aliased !== undefined &&
		aliased.name === name &&
		(aliased.flags & ts.SymbolFlags.Interface) !== 0;
	if (f & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface) || interfaceAlias) {
		out.push(`${f & ts.SymbolFlags.Class ? "class" : "interface"} ${name}`);
		out.push(...members(checker.getDeclaredTypeOfSymbol(sym), "  "));
	}
	if (f & ts.SymbolFlags.TypeAlias && !interfaceAlias) {
		out.push(
			`type ${name} = ${checker.typeToString(checker.getDeclaredTypeOfSymbol(sym), undefined, flags)}`,
		);
	}
	if (f & ts.SymbolFlags.Enum) {
		out.push(
			`enum ${name}: ${(sym.exports ? [...sym.exports.keys()] : []).map(String).sort().join(", ")}`,
		);
	} else if (
		f &
		(ts.SymbolFlags.Function | ts.SymbolFlags.Variable | ts.SymbolFlags.Class)
	) {
		out.push(`value ${name}: ${typeOf(sym)}`);
		if (f & ts.SymbolFlags.Variable) {
			const decl = sym.valueDeclaration;
			if (decl !== undefined)
				out.push(
					...members(checker.getTypeOfSymbolAtLocation(sym, decl), "  "),
				);
		}
	}
	if (
		f & ts.SymbolFlags.Function &&
		sym.exports !== undefined &&
		sym.exports.size > 0
	) {
		for (const [k, v] of sym.exports)
			out.push(`  ${name}.${String(k)}: ${typeOf(v)}`);
	}
	return out;
}

/** Whether one of the symbol's declarations carries a doc comment. */
function hasDocComment(sym: ts.Symbol): boolean {
	return (sym.declarations ?? []).some((decl) => {
		// A variable's comment sits on its statement; a declaration's on itself.
		const holder = ts.isVariableDeclaration(decl) ? decl.parent.parent : decl;
		const text = holder.getSourceFile().getFullText();
		const ranges =
			ts.getLeadingCommentRanges(text, holder.getFullStart()) ?? [];
		return ranges.some((r) => text.startsWith("/**", r.pos));
	});
}

mkdirSync("api-report", { recursive: true });
let failed = false;
const undocumented: string[] = [];
const withoutExample: string[] = [];
for (const [entry, file] of present) {
	const source = program.getSourceFile(file);
	const moduleSymbol = source && checker.getSymbolAtLocation(source);
	if (moduleSymbol === undefined)
		throw new Error(`no module symbol for ${file}`);
	const lines = [
		`# Public API of ${entry.replaceAll("-", "/")} (${file}); regenerate with npm run api:update`,
	];
	const exported = checker
		.getExportsOfModule(moduleSymbol)
		.sort((a, b) => a.name.localeCompare(b.name));
	for (const sym of exported) {
		const target =
			sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
		const decl = target.declarations?.[0];
		const where =
			decl === undefined
				? file
				: `${relative(process.cwd(), decl.getSourceFile().fileName)}:${decl.getSourceFile().getLineAndCharacterOfPosition(decl.getStart()).line + 1}`;
		const named = `  ${entry.replaceAll("-", "/")}: ${sym.name} (${where})`;
		if (!hasDocComment(target)) undocumented.push(named);
		else if (!target.getJsDocTags(checker).some((t) => t.name === "example")) {
			withoutExample.push(named);
		}
		lines.push(...describe(sym.name, target));
	}
	const text = clean(`${lines.join("\n")}\n`);
	const path = `api-report/${entry}.api.txt`;
	if (mode === "update") {
		writeFileSync(path, text);
		console.log(`wrote ${path}`);
	} else if (!existsSync(path) || readFileSync(path, "utf8") !== text) {
		failed = true;
		const old = existsSync(path) ? readFileSync(path, "utf8").split("\n") : [];
		const now = text.split("\n");
		const removed = old.filter((l) => !now.includes(l));
		const added = now.filter((l) => !old.includes(l));
		console.error(
			`API of ${entry} changed (run "npm run api:update" if intended):`,
		);
		for (const l of removed) console.error(`  - ${l}`);
		for (const l of added) console.error(`  + ${l}`);
	}
}
if (undocumented.length > 0) {
	failed = true;
	console.error(
		"Public exports without a doc comment (write TSDoc: one line of what, details, an example):",
	);
	for (const line of undocumented) console.error(line);
}
if (withoutExample.length > 0) {
	failed = true;
	console.error(
		"Public exports whose doc comment has no @example (add one: it is type-checked with the docs):",
	);
	for (const line of withoutExample) console.error(line);
}
if (failed) process.exit(1);
if (mode === "check")
	console.log(`API report matches for ${present.map(([e]) => e).join(", ")}`);
