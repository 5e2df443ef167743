import {
	AbstractCoroutineContextElement,
	CoroutineContextKey,
	CoroutineDispatcher,
	CoroutineExceptionHandler,
	CoroutineName,
	CoroutineScope,
	CoroutineStart,
	coroutineScope,
	currentCoroutineContext,
	Dispatchers,
	EmptyCoroutineContext,
	Job,
	SupervisorJob,
	supervisorScope,
	withContext,
	withTimeout,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

class RequestId extends AbstractCoroutineContextElement {
	static readonly Key = new CoroutineContextKey<RequestId>("RequestId");
	constructor(readonly id: string) {
		super(RequestId.Key);
	}
}

describe("CoroutineContext", () => {
	it("an element is a context holding only itself; get() finds it by key", () => {
		const name = CoroutineName("a");
		expect(name.get(CoroutineName.Key)).toBe(name);
		expect(name.get(Job.Key)).toBeUndefined();
		expect(name.key).toBe(CoroutineName.Key);
		expect(name.name).toBe("a");
		expect(EmptyCoroutineContext.get(CoroutineName.Key)).toBeUndefined();
	});

	it("plus(): right-hand elements replace same-key ones, others are kept", () => {
		const job = Job();
		const ctx = CoroutineName("left")
			.plus(job)
			.plus(new RequestId("r1"))
			.plus(CoroutineName("right"));
		expect(ctx.get(CoroutineName.Key)?.name).toBe("right");
		expect(ctx.get(Job.Key)).toBe(job);
		expect(ctx.get(RequestId.Key)?.id).toBe("r1");
		expect(EmptyCoroutineContext.plus(ctx)).toBe(ctx);
		expect(ctx.plus(EmptyCoroutineContext)).toBe(ctx);
		const dispatcherFirst = Dispatchers.Default.plus(CoroutineName("n"));
		expect(dispatcherFirst.get(CoroutineDispatcher.Key)).toBe(
			Dispatchers.Default,
		);
	});

	it("minusKey() removes one element", () => {
		const ctx = CoroutineName("n").plus(new RequestId("r"));
		const without = ctx.minusKey(CoroutineName.Key);
		expect(without.get(CoroutineName.Key)).toBeUndefined();
		expect(without.get(RequestId.Key)?.id).toBe("r");
		expect(
			CoroutineName("x").minusKey(CoroutineName.Key).get(CoroutineName.Key),
		).toBeUndefined();
		expect(ctx.minusKey(Job.Key).get(CoroutineName.Key)?.name).toBe("n");
	});

	it("every built-in element type has a static Key named like Kotlin's companion", () => {
		expect(Job.Key).toBeInstanceOf(CoroutineContextKey);
		expect(CoroutineName.Key).toBeInstanceOf(CoroutineContextKey);
		expect(CoroutineDispatcher.Key).toBeInstanceOf(CoroutineContextKey);
		expect(CoroutineExceptionHandler.Key).toBeInstanceOf(CoroutineContextKey);
		const h = CoroutineExceptionHandler(() => {});
		expect(h.get(CoroutineExceptionHandler.Key)).toBe(h);
		expect(Dispatchers.Default.key).toBe(CoroutineDispatcher.Key);
		expect(Job().key).toBe(Job.Key);
	});
});

describe("context inside coroutines", () => {
	it("Kotlin's coroutineContext[Job] is currentCoroutineContext().get(Job.Key): the coroutine's own job", async () => {
		await t.runBlock(function* () {
			const child = this.launch(function* () {
				expect(currentCoroutineContext().get(Job.Key)).toBe(child);
			});
			yield* child.join();
		});
	});

	it("children inherit the parent's elements (user elements too) and may override them", async () => {
		await t.runBlock(
			function* () {
				const handler = CoroutineExceptionHandler(() => {});
				yield* this.launch(handler, function* () {
					const ctx = currentCoroutineContext();
					expect(ctx.get(RequestId.Key)?.id).toBe("req-1");
					expect(ctx.get(CoroutineName.Key)?.name).toBe("root");
					expect(ctx.get(CoroutineExceptionHandler.Key)).toBe(handler);
					yield* this.launch(CoroutineName("child"), function* () {
						const inner = currentCoroutineContext();
						expect(inner.get(CoroutineName.Key)?.name).toBe("child");
						expect(inner.get(RequestId.Key)?.id).toBe("req-1");
						expect(inner.get(CoroutineExceptionHandler.Key)).toBe(handler);
					}).join();
				}).join();
			},
			{ context: new RequestId("req-1").plus(CoroutineName("root")) },
		);
	});

	it("a user element reaches every descendant: launch, async, UNDISPATCHED, coroutineScope, supervisorScope, withTimeout, withContext and a CoroutineScope built from the context", async () => {
		await t.runBlock(
			function* () {
				const idHere = () => currentCoroutineContext().get(RequestId.Key)?.id;
				const seen: string[] = [];
				yield* this.launch(function* () {
					seen.push(`launch:${idHere()}`);
					const d = this.async(function* () {
						yield* yieldNow();
						return `async:${idHere()}`;
					});
					seen.push(yield* d.await());
				}).join();
				yield* this.launch(
					EmptyCoroutineContext,
					CoroutineStart.UNDISPATCHED,
					function* () {
						seen.push(`undispatched:${idHere()}`);
					},
				).join();
				yield* coroutineScope(function* () {
					seen.push(`coroutineScope:${idHere()}`);
					yield* supervisorScope(function* () {
						seen.push(`supervisorScope:${idHere()}`);
						yield* withTimeout(1_000, function* () {
							yield* yieldNow();
							seen.push(`withTimeout:${idHere()}`);
							yield* withContext(CoroutineName("other"), function* () {
								seen.push(`withContext:${idHere()}`);
							});
						});
					});
				});
				const scope = CoroutineScope(
					currentCoroutineContext().minusKey(Job.Key).plus(SupervisorJob()),
				);
				yield* scope
					.launch(function* () {
						seen.push(`scope:${idHere()}`);
					})
					.join();
				expect(seen).toEqual([
					"launch:req-9",
					"async:req-9",
					"undispatched:req-9",
					"coroutineScope:req-9",
					"supervisorScope:req-9",
					"withTimeout:req-9",
					"withContext:req-9",
					"scope:req-9",
				]);
				scope.cancel();
			},
			{ context: new RequestId("req-9") },
		);
	});

	it("withContext adds elements for the block only", async () => {
		await t.runBlock(function* () {
			expect(currentCoroutineContext().get(RequestId.Key)).toBeUndefined();
			const seen = yield* withContext(new RequestId("r2"), function* () {
				yield* yieldNow();
				return currentCoroutineContext().get(RequestId.Key)?.id;
			});
			expect(seen).toBe("r2");
			expect(currentCoroutineContext().get(RequestId.Key)).toBeUndefined();
		});
	});

	it("the scope's coroutineContext and currentCoroutineContext() agree", async () => {
		await t.runBlock(
			function* () {
				const ctx = currentCoroutineContext();
				expect(this.coroutineContext.get(Job.Key)).toBe(ctx.get(Job.Key));
				expect(this.coroutineContext.get(CoroutineName.Key)).toBe(
					ctx.get(CoroutineName.Key),
				);
				expect(ctx.get(CoroutineDispatcher.Key)).toBe(Dispatchers.Default);
			},
			{ realTime: true, context: CoroutineName("agree") },
		);
	});
});
