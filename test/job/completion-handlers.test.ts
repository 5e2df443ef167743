import {
	awaitCancellation,
	CancellationException,
	CompletableDeferred,
	CompletionHandlerException,
	CoroutineExceptionHandler,
	CoroutineScope,
	Job,
	JobCancellationException,
	SupervisorJob,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { suppressedOf } from "../support/exceptions.js";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

describe("invokeOnCompletion (H1)", () => {
	it("is called once, synchronously, with null on normal completion; handlers run in registration order", () => {
		const job = Job();
		const log: string[] = [];
		job.invokeOnCompletion((c) => log.push(`a:${c}`));
		job.invokeOnCompletion((c) => log.push(`b:${c}`));
		log.push("before");
		job.complete();
		log.push("after");
		job.cancel();
		expect(log).toEqual(["before", "a:null", "b:null", "after"]);
	});

	it("gets the CancellationException of a cancelled job and the failure of a failed one", () => {
		const cancelled = Job();
		const ce = new CancellationException("stop");
		const causes: (Error | null)[] = [];
		cancelled.invokeOnCompletion((c) => causes.push(c));
		cancelled.cancel(ce);
		const failed = CompletableDeferred<number>();
		const boom = new Error("boom");
		failed.invokeOnCompletion((c) => causes.push(c));
		failed.completeExceptionally(boom);
		t.expectSame(causes, [ce, boom]);
		const defaulted = Job();
		defaulted.invokeOnCompletion((c) => causes.push(c));
		defaulted.cancel();
		expect(causes[2]).toBeInstanceOf(JobCancellationException);
		expect(String(causes[2])).toBe(
			"JobCancellationException: Job was cancelled",
		);
	});

	it("on a job that is already complete runs at once in the caller and returns a handle that does nothing", () => {
		const job = Job();
		job.complete();
		const log: string[] = [];
		const handle = job.invokeOnCompletion((c) => log.push(`ran:${c}`));
		log.push("returned");
		handle.dispose();
		handle[Symbol.dispose]();
		expect(log).toEqual(["ran:null", "returned"]);
	});

	it("dispose() unregisters the handler", () => {
		const job = Job();
		const log: string[] = [];
		const first = job.invokeOnCompletion(() => log.push("first"));
		job.invokeOnCompletion(() => log.push("second"));
		{
			using _third = job.invokeOnCompletion(() => log.push("third"));
		}
		first.dispose();
		first.dispose();
		job.complete();
		expect(log).toEqual(["second"]);
	});

	it("runs after the job has detached from its parent", async () => {
		await t.runBlock(function* () {
			const parent = Job();
			const child = Job(parent);
			const seen: unknown[] = [];
			child.invokeOnCompletion(() => {
				seen.push(child.parent, [...parent.children].includes(child));
			});
			child.complete();
			t.expectSame(seen, [null, false]);
			const coroutineChild = CoroutineScope(parent).launch(function* () {
				yield* yieldNow();
			});
			coroutineChild.invokeOnCompletion(() => {
				seen.push(
					coroutineChild.parent,
					[...parent.children].includes(coroutineChild),
				);
			});
			yield* coroutineChild.join();
			t.expectSame(seen, [null, false, null, false]);
		});
	});

	it("runs after the job was detached also when a parent's cancellation completes it", () => {
		const parent = Job();
		const child = Job(parent);
		const seen: unknown[] = [];
		child.invokeOnCompletion(() => {
			seen.push(child.parent, [...parent.children].includes(child));
		});
		parent.cancel();
		t.expectSame(seen, [null, false]);
	});

	it("runs after the failing coroutine's exception was handled (E4)", async () => {
		const log: string[] = [];
		await t.runBlock(function* () {
			const scope = CoroutineScope(
				SupervisorJob().plus(
					CoroutineExceptionHandler(() => log.push("exception handler")),
				),
			);
			const job = scope.launch(function* () {
				yield* yieldNow();
				throw new Error("boom");
			});
			job.invokeOnCompletion(() => log.push("completion handler"));
			yield* job.join();
		});
		expect(log).toEqual(["exception handler", "completion handler"]);
	});
});

describe("onCancelling handlers (H2)", () => {
	it("run as soon as the job becomes Cancelling, with the root cause, and only once", async () => {
		await t.runBlock(function* () {
			const log: string[] = [];
			const ce = new CancellationException("stop");
			const job = this.launch(function* () {
				try {
					yield* awaitCancellation();
				} finally {
					log.push("finally");
				}
			});
			job.invokeOnCompletion(
				(c) => log.push(`cancelling:${c === ce}:${job.isCompleted}`),
				{ onCancelling: true },
			);
			job.invokeOnCompletion((c) => log.push(`completed:${c === ce}`));
			yield* yieldNow();
			job.cancel(ce);
			log.push("cancel returned");
			yield* job.join();
			expect(log).toEqual([
				"cancelling:true:false",
				"cancel returned",
				"finally",
				"completed:true",
			]);
		});
	});

	it("run at completion when the job was never cancelled", () => {
		const job = Job();
		const causes: (Error | null)[] = [];
		job.invokeOnCompletion((c) => causes.push(c), { onCancelling: true });
		job.complete();
		expect(causes).toEqual([null]);
	});

	it("registered on a job that is already cancelling, run at once", async () => {
		await t.runBlock(function* () {
			const ce = new CancellationException("stop");
			const job = this.launch(function* () {
				yield* awaitCancellation();
			});
			yield* yieldNow();
			job.cancel(ce); // Cancelling until its body has run again
			const causes: (Error | null)[] = [];
			job.invokeOnCompletion((c) => causes.push(c), { onCancelling: true });
			t.expectSame(causes, [ce]);
			expect(job.isCompleted).toBe(false);
			yield* job.join();
			t.expectSame(causes, [ce]);
		});
	});
});

describe("notification order (H3)", () => {
	it("a failing child notifies its own onCancelling handlers, then its parent's; completion handlers run last", () => {
		const parent = Job();
		const child = Job(parent);
		const log: string[] = [];
		child.invokeOnCompletion(() => log.push("child cancelling"), {
			onCancelling: true,
		});
		parent.invokeOnCompletion(() => log.push("parent cancelling"), {
			onCancelling: true,
		});
		child.invokeOnCompletion(() => log.push("child completed"));
		parent.invokeOnCompletion(() => log.push("parent completed"));
		child.completeExceptionally(new Error("boom"));
		expect(log).toEqual([
			"child cancelling",
			"parent cancelling",
			"child completed",
			"parent completed",
		]);
	});

	it("coroutines waiting in join are notified like plain completion handlers, in registration order", async () => {
		await t.runBlock(function* () {
			const job = Job();
			job.invokeOnCompletion(() => t.expect(3));
			this.launch(function* () {
				t.expect(1);
				yield* job.join();
				t.expect(5);
			});
			yield* yieldNow();
			job.invokeOnCompletion(() => t.expect(4));
			t.expect(2);
			job.complete();
			yield* yieldNow();
			t.finish(6);
		});
	});
});

describe("a completion handler that throws (E9)", () => {
	it("is wrapped in CompletionHandlerException and rethrown to whoever completed a plain Job(); the other handlers still run", () => {
		const job = Job();
		const first = new Error("first");
		const second = new Error("second");
		const log: string[] = [];
		job.invokeOnCompletion(() => {
			log.push("1");
			throw first;
		});
		job.invokeOnCompletion(() => log.push("2"));
		job.invokeOnCompletion(() => {
			log.push("3");
			throw second;
		});
		job.invokeOnCompletion(() => log.push("4"));
		let thrown: unknown;
		try {
			job.complete();
		} catch (e) {
			thrown = e;
		}
		expect(log).toEqual(["1", "2", "3", "4"]);
		expect(job.isCompleted).toBe(true);
		expect(thrown).toBeInstanceOf(CompletionHandlerException);
		expect((thrown as Error).name).toBe("CompletionHandlerException");
		expect((thrown as Error).cause).toBe(first);
		const suppressed = suppressedOf(thrown);
		expect(suppressed).toHaveLength(1);
		expect(suppressed[0]).toBeInstanceOf(CompletionHandlerException);
		expect(suppressed[0]?.cause).toBe(second);
	});

	it("of a CompletableDeferred is rethrown to the code that completed it", () => {
		const d = CompletableDeferred<number>();
		const oops = new Error("oops");
		d.invokeOnCompletion(() => {
			throw oops;
		});
		expect(() => d.complete(1)).toThrow(CompletionHandlerException);
		expect(d.getCompleted()).toBe(1);
	});

	it("of a coroutine goes to its CoroutineExceptionHandler, and the other handlers still run", async () => {
		const oops = new Error("oops");
		const handled: Error[] = [];
		const log: string[] = [];
		await t.runBlock(function* () {
			const scope = CoroutineScope(
				SupervisorJob().plus(
					CoroutineExceptionHandler((_, e) => handled.push(e)),
				),
			);
			const job = scope.launch(function* () {
				yield* yieldNow();
			});
			job.invokeOnCompletion(() => {
				throw oops;
			});
			job.invokeOnCompletion(() => log.push("next handler"));
			yield* job.join();
		});
		expect(log).toEqual(["next handler"]);
		expect(handled).toHaveLength(1);
		expect(handled[0]).toBeInstanceOf(CompletionHandlerException);
		expect(handled[0]?.cause).toBe(oops);
	});

	it("an onCancelling handler that throws: the coroutine's handler gets it wrapped, the other handlers and the cancellation go on", async () => {
		const oops = new Error("oops");
		await t.runBlock(
			function* () {
				const scope = CoroutineScope(
					SupervisorJob().plus(
						CoroutineExceptionHandler((_, e) => {
							t.expect(5); // after every onCancelling handler ran, as Kotlin's notifyHandlers
							expect(e).toBeInstanceOf(CompletionHandlerException);
							expect(e.cause).toBe(oops);
						}),
					),
				);
				const job = scope.launch(function* () {
					try {
						t.expect(1);
						yield* awaitCancellation();
					} finally {
						t.expect(6);
					}
				});
				job.invokeOnCompletion(
					() => {
						t.expect(3);
						throw oops;
					},
					{ onCancelling: true },
				);
				job.invokeOnCompletion(() => t.expect(4), { onCancelling: true });
				job.invokeOnCompletion((cause) => {
					t.expect(7);
					expect(cause).toBeInstanceOf(JobCancellationException);
				});
				yield* yieldNow();
				t.expect(2);
				job.cancel();
				yield* job.join();
				expect(job.isCancelled).toBe(true);
				t.finish(8);
			},
			{ realTime: true },
		);
	});

	it("without any CoroutineExceptionHandler reaches the global handler", async () => {
		const oops = new Error("oops");
		await t.runBlock(
			function* () {
				const job = this.launch(function* () {});
				job.invokeOnCompletion(() => {
					throw oops;
				});
				yield* job.join();
			},
			{
				unhandled: [
					(e) => e instanceof CompletionHandlerException && e.cause === oops,
				],
			},
		);
	});
});
