/**
 * The example at the top of docs/flow.md, run as written: its statements appear below in the same
 * order (compared line by line, indentation aside), so the documentation cannot drift.
 */
import { readFileSync } from "node:fs";
import { delay, flow, runCoroutine } from "kocoro";
import { expect as assert, describe, it, vi } from "vitest";

describe("docs/flow.md", () => {
	it("the first example runs and prints 1, 3", async () => {
		const log = vi.spyOn(console, "log").mockImplementation(() => {});
		// --- docs/flow.md: first example ---
		const numbers = flow<number>(function* () {
			for (let i = 1; i <= 3; i++) {
				yield* delay(100);
				yield* this.emit(i); // always `yield*` an emit
			}
		});

		const result = await runCoroutine(function* () {
			const doubled = yield* numbers.map((x) => x * 2).toList(); // [2, 4, 6] after 300 ms
			yield* numbers
				.filter(function* (x) {
					yield* delay(10); // a callback may suspend: write it as a generator function
					return x % 2 === 1;
				})
				.collect((x) => console.log(x)); // 1, 3
			return doubled;
		});
		// --- end ---
		assert(result).toEqual([2, 4, 6]);
		assert(log.mock.calls).toEqual([[1], [3]]);
		log.mockRestore();
	}, 10_000);
	it("the doc shows that example", () => {
		const doc = readFileSync(
			new URL("../../docs/flow.md", import.meta.url),
			"utf8",
		);
		const block = /```ts\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
		const self = readFileSync(new URL(import.meta.url), "utf8");
		const body = self.slice(
			self.indexOf("// --- docs/flow.md: first example ---"),
			self.indexOf("// --- end ---"),
		);
		const norm = (s: string) =>
			s
				.split("\n")
				.map((l) => l.trim())
				.filter(
					(l) =>
						l !== "" && !l.startsWith("import ") && !l.startsWith("// ---"),
				)
				.map((l) => l.replace("const result = await", "await"));
		assert(norm(body)).toEqual(norm(block));
	});
});
