/**
 * "A collector cancelled while suspended in collect leaves no subscriber behind": after 10,000
 * collectors came and went, the subscription count is back to 0, their jobs can be collected,
 * and the heap holds no slot of theirs. The heap is measured in a child process with
 * `--expose-gc` (fixtures/slot-release.ts), net of what the same number of plain coroutines
 * leaves in the runtime's queues. A retained slot with its wait costs about 100 bytes per
 * collector (1 MB here); the bound is 60 bytes per collector.
 */
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { nodeArgs, runNode } from "../../scripts/bundled.js";

const fixture = fileURLToPath(
	new URL("./fixtures/slot-release.ts", import.meta.url),
);

async function runFixture(mode: string): Promise<{
	count: number;
	jobCollected: boolean;
	growth: number;
}> {
	const r = await runNode(["--expose-gc", ...nodeArgs(fixture, mode)], 60_000);
	if (r.code !== 0) throw new Error(`fixture exited ${r.code}: ${r.stderr}`);
	return JSON.parse(r.stdout.trim());
}

for (const mode of ["shared", "state"]) {
	it(`${mode} flow: 10,000 collectors cancelled in collect leave no subscriber and no slot`, async () => {
		const r = await runFixture(mode);
		expect(r.count).toBe(0);
		expect(r.jobCollected).toBe(true);
		expect(r.growth).toBeLessThan(10_000 * 60);
	}, 90_000);
}
