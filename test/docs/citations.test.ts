/**
 * The repository is self-contained: the rules its code and tests cite are written in `docs/`
 * (docs/semantics.md and the docs of each area), and nothing points to a document outside it.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repositoryRoot } from "../../scripts/entry-points.js";

const root = repositoryRoot;

/** Every tracked or new (not ignored) text file of the repository, but the lock file. */
const files = execFileSync(
	"git",
	["ls-files", "--cached", "--others", "--exclude-standard"],
	{ cwd: root, encoding: "utf8" },
)
	.split("\n")
	.filter((f) => /\.(ts|md|json|jsonc|mjs|js)$/.test(f))
	.filter((f) => f !== "package-lock.json");

function read(file: string): string {
	try {
		return readFileSync(join(root, file), "utf8");
	} catch {
		return ""; // deleted in the work tree
	}
}

/**
 * Names of the working documents kept outside the repository. Spelled in pieces so that this
 * file does not cite them itself.
 */
const OUTSIDE = [
	["..", "shared", ""].join("/"),
	["API", "md"].join("."),
	["KOTLIN", "SEMANTICS"].join("-"),
];

/** A rule definition in docs: a bold id followed by a period, `**S6.` or `**C12.1.`. */
const DEFINITION = /\*\*([A-Z]\d+(?:\.\d+)?)\./g;
/** Tokens that look like rule ids and are not (the JavaScript engine). */
const NOT_RULES = new Set(["V8"]);

function definedRules(): Map<string, string> {
	const defined = new Map<string, string>();
	for (const file of files.filter((f) => /^docs\/.*\.md$/.test(f))) {
		for (const m of read(file).matchAll(DEFINITION)) {
			const id = m[1]!;
			const before = defined.get(id);
			if (before !== undefined && before !== file) {
				throw new Error(`rule ${id} is defined in both ${before} and ${file}`);
			}
			defined.set(id, file);
		}
	}
	return defined;
}

describe("self-contained documentation", () => {
	it("nothing cites a document outside the repository", () => {
		const citing: string[] = [];
		for (const file of files) {
			read(file)
				.split("\n")
				.forEach((line, i) => {
					for (const name of OUTSIDE) {
						if (line.includes(name))
							citing.push(`${file}:${i + 1}: cites ${name}`);
					}
				});
		}
		expect(citing).toEqual([]);
	});

	it("every rule id cited in code, tests and docs is defined in docs/", () => {
		const defined = definedRules();
		expect(defined.size).toBeGreaterThan(60);
		expect(defined.get("C12.1")).toBe("docs/semantics.md");
		// Only the letters docs/ defines rules with are rule ids (P7 is one; ES2022 is not).
		const letters = [...new Set([...defined.keys()].map((id) => id[0]))].join(
			"",
		);
		const citation = new RegExp(`\\b[${letters}]\\d+(?:\\.\\d+)?\\b`, "g");
		const undefinedIds: string[] = [];
		for (const file of files) {
			read(file)
				.split("\n")
				.forEach((line, i) => {
					for (const m of line.matchAll(citation)) {
						const id = m[0];
						if (NOT_RULES.has(id) || defined.has(id)) continue;
						undefinedIds.push(
							`${file}:${i + 1}: cites ${id}, which no docs/ file defines (as **${id}. ...**)`,
						);
					}
				});
		}
		expect(undefinedIds).toEqual([]);
	});
});
