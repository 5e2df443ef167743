import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { delay, runCoroutine, withTimeout, withTimeoutOrNull } from "kocoro";
import { describe, expect, it } from "vitest";
import { nodeArgsOfSource } from "../../scripts/bundled.js";
import { defaultDelay } from "../../src/time/default-delay.js";

const root = fileURLToPath(new URL("../..", import.meta.url));

describe("the timer heap", () => {
	it("fires timers in deadline order, equal deadlines in order of scheduling", async () => {
		const log: string[] = [];
		await runCoroutine(function* () {
			for (const [name, ms] of [
				["c", 30],
				["a", 5],
				["b1", 15],
				["b2", 15],
			] as const) {
				this.launch(function* () {
					yield* delay(ms);
					log.push(name);
				});
			}
		});
		expect(log).toEqual(["a", "b1", "b2", "c"]);
	});

	it("removes the timer of a withTimeout whose block ended, and of a cancelled delay", async () => {
		await runCoroutine(function* () {
			for (let i = 0; i < 1000; i++) {
				yield* withTimeout(60_000, function* () {
					return i;
				});
			}
			const job = this.launch(function* () {
				yield* delay(60_000);
			});
			yield* delay(1);
			expect(defaultDelay.pendingTimers()).toBe(1);
			job.cancel();
			expect(defaultDelay.pendingTimers()).toBe(0);
			const r = yield* withTimeoutOrNull(60_000, function* () {
				yield* delay(1);
				return "done";
			});
			expect(r).toBe("done");
		});
		expect(defaultDelay.pendingTimers()).toBe(0);
	});

	it("leaves no handle behind: a script using timers exits by itself", () => {
		const script = `
			import { runCoroutine, delay, withTimeout } from "./src/index.ts";
			await runCoroutine(function* () {
				this.launch(function* () { yield* delay(20); });
				for (let i = 0; i < 100; i++) yield* withTimeout(30_000, function* () { yield* delay(1); });
			});
			console.log("finished");
		`;
		const r = spawnSync(process.execPath, nodeArgsOfSource(script), {
			cwd: root,
			encoding: "utf8",
			timeout: 20_000,
		});
		expect(r.stdout.trim()).toBe("finished");
		expect(r.status).toBe(0);
		expect(r.signal).toBeNull();
	});
});
