/** The example of docs/shared-flow.md, run as written (the doc must contain it verbatim). */
import { readFileSync } from "node:fs";
import {
	delay,
	flow,
	MutableSharedFlow,
	MutableStateFlow,
	SharingStarted,
} from "kocoro";
import { runTest } from "kocoro/test";
import { expect, it } from "vitest";

// --- docs/shared-flow.md ---
it("shares one ticking upstream among its collectors", () =>
	runTest(function* () {
		const events = MutableSharedFlow<string>({ extraBufferCapacity: 64 }); // an event bus
		expect(events.tryEmit("no subscriber: dropped")).toBe(true);

		const counter = MutableStateFlow(0); // a state holder
		counter.update((n) => n + 1);
		expect(counter.value).toBe(1);

		const ticks = flow<number>(function* () {
			for (let i = 0; ; i++) {
				yield* this.emit(i);
				yield* delay(1_000);
			}
		});
		const latest = ticks.stateIn(
			this.backgroundScope,
			SharingStarted.WhileSubscribed(5_000),
			-1,
		);
		expect(latest.value).toBe(-1); // nobody collects yet: the upstream has not started
		expect(yield* latest.first((n) => n >= 2)).toBe(2);
		expect(this.testScheduler.currentTime).toBe(2_000);
	}));
// --- end ---

it("docs/shared-flow.md shows the example above verbatim", () => {
	const doc = readFileSync(
		new URL("../../docs/shared-flow.md", import.meta.url),
		"utf8",
	);
	const self = readFileSync(new URL(import.meta.url), "utf8");
	const example =
		/\/\/ --- docs\/shared-flow\.md ---\n([\s\S]*?)\/\/ --- end ---/.exec(
			self,
		)?.[1];
	expect(example).toBeDefined();
	expect(doc).toContain(example!.trim());
});
