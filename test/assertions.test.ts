/**
 * A test whose expectations all sit in `catch` blocks passes when nothing throws: it checks
 * nothing on the path it claims to cover. This walks every test file and fails on each `it`/`test`
 * whose assertions are all inside a `catch` clause. The fix is to keep what was caught and assert
 * on it after the `try` (or to use `expect(() => ...).toThrow`).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));

function testFiles(dir: string): string[] {
	return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
		e.isDirectory()
			? testFiles(join(dir, e.name))
			: e.name.endsWith(".test.ts")
				? [join(dir, e.name)]
				: [],
	);
}

/**
 * A call that asserts: `expect(...)...`, `assert...(...)`, or the TestBase's ordering checks
 * (`t.expect(n)`, `t.finish(n)`, `t.expectUnreached()`).
 */
function isAssertion(call: ts.CallExpression, sf: ts.SourceFile): boolean {
	const callee = call.expression;
	if (
		ts.isPropertyAccessExpression(callee) &&
		/^(expect|finish|expectUnreached|assert)/.test(callee.name.text) &&
		ts.isIdentifier(callee.expression)
	) {
		return true;
	}
	// expect(x).not.toBe(y): walk down to the call that starts the chain.
	let start: ts.Expression = callee;
	while (ts.isPropertyAccessExpression(start) || ts.isCallExpression(start)) {
		start = start.expression;
	}
	return /^(expect|assert)/.test(start.getText(sf));
}

/** `file:line test name` of each test of `file` whose assertions are all inside `catch`. */
function assertingOnlyInCatch(
	file: string,
	text: string = readFileSync(join(root, file), "utf8"),
): string[] {
	const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
	const found: string[] = [];
	const visit = (node: ts.Node): void => {
		if (
			ts.isCallExpression(node) &&
			ts.isIdentifier(node.expression) &&
			(node.expression.text === "it" || node.expression.text === "test")
		) {
			const body = node.arguments.find(
				(a) => ts.isArrowFunction(a) || ts.isFunctionExpression(a),
			);
			if (body !== undefined) {
				let inCatch = 0;
				let outside = 0;
				const walk = (n: ts.Node, underCatch: boolean): void => {
					if (ts.isCallExpression(n) && isAssertion(n, sf)) {
						if (underCatch) inCatch++;
						else outside++;
					}
					ts.forEachChild(n, (c) => walk(c, underCatch || ts.isCatchClause(n)));
				};
				walk(body, false);
				if (inCatch > 0 && outside === 0) {
					const line = sf.getLineAndCharacterOfPosition(node.getStart()).line;
					found.push(`${file}:${line + 1} ${node.arguments[0]?.getText(sf)}`);
				}
			}
		}
		ts.forEachChild(node, visit);
	};
	visit(sf);
	return found;
}

describe("every test asserts on the path it claims to cover", () => {
	const files = [...testFiles("test"), ...testFiles("property-tests")];

	it("finds the test files (guard: not none)", () => {
		expect(files.length).toBeGreaterThan(100);
		expect(files).toContain(join("test", "assertions.test.ts"));
	});

	it("no test has its assertions only inside a catch block", () => {
		expect(files.flatMap((f) => assertingOnlyInCatch(f))).toEqual([]);
	});

	it("the check finds the pattern it looks for, and passes its fix", () => {
		const sample = [
			'it("rethrows", async () => {',
			"\ttry { await run(); } catch (e) { expect(e).toBe(boom); }",
			"});",
			'it("rethrows, checked", async () => {',
			"\tlet caught: unknown;",
			"\ttry { await run(); } catch (e) { caught = e; }",
			"\texpect(caught).toBe(boom);",
			"});",
		].join("\n");
		expect(assertingOnlyInCatch("sample.test.ts", sample)).toEqual([
			'sample.test.ts:1 "rethrows"',
		]);
	});
});
