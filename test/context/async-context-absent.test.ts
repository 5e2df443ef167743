/**
 * Where the platform has no AsyncLocalStorage (browsers), nothing breaks and nothing is paid:
 * coroutines capture no context, and asContextElement says why it cannot work. Simulated on Node
 * by a process whose `process.getBuiltinModule` is gone before kocoro loads.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { nodeArgsOfSource } from "../../scripts/bundled.js";
import { findAsyncResource } from "../../src/context/async-context.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("async context where the platform has none", () => {
	it("findAsyncResource finds AsyncResource through process.getBuiltinModule, and nothing elsewhere", () => {
		expect(findAsyncResource(globalThis)).toBeTypeOf("function");
		expect(findAsyncResource({})).toBeUndefined();
		expect(findAsyncResource({ process: {} })).toBeUndefined();
		expect(
			findAsyncResource({ process: { getBuiltinModule: () => undefined } }),
		).toBeUndefined();
		expect(
			findAsyncResource({
				process: {
					getBuiltinModule: () => {
						throw new Error("not allowed here");
					},
				},
			}),
		).toBeUndefined();
	});

	it("coroutines run as usual, capture nothing, and asContextElement is refused with the reason", () => {
		const script = `
			delete process.getBuiltinModule;
			const { asContextElement, delay, runCoroutine, withTimeout, yieldNow, Dispatchers } =
				await import("./src/index.ts");
			const { asyncContextsSupported } = await import("./src/context/async-context.ts");
			const seen = [];
			await Promise.all(["a", "b"].map((id) => runCoroutine(function* () {
				const child = this.launch(function* () { yield* delay(1); seen.push(id + " child"); });
				yield* yieldNow();
				yield* withTimeout(1000, function* () { yield* delay(1); });
				yield* child.join();
				seen.push(id + " done " + String(this.asyncContext));
			})));
			await runCoroutine(function* () { yield* delay(1); seen.push("unconfined"); }, Dispatchers.Unconfined);
			let refused = "";
			try { asContextElement({ run: (v, f) => f(), getStore: () => 1 }, 2); } catch (e) { refused = e.message; }
			console.log(JSON.stringify({ supported: asyncContextsSupported, seen: seen.sort(), refused }));
		`;
		const r = spawnSync(process.execPath, nodeArgsOfSource(script), {
			cwd: root,
			encoding: "utf8",
			timeout: 20_000,
		});
		expect(r.stderr).toBe("");
		expect(JSON.parse(r.stdout)).toEqual({
			supported: false,
			seen: [
				"a child",
				"a done undefined",
				"b child",
				"b done undefined",
				"unconfined",
			],
			refused:
				"asContextElement(storage, value): this runtime has no AsyncResource (node:async_hooks), so coroutines cannot carry an AsyncLocalStorage store here",
		});
		expect(r.status).toBe(0);
	});
});
