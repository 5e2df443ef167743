import {
	CancellationException,
	CoroutineName,
	delay,
	IllegalStateException,
	type Job,
	Semaphore,
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

describe("Semaphore (kotlinx sync/Semaphore.kt)", () => {
	it("Semaphore(2), 4 acquirers in call order, one cancelled: the others get permits FIFO and availablePermits ends at 2 (check 12)", async () => {
		await runTest(function* () {
			const sem = Semaphore(2);
			const log: string[] = [];
			const jobs: Job[] = [];
			for (const name of ["a", "b", "c", "d"]) {
				jobs.push(
					this.launch(function* () {
						try {
							yield* sem.acquire();
						} catch (e) {
							expect(e).toBeInstanceOf(CancellationException);
							log.push(`${name} cancelled`);
							return;
						}
						log.push(`${name} acquired`);
						yield* delay(10);
						log.push(`${name} releases`);
						sem.release();
					}),
				);
			}
			yield* yieldNow();
			expect(log).toEqual(["a acquired", "b acquired"]);
			expect(sem.availablePermits).toBe(0);
			jobs[2]!.cancel(); // c, waiting
			yield* delay(100);
			expect(log).toEqual([
				"a acquired",
				"b acquired",
				"c cancelled",
				"a releases", // hands its permit to d, which runs after b's timer of the same instant
				"b releases",
				"d acquired",
				"d releases",
			]);
			expect(sem.availablePermits).toBe(2);
		});
	});

	it("release hands the permit straight to the first waiter: tryAcquire in between fails", async () => {
		await runTest(function* () {
			const sem = Semaphore(1, 1);
			expect(sem.availablePermits).toBe(0);
			t.expect(1);
			this.launch(function* () {
				t.expect(3);
				yield* sem.acquire();
				t.expect(5);
				sem.release();
			});
			t.expect(2);
			yield* yieldNow();
			t.expect(4);
			sem.release();
			expect(sem.availablePermits).toBe(0);
			expect(sem.tryAcquire()).toBe(false);
			yield* yieldNow();
			expect(sem.availablePermits).toBe(1);
			expect(sem.tryAcquire()).toBe(true);
			expect(sem.availablePermits).toBe(0);
			sem.release();
		});
		t.finish(6);
	});

	it("a waiter handed a permit but cancelled before it runs passes it on", async () => {
		await runTest(function* () {
			const sem = Semaphore(1, 1);
			const b = this.launch(function* () {
				yield* sem.acquire();
				t.expectUnreached();
			});
			this.launch(function* () {
				yield* sem.acquire();
				t.expect(2);
				sem.release();
			});
			yield* yieldNow();
			sem.release(); // to b
			t.expect(1);
			b.cancel(); // b has not run: its permit goes to the next waiter
			yield* yieldNow();
			expect(sem.availablePermits).toBe(1);
			// With no one waiting behind, a cancelled grantee returns the permit.
			const lone = this.launch(function* () {
				yield* sem.acquire();
			});
			expect(sem.tryAcquire()).toBe(true);
			yield* yieldNow();
			sem.release();
			expect(sem.availablePermits).toBe(0);
			lone.cancel();
			expect(sem.availablePermits).toBe(1);
		});
		t.finish(3);
	});

	it("checks cancellation only when suspending", async () => {
		await runTest(function* () {
			const sem = Semaphore(1);
			const job = this.launch(function* () {
				this.cancel();
				yield* sem.acquire(); // a permit is free: no suspension, no check
				expect(sem.availablePermits).toBe(0);
				let failure: unknown = null;
				try {
					yield* sem.acquire();
				} catch (e) {
					failure = e;
				}
				expect(failure).toBeInstanceOf(CancellationException);
				sem.release();
			});
			yield* job.join();
			expect(sem.availablePermits).toBe(1);
		});
	});

	it("withPermit runs plain and generator actions, releases on return, throw and cancellation", async () => {
		await runTest(function* () {
			const sem = Semaphore(2);
			const a = yield* sem.withPermit(() => sem.availablePermits);
			const b = yield* sem.withPermit(function* () {
				yield* delay(5);
				return "b";
			});
			expect([a, b]).toEqual([1, "b"]);
			const boom = new Error("boom");
			let caught: unknown = null;
			try {
				yield* sem.withPermit(() => {
					throw boom;
				});
			} catch (e) {
				caught = e;
			}
			expect(caught).toBe(boom);
			const job = this.launch(function* () {
				yield* sem.withPermit(function* () {
					yield* delay(100);
				});
			});
			yield* delay(1);
			expect(sem.availablePermits).toBe(1);
			yield* job.cancelAndJoin();
			expect(sem.availablePermits).toBe(2);
		});
	});

	it("withPermit bounds how many whole bodies are in flight", async () => {
		await runTest(function* () {
			const sem = Semaphore(3);
			let inFlight = 0;
			let most = 0;
			for (let i = 0; i < 10; i++) {
				this.launch(function* () {
					yield* sem.withPermit(function* () {
						inFlight++;
						most = Math.max(most, inFlight);
						yield* delay(10);
						inFlight--;
					});
				});
			}
			yield* delay(1_000);
			expect(most).toBe(3);
			expect(sem.availablePermits).toBe(3);
		});
		// 10 bodies of 10 ms, 3 at a time: done at 40 ms (checked through a second run's clock).
		await runTest(function* () {
			const sem = Semaphore(3);
			for (let i = 0; i < 10; i++) {
				this.launch(function* () {
					yield* sem.withPermit(() => delay(10));
				});
			}
			yield* yieldNow();
			while (sem.availablePermits < 3) yield* delay(1);
			expect(this.testScheduler.currentTime).toBe(40);
		});
	});

	it("withPermit: an async action or a returned promise is a TypeError naming yield* awaitPromise(p)", async () => {
		await runTest(function* () {
			const sem = Semaphore(1);
			expect(() => sem.withPermit(async () => 1)).toThrow(
				"Semaphore.withPermit(action): an async function cannot run inside a coroutine step; write a generator function (`function* () { ... }`) and wait for promises with `yield* awaitPromise(p)`",
			);
			let caught: unknown = null;
			try {
				yield* sem.withPermit(() => Promise.resolve(1));
			} catch (e) {
				caught = e;
			}
			expect(caught).toBeInstanceOf(TypeError);
			expect(String(caught)).toContain("`yield* awaitPromise(p)`");
			expect(sem.availablePermits).toBe(1);
		});
	});

	it("release beyond the permits throws: The number of released permits cannot be greater than <n>", () => {
		const sem = Semaphore(2, 1);
		sem.release();
		expect(() => sem.release()).toThrow(IllegalStateException);
		expect(() => sem.release()).toThrow(
			"The number of released permits cannot be greater than 2",
		);
		expect(sem.availablePermits).toBe(2);
	});

	it("bad arguments: permits < 1, acquiredPermits outside 0..permits, non-integers", () => {
		expect(() => Semaphore(0)).toThrow(RangeError);
		expect(() => Semaphore(0)).toThrow(
			"Semaphore should have at least 1 permit, but had 0",
		);
		expect(() => Semaphore(-3)).toThrow(
			"Semaphore should have at least 1 permit, but had -3",
		);
		expect(() => Semaphore(2, 3)).toThrow(RangeError);
		expect(() => Semaphore(2, 3)).toThrow(
			"The number of acquired permits should be in 0..2",
		);
		expect(() => Semaphore(2, -1)).toThrow(
			"The number of acquired permits should be in 0..2",
		);
		expect(() => Semaphore(1.5)).toThrow(TypeError);
		expect(() => Semaphore(1.5)).toThrow(
			"Semaphore(permits): permits must be an integer, got 1.5",
		);
		expect(() => Semaphore(Number.NaN)).toThrow(
			"Semaphore(permits): permits must be an integer, got NaN",
		);
		expect(Semaphore(2, 2).availablePermits).toBe(0);
		expect(() => sem().withPermit(7 as unknown as () => void)).toThrow(
			"Semaphore.withPermit(action): expected a function or a generator function, got number",
		);
		function sem() {
			return Semaphore(1);
		}
	});

	it("toString and the debug dump name the wait acquire of Semaphore@<id>", async () => {
		DebugProbes.install();
		await runTest(function* () {
			const sem = Semaphore(1, 1);
			expect(String(sem)).toMatch(
				/^Semaphore@[0-9a-f]+\[availablePermits=0\]$/,
			);
			const id = /@([0-9a-f]+)/.exec(String(sem))![1];
			const w = this.launch(CoroutineName("w"), function* () {
				yield* sem.acquire();
			});
			yield* yieldNow();
			expect(DebugProbes.dumpCoroutines()).toContain(
				`suspended on acquire of Semaphore@${id}`,
			);
			w.cancel();
		});
	});

	it("never loses a permit, whichever suspension point of contending withPermit bodies is cancelled", async () => {
		const sem = Semaphore(2);
		const report = await checkCancellationPoints(
			function* () {
				for (let i = 0; i < 4; i++) {
					this.launch(function* () {
						yield* sem.withPermit(() => delay(10));
						yield* sem.acquire();
						try {
							yield* delay(5);
						} finally {
							sem.release();
						}
					});
				}
			},
			() => expect(sem.availablePermits).toBe(2),
			{ modes: ["cancel", "failSibling"] },
		);
		expect(report.points).toBeGreaterThan(10);
	});
});
