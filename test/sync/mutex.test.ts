import {
	awaitPromise,
	CancellationException,
	CoroutineName,
	Dispatchers,
	delay,
	IllegalStateException,
	type Job,
	Mutex,
	type Suspend,
	withContext,
	withTimeoutOrNull,
	yieldNow,
} from "kocoro";
import { DebugProbes } from "kocoro/debug";
import { checkCancellationPoints, runTest } from "kocoro/test";
import { afterEach, describe, expect, it } from "vitest";
import { useTestBase } from "../support/test-base.js";

const t = useTestBase();

afterEach(() => {
	while (DebugProbes.isInstalled) DebugProbes.uninstall();
});

describe("Mutex: FIFO hand-off (kotlinx sync/Mutex.kt)", () => {
	it("A holds it, B then C wait: unlocks give it to B, then C; a tryLock before B runs fails (check 11)", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			expect(mutex.tryLock("A")).toBe(true);
			t.expect(1);
			this.launch(function* () {
				t.expect(3);
				yield* mutex.lock("B");
				t.expect(6);
				expect(mutex.holdsLock("B")).toBe(true);
				mutex.unlock("B");
				// Handed to C at once: still locked, C holds it before it runs.
				expect(mutex.isLocked).toBe(true);
				expect(mutex.holdsLock("C")).toBe(true);
				expect(mutex.tryLock()).toBe(false);
			});
			this.launch(function* () {
				t.expect(4);
				yield* mutex.lock("C");
				t.expect(7);
				mutex.unlock("C");
				expect(mutex.isLocked).toBe(false);
			});
			t.expect(2);
			yield* yieldNow();
			t.expect(5);
			mutex.unlock("A");
			// The lock went straight to B: no barging.
			expect(mutex.isLocked).toBe(true);
			expect(mutex.holdsLock("B")).toBe(true);
			expect(mutex.holdsLock("A")).toBe(false);
			expect(mutex.tryLock()).toBe(false);
			expect(mutex.tryLock("D")).toBe(false);
		});
		t.finish(8);
	});

	it("waiters get the lock in the order they suspended, over many rounds", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			const order: number[] = [];
			for (let i = 0; i < 5; i++) {
				this.launch(function* () {
					for (let round = 0; round < 3; round++) {
						yield* mutex.withLock(function* () {
							order.push(i);
							yield* delay(10);
						});
					}
				});
			}
			yield* delay(1_000);
			expect(order).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
			expect(this.testScheduler.currentTime).toBe(1_000);
		});
	});

	it("a waiter cancelled while waiting leaves the queue: C gets the lock (check 12)", async () => {
		await runTest(function* () {
			const mutex = Mutex(true);
			t.expect(1);
			const b = this.launch(function* () {
				try {
					yield* mutex.lock("B");
					t.expectUnreached();
				} catch (e) {
					t.expect(4);
					expect(e).toBeInstanceOf(CancellationException);
				}
			});
			this.launch(function* () {
				yield* mutex.lock("C");
				t.expect(5);
				mutex.unlock("C");
			});
			yield* yieldNow();
			t.expect(2);
			b.cancel();
			t.expect(3);
			mutex.unlock();
			expect(mutex.holdsLock("C")).toBe(true);
			yield* yieldNow();
			expect(mutex.isLocked).toBe(false);
		});
		t.finish(6);
	});

	it("a waiter handed the lock but cancelled before it runs passes it on: C gets it (check 12)", async () => {
		await runTest(function* () {
			const mutex = Mutex(true);
			t.expect(1);
			const b = this.launch(function* () {
				try {
					yield* mutex.lock("B");
					t.expectUnreached();
				} finally {
					t.expect(5);
					expect(mutex.holdsLock("B")).toBe(false);
				}
			});
			this.launch(function* () {
				yield* mutex.lock("C");
				// The lock was passed on at the cancel, so C resumes before B's `finally`.
				t.expect(4);
				mutex.unlock("C");
			});
			yield* yieldNow();
			mutex.unlock();
			expect(mutex.holdsLock("B")).toBe(true);
			t.expect(2);
			b.cancel(); // before B runs
			t.expect(3);
			expect(mutex.holdsLock("C")).toBe(true);
			yield* yieldNow();
			expect(mutex.isLocked).toBe(false);
		});
		t.finish(6);
	});

	it("a waiter handed the lock and cancelled before it runs, with no one behind it, unlocks the mutex", async () => {
		await runTest(function* () {
			const mutex = Mutex(true);
			const b = this.launch(function* () {
				yield* mutex.lock();
			});
			yield* yieldNow();
			mutex.unlock();
			expect(mutex.isLocked).toBe(true);
			b.cancel();
			expect(mutex.isLocked).toBe(false);
			yield* b.join();
			expect(b.isCancelled).toBe(true);
		});
	});

	it("checks cancellation only when suspending: a cancelled coroutine locks a free mutex, and fails at once on a locked one without queueing", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			const job = this.launch(function* () {
				t.expect(2);
				this.cancel();
				yield* mutex.lock();
				t.expect(3);
				expect(mutex.isLocked).toBe(true);
				try {
					yield* Mutex(true).lock();
					t.expectUnreached();
				} catch (e) {
					t.expect(4);
					expect(e).toBeInstanceOf(CancellationException);
				}
				mutex.unlock();
			});
			t.expect(1);
			yield* job.join();
			expect(mutex.isLocked).toBe(false);
		});
		t.finish(5);
	});

	it("works with coroutines on Dispatchers.Unconfined: the hand-off runs the waiter in place", async () => {
		await runTest(function* () {
			const mutex = Mutex(true);
			const log: string[] = [];
			this.launch(Dispatchers.Unconfined, function* () {
				yield* mutex.lock();
				log.push("got it");
				mutex.unlock();
			});
			log.push("unlocking");
			mutex.unlock();
			log.push("unlocked");
			expect(log).toEqual(["unlocking", "got it", "unlocked"]);
			expect(mutex.isLocked).toBe(false);
		});
	});
});

describe("Mutex: owners and errors", () => {
	it("is not reentrant: lock() from the holder suspends (it waits for itself)", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			yield* mutex.lock();
			const got = yield* withTimeoutOrNull(100, function* () {
				yield* mutex.lock();
				return "reentered";
			});
			expect(got).toBe(null);
			expect(mutex.isLocked).toBe(true);
			mutex.unlock();
			expect(mutex.isLocked).toBe(false);
		});
	});

	it("lock/tryLock with the owner that holds it throws: This mutex is already locked by the specified owner", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			const owner = { toString: () => "me" };
			yield* mutex.lock(owner);
			expect(() => mutex.tryLock(owner)).toThrow(IllegalStateException);
			expect(() => mutex.tryLock(owner)).toThrow(
				"This mutex is already locked by the specified owner: me",
			);
			let failure: unknown = null;
			try {
				yield* mutex.lock(owner);
			} catch (e) {
				failure = e;
			}
			expect(String(failure)).toBe(
				"IllegalStateException: This mutex is already locked by the specified owner: me",
			);
			expect(mutex.holdsLock(owner)).toBe(true);
			mutex.unlock(owner);
		});
	});

	it("unlock of an unlocked mutex throws: This mutex is not locked", () => {
		const mutex = Mutex();
		expect(() => mutex.unlock()).toThrow(IllegalStateException);
		expect(() => mutex.unlock()).toThrow("This mutex is not locked");
		expect(() => mutex.unlock("x")).toThrow("This mutex is not locked");
	});

	it("unlock with another owner throws: This mutex is locked by <a>, but <b> is expected; unlock() without owner unlocks any", () => {
		const mutex = Mutex();
		expect(mutex.tryLock("a")).toBe(true);
		expect(() => mutex.unlock("b")).toThrow(
			"This mutex is locked by a, but b is expected",
		);
		expect(mutex.isLocked).toBe(true);
		mutex.unlock();
		expect(mutex.isLocked).toBe(false);
		expect(mutex.tryLock()).toBe(true);
		expect(() => mutex.unlock("b")).toThrow(
			"This mutex is locked by null, but b is expected",
		);
		mutex.unlock(null);
	});

	it("holdsLock compares owners by identity; Mutex(true) is locked with no owner", () => {
		const mutex = Mutex(true);
		expect(mutex.isLocked).toBe(true);
		expect(mutex.holdsLock(null)).toBe(true);
		expect(mutex.holdsLock({})).toBe(false);
		mutex.unlock();
		const owner = {};
		expect(mutex.holdsLock(owner)).toBe(false);
		expect(mutex.tryLock(owner)).toBe(true);
		expect(mutex.holdsLock(owner)).toBe(true);
		expect(mutex.holdsLock({})).toBe(false);
		expect(mutex.holdsLock(null)).toBe(false);
	});

	it("bad arguments: Mutex(locked) wants a boolean; withLock wants a function", () => {
		expect(() => Mutex("yes" as unknown as boolean)).toThrow(
			"Mutex(locked): locked must be a boolean, got yes",
		);
		const mutex = Mutex();
		expect(() => mutex.withLock(42 as unknown as () => void)).toThrow(
			"Mutex.withLock(action): expected a function or a generator function, got number",
		);
		expect(() =>
			mutex.withLock("owner", null as unknown as () => void),
		).toThrow(
			"Mutex.withLock(owner, action): expected a function or a generator function, got null",
		);
	});

	it("toString shows the state and owner; the debug dump names the wait lock of Mutex@<id>", async () => {
		DebugProbes.install();
		await runTest(function* () {
			const mutex = Mutex();
			expect(String(mutex)).toMatch(
				/^Mutex@[0-9a-f]+\[isLocked=false,owner=NO_OWNER\]$/,
			);
			mutex.tryLock("A");
			expect(String(mutex)).toMatch(
				/^Mutex@[0-9a-f]+\[isLocked=true,owner=A\]$/,
			);
			const id = /@([0-9a-f]+)/.exec(String(mutex))![1];
			const waiter = this.launch(CoroutineName("waiter"), function* () {
				yield* mutex.lock();
			});
			yield* yieldNow();
			expect(DebugProbes.dumpCoroutines()).toContain(
				`"waiter":StandaloneCoroutine{Active}@${(waiter as Job & { id: number }).id.toString(16)}: suspended on lock of Mutex@${id}`,
			);
			waiter.cancel();
		});
	});
});

describe("Mutex.withLock", () => {
	it("runs a plain or a generator action under the lock and returns its result", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			const a = yield* mutex.withLock(() => {
				expect(mutex.isLocked).toBe(true);
				return 1;
			});
			const b = yield* mutex.withLock("owner", function* () {
				expect(mutex.holdsLock("owner")).toBe(true);
				yield* delay(5);
				return "two";
			});
			const c = yield* mutex.withLock(() => [3, 4]); // an array is a result, not a suspend call
			const d = yield* mutex.withLock(() => delay(5)); // a kocoro suspend call is run
			expect([a, b, c, d]).toEqual([1, "two", [3, 4], undefined]);
			expect(mutex.isLocked).toBe(false);
			expect(this.testScheduler.currentTime).toBe(10);
		});
	});

	it("unlocks when the action throws, and when the coroutine is cancelled inside it", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			const boom = new Error("boom");
			let caught: unknown = null;
			try {
				yield* mutex.withLock(() => {
					throw boom;
				});
			} catch (e) {
				caught = e;
			}
			expect(caught).toBe(boom);
			expect(mutex.isLocked).toBe(false);
			const job = this.launch(function* () {
				yield* mutex.withLock(function* () {
					yield* delay(100);
				});
			});
			yield* delay(50);
			expect(mutex.isLocked).toBe(true);
			yield* job.cancelAndJoin();
			expect(mutex.isLocked).toBe(false);
		});
	});

	it("a generator action that throws after suspending, or is cancelled there, runs its own finally first, then unlocks", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			const boom = new Error("boom");
			const log: string[] = [];
			let caught: unknown = null;
			try {
				yield* mutex.withLock(function* () {
					try {
						yield* delay(5);
						throw boom;
					} finally {
						log.push(`action finally, locked: ${mutex.isLocked}`);
					}
				});
			} catch (e) {
				caught = e;
			}
			expect(caught).toBe(boom);
			expect(mutex.isLocked).toBe(false);
			const job = this.launch(function* () {
				yield* mutex.withLock(function* () {
					try {
						yield* delay(100);
					} finally {
						log.push(`cancelled action finally, locked: ${mutex.isLocked}`);
					}
				});
			});
			yield* delay(10);
			yield* job.cancelAndJoin();
			expect(mutex.isLocked).toBe(false);
			expect(log).toEqual([
				"action finally, locked: true",
				"cancelled action finally, locked: true",
			]);
		});
	});

	it("an async action is a TypeError naming yield* awaitPromise(p), before locking", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			expect(() => mutex.withLock(async () => 1)).toThrow(TypeError);
			expect(() => mutex.withLock(async () => 1)).toThrow(
				"Mutex.withLock(action): an async function cannot run inside a coroutine step; write a generator function (`function* () { ... }`) and wait for promises with `yield* awaitPromise(p)`",
			);
			expect(mutex.isLocked).toBe(false);
		});
	});

	it("a returned promise is a TypeError naming yield* awaitPromise(p); the lock is released", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			let caught: unknown = null;
			try {
				yield* mutex.withLock(() => Promise.resolve(1));
			} catch (e) {
				caught = e;
			}
			expect(caught).toBeInstanceOf(TypeError);
			expect((caught as Error).message).toBe(
				"Mutex.withLock: the callback returned a Promise; inside a coroutine wait for it with `yield* awaitPromise(p)` in a generator function",
			);
			expect(mutex.isLocked).toBe(false);
			// The fix the message names works:
			const v = yield* mutex.withLock(function* () {
				return yield* awaitPromise(Promise.resolve(1));
			});
			expect(v).toBe(1);
		});
	});

	it("waits for the lock (FIFO) and guards a read-modify-write across suspensions", async () => {
		await runTest(function* () {
			const mutex = Mutex();
			let counter = 0;
			function* increment(): Suspend<void> {
				yield* mutex.withLock(function* () {
					const v = counter;
					yield* yieldNow();
					counter = v + 1;
				});
			}
			for (let i = 0; i < 100; i++) {
				this.launch(function* () {
					yield* increment();
				});
			}
			yield* yieldNow();
			yield* delay(1);
			expect(counter).toBe(100);
		});
	});

	it("on another dispatcher (withContext) the lock is handed across", async () => {
		await runTest(function* () {
			const mutex = Mutex(true);
			const job = this.launch(function* () {
				yield* withContext(Dispatchers.Unconfined, function* () {
					yield* mutex.withLock(() => {});
				});
			});
			yield* yieldNow();
			mutex.unlock();
			yield* job.join();
			expect(mutex.isLocked).toBe(false);
		});
	});
});

describe("Mutex under checkCancellationPoints", () => {
	it("never leaks the lock, whichever suspension point of contending withLock bodies is cancelled", async () => {
		const mutex = Mutex();
		let inside = 0;
		const report = await checkCancellationPoints(
			function* () {
				for (let i = 0; i < 3; i++) {
					this.launch(function* () {
						yield* mutex.withLock(function* () {
							inside++;
							expect(inside).toBe(1);
							yield* delay(10);
							inside--;
						});
					});
				}
			},
			(run) => {
				expect(mutex.isLocked).toBe(false);
				if (run.result.status === "cancelled") inside = 0;
				expect(inside).toBe(0);
			},
			{ modes: ["cancel", "failSibling"] },
		);
		// The block's start, 3 launches, 3 delays, 2 hand-offs (lock resumptions are points too).
		expect(report.points).toBe(9);
	});
});
