/**
 * The kotlinx.coroutines guide, "Coroutines basics" (docs/topics/coroutines-basics.md; expected
 * outputs from kotlinx-coroutines-core/jvm/test/guide/test/BasicsGuideTest.kt), ported to kocoro.
 * `runBlocking` is `runCoroutine`; `println` appends to `out.lines`. Times are divided by 10;
 * their order is kept.
 *
 * The examples run in virtual time (`runInVirtualTime`: `runCoroutine` on kocoro/test's scheduler),
 * so their outputs never depend on the machine's load; those whose subject is a real dispatcher
 * (`Dispatchers.Default`, `Unconfined`, `GlobalScope`) or a busy loop run on `runCoroutine`.
 */
import {
	coroutineScope,
	delay,
	GlobalScope,
	runCoroutine,
	type Suspend,
} from "kocoro";
import { describe, expect, it } from "vitest";
import {
	Output,
	runInVirtualTime,
	useTestBase,
	withHangGuard,
} from "../support/test-base.js";

useTestBase();

describe("guide: coroutines basics", () => {
	it("basic-01: launch prints after the parent (L1)", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				this.launch(function* () {
					yield* delay(100);
					out.println("World!");
				});
				out.println("Hello,");
			}),
			"basic-01",
		);
		expect(out.lines).toEqual(["Hello,", "World!"]);
	});

	it("basic-02: a suspend function extracted from the coroutine", async () => {
		const out = new Output();
		function* doWorld(): Suspend<void> {
			yield* delay(100);
			out.println("World!");
		}
		await withHangGuard(
			runInVirtualTime(function* () {
				this.launch(function* () {
					yield* doWorld();
				});
				out.println("Hello,");
			}),
			"basic-02",
		);
		expect(out.lines).toEqual(["Hello,", "World!"]);
	});

	it("basic-03: coroutineScope returns after its children (P2)", async () => {
		const out = new Output();
		function* doWorld(): Suspend<void> {
			yield* coroutineScope(function* () {
				this.launch(function* () {
					yield* delay(100);
					out.println("World!");
				});
				out.println("Hello,");
			});
		}
		await withHangGuard(
			runInVirtualTime(function* () {
				yield* doWorld();
			}),
			"basic-03",
		);
		expect(out.lines).toEqual(["Hello,", "World!"]);
	});

	it("basic-04: scope builder and concurrency", async () => {
		const out = new Output();
		function* doWorld(): Suspend<void> {
			yield* coroutineScope(function* () {
				this.launch(function* () {
					yield* delay(200);
					out.println("World 2");
				});
				this.launch(function* () {
					yield* delay(100);
					out.println("World 1");
				});
				out.println("Hello");
			});
		}
		await withHangGuard(
			runInVirtualTime(function* () {
				yield* doWorld();
				out.println("Done");
			}),
			"basic-04",
		);
		expect(out.lines).toEqual(["Hello", "World 1", "World 2", "Done"]);
	});

	it("basic-05: an explicit job", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				const job = this.launch(function* () {
					yield* delay(100);
					out.println("World!");
				});
				out.println("Hello");
				yield* job.join();
				out.println("Done");
			}),
			"basic-05",
		);
		expect(out.lines).toEqual(["Hello", "World!", "Done"]);
	});

	it("basic-06: coroutines are light-weight (50,000 of them)", async () => {
		let dots = "";
		await withHangGuard(
			runInVirtualTime(function* () {
				for (let i = 0; i < 50_000; i++) {
					this.launch(function* () {
						yield* delay(50);
						dots += ".";
					});
				}
			}),
			"basic-06",
			20_000,
		);
		expect(dots).toBe(".".repeat(50_000));
	});

	it("classic basic-06: a nested scope completes after its nested launch", async () => {
		const out = new Output();
		await withHangGuard(
			runInVirtualTime(function* () {
				this.launch(function* () {
					yield* delay(20);
					out.println("Task from runBlocking");
				});
				yield* coroutineScope(function* () {
					this.launch(function* () {
						yield* delay(50);
						out.println("Task from nested launch");
					});
					yield* delay(10);
					out.println("Task from coroutine scope");
				});
				out.println("Coroutine scope is over");
			}),
			"classic basic-06",
		);
		expect(out.lines).toEqual([
			"Task from coroutine scope",
			"Task from runBlocking",
			"Task from nested launch",
			"Coroutine scope is over",
		]);
	});

	it("classic basic-09: GlobalScope coroutines are like daemon threads", async () => {
		const out = new Output();
		const job = GlobalScope.launch(function* () {
			for (let i = 0; i < 1000; i++) {
				out.println(`I'm sleeping ${i} ...`);
				yield* delay(100);
			}
		});
		await withHangGuard(
			runCoroutine(function* () {
				yield* delay(260); // just quit after delay
			}),
			"classic basic-09",
		);
		job.cancel(); // the guide's process exits here; the test stops it instead
		expect(out.lines).toEqual([
			"I'm sleeping 0 ...",
			"I'm sleeping 1 ...",
			"I'm sleeping 2 ...",
		]);
	});
});
