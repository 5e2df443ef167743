import { describe, expect, it } from "vitest";
import { formatFailure } from "../../src/main/format-failure.js";

describe("formatFailure (K6)", () => {
	it("names the coroutine by the CoroutineName it is given, quoted as JSON, whatever the name holds", () => {
		const e = new Error("boom");
		e.stack = "Error: boom\n    at f (app.ts:1:1)";
		expect(formatFailure(e, 'odd":Name{Active}@1')).toBe(
			'Exception in coroutine "odd\\":Name{Active}@1": Error: boom\n    at f (app.ts:1:1)\n',
		);
	});

	it("says main coroutine when there is no name", () => {
		const e = new Error("boom");
		e.stack = "Error: boom";
		expect(formatFailure(e, null)).toBe(
			"Exception in main coroutine: Error: boom\n",
		);
	});
});
