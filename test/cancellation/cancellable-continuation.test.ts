import {
	type CancellableContinuation,
	CancellationException,
	CompletionHandlerException,
	CoroutineExceptionHandler,
	CoroutineScope,
	IllegalStateException,
	SupervisorJob,
	suspendCancellableCoroutine,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

/** isActive, isCompleted, isCancelled of a continuation. */
function flags(c: CancellableContinuation<unknown>): boolean[] {
	return [c.isActive, c.isCompleted, c.isCancelled];
}

describe("CancellableContinuation (C4)", () => {
	it("is active until resumed; a resume delivers the value and the cancellation handler never runs", async () => {
		await t.runBlock(function* () {
			let saved: CancellableContinuation<string> | undefined;
			const job = this.launch(function* () {
				const v = yield* suspendCancellableCoroutine<string>((cont) => {
					saved = cont;
					t.expect(2);
					expect(flags(cont)).toEqual([true, false, false]);
					cont.invokeOnCancellation(() => t.expectUnreached());
				});
				t.expect(4);
				expect(v).toBe("value");
			});
			t.expect(1);
			yield* yieldNow();
			t.expect(3);
			saved?.resume("value");
			expect(flags(saved!)).toEqual([false, true, false]);
			yield* job.join();
			t.finish(5);
		});
	});

	it("cancelling the coroutine calls the handler once, at the cancel, with the cause; a later resume is ignored", async () => {
		await t.runBlock(function* () {
			let saved: CancellableContinuation<string> | undefined;
			const cause = new CancellationException("stop");
			const job = this.launch(function* () {
				try {
					yield* suspendCancellableCoroutine<string>((cont) => {
						saved = cont;
						cont.invokeOnCancellation((c) => {
							t.expect(2);
							expect(c).toBe(cause);
						});
					});
					t.expectUnreached();
				} catch (e) {
					t.expect(5);
					expect(e).toBe(cause);
				}
			});
			yield* yieldNow();
			t.expect(1);
			job.cancel(cause);
			t.expect(3);
			expect(flags(saved!)).toEqual([false, true, true]);
			expect(() => saved?.resume("late")).not.toThrow();
			t.expect(4);
			yield* job.join();
			t.finish(6);
		});
	});

	it("a handler registered after the cancellation runs at once; a second handler is an IllegalStateException", async () => {
		await t.runBlock(function* () {
			const job = this.launch(function* () {
				yield* suspendCancellableCoroutine<void>((cont) => {
					cont.invokeOnCancellation(() => {});
					expect(() => cont.invokeOnCancellation(() => {})).toThrow(
						IllegalStateException,
					);
					t.expect(1);
				});
			});
			yield* yieldNow();
			let late: CancellableContinuation<void> | undefined;
			const other = this.launch(function* () {
				yield* suspendCancellableCoroutine<void>((cont) => {
					late = cont;
				});
			});
			yield* yieldNow();
			job.cancel();
			other.cancel();
			t.expect(2);
			late?.invokeOnCancellation((cause) => {
				t.expect(3);
				expect(cause).toBeInstanceOf(CancellationException);
			});
			t.expect(4);
			yield* job.join();
			yield* other.join();
			t.finish(5);
		});
	});

	it("a throwing cancellation handler goes to the coroutine's CoroutineExceptionHandler as CompletionHandlerException; the coroutine still ends cancelled", async () => {
		const oops = new Error("oops");
		await t.runBlock(
			function* () {
				const scope = CoroutineScope(
					SupervisorJob().plus(
						CoroutineExceptionHandler((_, e) => {
							t.expect(2);
							expect(e).toBeInstanceOf(CompletionHandlerException);
							expect(e.cause).toBe(oops);
						}),
					),
				);
				const job = scope.launch(function* () {
					yield* suspendCancellableCoroutine<void>((cont) => {
						cont.invokeOnCancellation(() => {
							t.expect(1);
							throw oops;
						});
					});
				});
				yield* yieldNow();
				job.cancel();
				t.expect(3);
				yield* job.join();
				expect(job.isCancelled).toBe(true);
				t.finish(4);
			},
			{ realTime: true },
		);
	});
});
