import { asDeferred, CancellationException, runCoroutine } from "kocoro";
import { describe, expect, it } from "vitest";

describe("asDeferred", () => {
	it("completes with the promise's value; await and getCompleted see it", async () => {
		const d = asDeferred(Promise.resolve(7));
		expect(d.isCompleted).toBe(false);
		expect(d.parent).toBeNull();
		const v = await runCoroutine(function* () {
			return yield* d.await();
		});
		expect(v).toBe(7);
		expect(d.isCompleted).toBe(true);
		expect(d.getCompleted()).toBe(7);
	});

	it("fails with the rejection's Error (identity kept)", async () => {
		const boom = new Error("boom");
		const d = asDeferred(Promise.reject(boom));
		const caught = await runCoroutine(function* () {
			try {
				yield* d.await();
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(caught).toBe(boom);
		expect(d.isCancelled).toBe(true);
		expect(d.getCompletionExceptionOrNull()).toBe(boom);
	});

	it("wraps a non-Error rejection in an Error whose cause is the reason", async () => {
		const d = asDeferred(Promise.reject(404));
		const caught = await runCoroutine(function* () {
			try {
				yield* d.await();
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(String(caught)).toBe(
			"Error: Promise rejected with a non-Error reason: number 404",
		);
		expect((caught as Error).cause).toBe(404);
	});

	it("cancelling it completes it at once; the promise's later outcome is ignored", async () => {
		let resolve!: (v: number) => void;
		const d = asDeferred(
			new Promise<number>((r) => {
				resolve = r;
			}),
		);
		d.cancel();
		expect(d.isCompleted).toBe(true);
		expect(d.isCancelled).toBe(true);
		resolve(1);
		// The promise's reactions run in the microtasks before the next turn.
		await new Promise((r) => setImmediate(r));
		expect(d.getCompletionExceptionOrNull()).toBeInstanceOf(
			CancellationException,
		);
	});

	it("round-trips with asPromise", async () => {
		await expect(asDeferred(Promise.resolve("x")).asPromise()).resolves.toBe(
			"x",
		);
	});

	it("rejects a non-promise with a TypeError", () => {
		expect(() => asDeferred(3 as never)).toThrow(
			"asDeferred(promise): expected a Promise or a thenable, got number",
		);
	});
});
