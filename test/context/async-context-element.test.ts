/**
 * `asContextElement(storage, value)`, Kotlin's `ThreadLocal.asContextElement(value)`: a context
 * element that sets an AsyncLocalStorage store for a coroutine and its children, restored when a
 * `withContext` block ends.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import {
	asContextElement,
	CoroutineName,
	CoroutineScope,
	Dispatchers,
	delay,
	runCoroutine,
	withContext,
	yieldNow,
} from "kocoro";
import { runTest } from "kocoro/test";
import { beforeEach, describe, expect, it } from "vitest";
import { withHangGuard } from "../support/test-base.js";

const user = new AsyncLocalStorage<string>();
const trace = new AsyncLocalStorage<string>();
let log: string[] = [];

beforeEach(() => {
	log = [];
});

function see(label: string): void {
	log.push(`${label}: user=${user.getStore()} trace=${trace.getStore()}`);
}

describe("asContextElement(storage, value)", () => {
	it("withContext sets the store for the block, across suspensions, and restores it after", async () => {
		await user.run("outer", () =>
			runCoroutine(function* () {
				see("before");
				yield* withContext(asContextElement(user, "inner"), function* () {
					see("block");
					yield* delay(1);
					see("block after delay");
					yield* yieldNow();
					see("block after yieldNow");
				});
				see("after");
				yield* withContext(asContextElement(user, "sync"), function* () {
					see("block that does not suspend");
				});
				see("after again");
			}),
		);
		expect(log).toEqual([
			"before: user=outer trace=undefined",
			"block: user=inner trace=undefined",
			"block after delay: user=inner trace=undefined",
			"block after yieldNow: user=inner trace=undefined",
			"after: user=outer trace=undefined",
			"block that does not suspend: user=sync trace=undefined",
			"after again: user=outer trace=undefined",
		]);
	});

	it("children inherit it; a child given its own element sees that one, and so do its children", async () => {
		await runCoroutine(function* () {
			yield* withContext(asContextElement(user, "u1"), function* () {
				this.launch(function* () {
					yield* yieldNow();
					see("child");
				});
				this.launch(asContextElement(user, "u2"), function* () {
					yield* delay(1);
					see("child with u2");
					this.launch(function* () {
						yield* yieldNow();
						see("grandchild");
					});
				});
			});
			see("after");
		});
		expect(log).toEqual([
			"child: user=u1 trace=undefined",
			"child with u2: user=u2 trace=undefined",
			"grandchild: user=u2 trace=undefined",
			"after: user=undefined trace=undefined",
		]);
	});

	it("elements of two storages combine; a later element of the same storage replaces the earlier", async () => {
		await runCoroutine(function* () {
			const both = asContextElement(user, "u").plus(
				asContextElement(trace, "t"),
			);
			yield* withContext(both.plus(CoroutineName("named")), function* () {
				see("both");
				yield* withContext(asContextElement(user, "u-inner"), function* () {
					yield* yieldNow();
					see("inner");
				});
				see("back");
			});
			yield* withContext(
				asContextElement(user, "first").plus(asContextElement(user, "second")),
				function* () {
					see("replaced");
				},
			);
		});
		expect(log).toEqual([
			"both: user=u trace=t",
			"inner: user=u-inner trace=t",
			"back: user=u trace=t",
			"replaced: user=second trace=undefined",
		]);
	});

	it("without a value, it takes the store current where it is called", async () => {
		const element = user.run("captured", () => asContextElement(user));
		await runCoroutine(function* () {
			yield* withContext(element, function* () {
				yield* yieldNow();
				see("block");
			});
		});
		expect(log).toEqual(["block: user=captured trace=undefined"]);
	});

	it("on a root: runCoroutine(block, element) and a CoroutineScope made with it", async () => {
		await runCoroutine(
			function* () {
				yield* delay(1);
				see("runCoroutine");
			},
			asContextElement(user, "root"),
		);
		const scope = CoroutineScope(
			asContextElement(trace, "scope").plus(Dispatchers.Default),
		);
		await user.run("caller", () =>
			scope.promise(function* () {
				yield* yieldNow();
				see("scope.promise");
			}),
		);
		scope.cancel();
		expect(log).toEqual([
			"runCoroutine: user=root trace=undefined",
			"scope.promise: user=caller trace=scope",
		]);
	});

	it("interleaved requests each set their own value; their completion handlers see it too", async () => {
		await withHangGuard(
			Promise.all(
				["a", "b"].map((id) =>
					runCoroutine(function* () {
						const job = this.launch(asContextElement(user, id), function* () {
							see(`${id} 1`);
							yield* yieldNow();
							see(`${id} 2`);
						});
						job.invokeOnCompletion(() => see(`${id} done`));
					}),
				),
			),
			"requests",
		);
		expect(log).toEqual([
			"a 1: user=a trace=undefined",
			"b 1: user=b trace=undefined",
			"a 2: user=a trace=undefined",
			"a done: user=a trace=undefined",
			"b 2: user=b trace=undefined",
			"b done: user=b trace=undefined",
		]);
	});

	it("under runTest (virtual time): two children with their own values interleave across delays", async () => {
		await runTest(function* () {
			for (const id of ["a", "b"]) {
				this.launch(asContextElement(user, id), function* () {
					for (let i = 1; i <= 2; i++) {
						yield* delay(id === "a" ? 100 : 150);
						see(`${id} ${i}`);
					}
				});
			}
		});
		expect(log).toEqual([
			"a 1: user=a trace=undefined",
			"b 1: user=b trace=undefined",
			"a 2: user=a trace=undefined",
			"b 2: user=b trace=undefined",
		]);
	});

	it("bad input: a storage that is not an AsyncLocalStorage is refused with the call's name", () => {
		expect(() => asContextElement(null as never, 1)).toThrow(
			/asContextElement\(storage, value\): storage must be an AsyncLocalStorage \(from node:async_hooks\), got null/,
		);
		expect(() => asContextElement({} as never, 1)).toThrow(
			/storage must be an AsyncLocalStorage/,
		);
		expect(String(asContextElement(user, "x"))).toBe(
			"AsyncLocalStorage(value=x)",
		);
	});
});
