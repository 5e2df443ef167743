/**
 * The code examples of the documentation, found where they are written: every ```ts block of
 * README.md and docs/*.md, and every `@example` of a doc comment in src/. The doc-snippets test
 * type-checks them all and runs those marked runnable (as kotlinx's Knit does for its guide).
 *
 * Marking, in Markdown:
 *
 *     ```ts runnable          a complete program (it imports what it uses); it is run, and what
 *     ...                     it prints must equal the ```text output block that follows it
 *     ```                     (only blank lines or a line of prose may stand between them)
 *
 *     Output:
 *
 *     ```text output
 *     ...
 *     ```
 *
 * A plain ```ts block is type-checked only. It may be a fragment: names it uses without
 * importing resolve to kocoro's exports (every entry point) and to the placeholders of
 * test/docs/placeholders.d.ts (`scope`, `url`, `loadUser(id)`, ...); a fragment with `yield*` or
 * `this` at top level is checked as the body of a generator function run by a coroutine
 * (`this: CoroutineScope`). ```ts no-check marks a block that is deliberately not TypeScript
 * that compiles (a wrong example); each must say so in the prose before it.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("..", import.meta.url));

export interface Snippet {
	/** Where it is written, relative to the repository: `docs/interop.md`. */
	file: string;
	/** The 1-based line of its first code line in that file. */
	line: number;
	code: string;
	mode: "check" | "runnable" | "no-check";
	/** For a runnable snippet: what it must print. */
	output?: string;
}

/** `file:line`, for failure messages that lead to the block. */
export const where = (s: Snippet, offset = 0): string =>
	`${s.file}:${s.line + offset}`;

/** README.md and every docs/*.md, found anew on every run. */
export function markdownFiles(): string[] {
	const docs = readdirSync(join(root, "docs"))
		.filter((f) => f.endsWith(".md"))
		.sort()
		.map((f) => `docs/${f}`);
	return ["README.md", ...docs];
}

const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^\s`]*)\s*(.*)$/;

/** The ```ts blocks of one Markdown file. */
export function markdownSnippets(file: string): Snippet[] {
	const lines = readFileSync(join(root, file), "utf8").split("\n");
	const snippets: Snippet[] = [];
	const problems: string[] = [];
	let pendingRunnable: Snippet | null = null;
	let prose = 0;
	for (let i = 0; i < lines.length; i++) {
		const open = FENCE.exec(lines[i]!);
		if (open === null) {
			if (pendingRunnable !== null && lines[i]!.trim() !== "" && ++prose > 1) {
				problems.push(
					`${where(pendingRunnable)}: a \`ts runnable\` block must be followed by a \`text output\` block`,
				);
				pendingRunnable = null;
			}
			continue;
		}
		const [, indent, marker, lang, rest] = open;
		const body: string[] = [];
		let j = i + 1;
		for (; j < lines.length; j++) {
			const close = lines[j]!.trim();
			if (close.startsWith(marker!) && close.replace(/[`~]/g, "") === "") break;
			body.push(lines[j]!.slice(indent!.length));
		}
		const words = rest!.split(/\s+/).filter((w) => w !== "");
		if (lang === "text" && words.includes("output")) {
			if (pendingRunnable === null) {
				problems.push(
					`${file}:${i + 1}: a \`text output\` block with no \`ts runnable\` block before it`,
				);
			} else pendingRunnable.output = body.join("\n");
			pendingRunnable = null;
		} else if (pendingRunnable !== null) {
			problems.push(
				`${where(pendingRunnable)}: a \`ts runnable\` block must be followed by a \`text output\` block`,
			);
			pendingRunnable = null;
		}
		if (lang === "ts" || lang === "typescript") {
			const mode = words.includes("runnable")
				? "runnable"
				: words.includes("no-check")
					? "no-check"
					: "check";
			const snippet: Snippet = {
				file,
				line: i + 2,
				code: body.join("\n"),
				mode,
			};
			snippets.push(snippet);
			if (mode === "runnable") {
				pendingRunnable = snippet;
				prose = 0;
			}
		}
		i = j;
	}
	if (pendingRunnable !== null)
		problems.push(
			`${where(pendingRunnable)}: a \`ts runnable\` block must be followed by a \`text output\` block`,
		);
	if (problems.length > 0) throw new Error(problems.join("\n"));
	return snippets;
}

function* sourceFiles(dir: string): Generator<string> {
	for (const entry of readdirSync(dir, { withFileTypes: true })) {
		const path = join(dir, entry.name);
		if (entry.isDirectory()) yield* sourceFiles(path);
		else if (entry.name.endsWith(".ts")) yield path;
	}
}

/**
 * The `@example` sections of the doc comments in src/: from the tag to the next tag or the end
 * of the comment, ` * ` margins removed; a ``` fence inside is unwrapped.
 */
export function docCommentSnippets(): Snippet[] {
	const snippets: Snippet[] = [];
	for (const path of [...sourceFiles(join(root, "src"))].sort()) {
		const file = relative(root, path).replaceAll("\\", "/");
		const lines = readFileSync(path, "utf8").split("\n");
		let inComment = false;
		let current: { line: number; body: string[] } | null = null;
		const flush = () => {
			if (current === null) return;
			let body = current.body;
			let line = current.line;
			const fenceAt = body.findIndex((l) => /^```/.test(l.trim()));
			if (fenceAt >= 0) {
				const end = body.findIndex(
					(l, k) => k > fenceAt && /^```/.test(l.trim()),
				);
				body = body.slice(fenceAt + 1, end < 0 ? undefined : end);
				line += fenceAt + 1;
			}
			while (body.length > 0 && body[body.length - 1]!.trim() === "")
				body.pop();
			if (body.some((l) => l.trim() !== ""))
				snippets.push({ file, line, code: body.join("\n"), mode: "check" });
			current = null;
		};
		for (let i = 0; i < lines.length; i++) {
			const text = lines[i]!;
			if (!inComment) {
				if (/^\s*\/\*\*/.test(text) && !/\*\/\s*$/.test(text)) inComment = true;
				continue;
			}
			if (/^\s*\*\/\s*$/.test(text) || /\*\/\s*$/.test(text)) {
				flush();
				inComment = false;
				continue;
			}
			const content = text.replace(/^\s*\* ?/, "");
			const tag = /^@(\w+)\s*(.*)$/.exec(content.trim());
			if (tag !== null) {
				flush();
				if (tag[1] === "example") {
					current = { line: i + 2, body: [] };
					if (tag[2] !== "") {
						current.body.push(tag[2]!);
						current.line = i + 1;
					}
				}
				continue;
			}
			current?.body.push(content);
		}
	}
	return snippets;
}

/** Every snippet of the documentation. */
export function allSnippets(): Snippet[] {
	return [
		...markdownFiles().flatMap(markdownSnippets),
		...docCommentSnippets(),
	];
}
