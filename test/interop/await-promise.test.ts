import { spawn } from "node:child_process";
import { once } from "node:events";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import {
	awaitPromise,
	CancellationException,
	coroutineScope,
	GlobalScope,
	type Job,
	runCoroutine,
	type Suspend,
	yieldNow,
} from "kocoro";
import { describe, expect, it } from "vitest";
import { nodeArgs, runNode } from "../../scripts/bundled.js";

/** A promise with its settle functions, for tests that decide when it settles. */
function pending<T>(): {
	promise: Promise<T>;
	resolve: (v: T) => void;
	reject: (e: unknown) => void;
} {
	let resolve!: (v: T) => void;
	let reject!: (e: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

function completion(job: Job): Promise<Error | null> {
	return new Promise((resolve) => job.invokeOnCompletion(resolve));
}

describe("awaitPromise(promise)", () => {
	it("returns the value of a promise that resolves later", async () => {
		const p = pending<number>();
		setTimeout(() => p.resolve(42), 5);
		const v = await runCoroutine(function* () {
			return yield* awaitPromise(p.promise);
		});
		expect(v).toBe(42);
	});

	it("returns the value of an already resolved promise, typed", async () => {
		const v = await runCoroutine(function* () {
			const s: string = yield* awaitPromise(Promise.resolve("ok"));
			return s.length;
		});
		expect(v).toBe(2);
	});

	it("rethrows an Error rejection as is (identity kept)", async () => {
		const boom = new RangeError("boom");
		const caught = await runCoroutine(function* () {
			try {
				yield* awaitPromise(Promise.reject(boom));
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(caught).toBe(boom);
	});

	it("wraps a non-Error rejection in an Error whose cause is the reason", async () => {
		const reason = { code: 7 };
		const caught = await runCoroutine(function* () {
			try {
				yield* awaitPromise(Promise.reject(reason));
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(caught).toBeInstanceOf(Error);
		expect((caught as Error).cause).toBe(reason);
		expect((caught as Error).message).toBe(
			"Promise rejected with a non-Error reason: [object Object]",
		);
		const s = await runCoroutine(function* () {
			try {
				yield* awaitPromise(Promise.reject("nope"));
				return "";
			} catch (e) {
				return (e as Error).message;
			}
		});
		expect(s).toBe('Promise rejected with a non-Error reason: "nope"');
	});

	it("accepts a thenable, and treats a throwing `then` as a rejection", async () => {
		const thenable: PromiseLike<number> = {
			// biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is the point
			then(onValue) {
				onValue?.(5);
				return Promise.resolve() as never;
			},
		};
		const bad = new Error("then threw");
		const broken: PromiseLike<number> = {
			// biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is the point
			then() {
				throw bad;
			},
		};
		const result = await runCoroutine(function* () {
			const a = yield* awaitPromise(thenable);
			try {
				yield* awaitPromise(broken);
			} catch (e) {
				return [a, e];
			}
			return [a, null];
		});
		expect(result).toEqual([5, bad]);
	});

	it("rejects a non-promise argument with a TypeError naming the fix", () => {
		expect(() => awaitPromise(42 as never)).toThrow(TypeError);
		expect(() => awaitPromise(42 as never)).toThrow(
			"awaitPromise(promise): expected a Promise, a thenable or a function (signal) => Promise, got number 42",
		);
	});

	it("a promise yielded raw (without awaitPromise) is rejected by the runtime with a TypeError", async () => {
		const caught = await runCoroutine(function* (): Suspend<unknown> {
			try {
				yield Promise.resolve(1) as never;
				return null;
			} catch (e) {
				return e;
			}
		});
		expect(caught).toBeInstanceOf(TypeError);
		expect(String(caught)).toContain("yield* awaitPromise(promise)");
	});

	it("a cancelled coroutine stops waiting at once; its finally sees the CancellationException", async () => {
		const events: string[] = [];
		const never = new Promise<number>(() => {});
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				try {
					events.push("waiting");
					yield* awaitPromise(never);
					events.push("unreachable");
				} catch (e) {
					events.push(`caught ${(e as Error).name}`);
					throw e;
				} finally {
					events.push("finally");
				}
			});
			yield* yieldNow();
			events.push("cancel");
			yield* job.cancelAndJoin();
			events.push(`joined cancelled=${job.isCancelled}`);
		});
		expect(events).toEqual([
			"waiting",
			"cancel",
			"caught JobCancellationException",
			"finally",
			"joined cancelled=true",
		]);
	});

	it("prompt cancellation: a value that arrived for a cancelled coroutine is dropped", async () => {
		let settle: ((v: number) => void) | null = null;
		const thenable: PromiseLike<number> = {
			// biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is the point
			then(onValue) {
				settle = (v) => onValue?.(v);
				return Promise.resolve() as never;
			},
		};
		const events: string[] = [];
		await runCoroutine(function* () {
			const waiter = this.launch(function* () {
				try {
					events.push(`value ${yield* awaitPromise(thenable)}`);
				} catch (e) {
					events.push(`caught ${(e as Error).name}`);
				}
			});
			this.launch(function* () {
				yield* yieldNow();
				settle?.(1); // resumes the waiter, which is not dispatched yet
				waiter.cancel();
				events.push("resolved then cancelled");
			});
		});
		expect(events).toEqual([
			"resolved then cancelled",
			"caught JobCancellationException",
		]);
	});

	it("a promise that settles after the coroutine was cancelled is ignored, and its rejection is handled", async () => {
		const p = pending<number>();
		const unhandled: unknown[] = [];
		const onUnhandled = (reason: unknown) => unhandled.push(reason);
		process.on("unhandledRejection", onUnhandled);
		try {
			const waiting = pending<void>();
			const job = GlobalScope.launch(function* () {
				waiting.resolve(); // the same step goes on into awaitPromise
				yield* awaitPromise(p.promise);
			});
			const done = completion(job);
			await waiting.promise;
			job.cancel();
			expect(await done).toBeInstanceOf(CancellationException);
			p.reject(new Error("late"));
			// Node reports unhandled rejections once the microtasks of a turn are done.
			await new Promise((r) => setImmediate(r));
			await new Promise((r) => setImmediate(r));
			expect(unhandled).toEqual([]);
		} finally {
			process.off("unhandledRejection", onUnhandled);
		}
	});
});

describe("awaitPromise(signal => promise)", () => {
	it("passes a fresh AbortSignal and returns the value", async () => {
		const signals: AbortSignal[] = [];
		const v = await runCoroutine(function* () {
			const a = yield* awaitPromise((signal) => {
				signals.push(signal);
				return Promise.resolve(1);
			});
			const b = yield* awaitPromise((signal) => {
				signals.push(signal);
				return Promise.resolve(2);
			});
			return a + b;
		});
		expect(v).toBe(3);
		expect(signals).toHaveLength(2);
		expect(signals[0]).not.toBe(signals[1]);
		expect(signals.map((s) => s.aborted)).toEqual([false, false]);
	});

	it("aborts the signal with the CancellationException as reason when the coroutine is cancelled", async () => {
		const events: string[] = [];
		let signal: AbortSignal | null = null;
		let caught: unknown = null;
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				try {
					yield* awaitPromise((s) => {
						signal = s;
						s.addEventListener("abort", () => events.push("abort event"));
						return new Promise<never>(() => {});
					});
				} catch (e) {
					caught = e;
					events.push("caught");
				}
			});
			yield* yieldNow();
			events.push("cancel");
			job.cancel();
			events.push("cancel returned");
			yield* job.join();
		});
		expect(events).toEqual([
			"cancel",
			"abort event",
			"cancel returned",
			"caught",
		]);
		const s = signal as AbortSignal | null;
		expect(s?.aborted).toBe(true);
		expect(caught).toBeInstanceOf(CancellationException);
		expect(s?.reason).toBe(caught);
	});

	it("does not call the function when the coroutine is already cancelled", async () => {
		let calls = 0;
		const caught = await runCoroutine(function* () {
			try {
				return yield* coroutineScope(function* (scope) {
					scope.cancel();
					return yield* awaitPromise(() => {
						calls++;
						return Promise.resolve(1);
					});
				});
			} catch (e) {
				return e;
			}
		});
		expect(caught).toBeInstanceOf(CancellationException);
		expect(calls).toBe(0);
	});

	it("rethrows what the function throws, and rejects a non-promise result", async () => {
		const bad = new Error("sync");
		const result = await runCoroutine(function* () {
			const out: unknown[] = [];
			try {
				yield* awaitPromise(() => {
					throw bad;
				});
			} catch (e) {
				out.push(e);
			}
			try {
				yield* awaitPromise(() => 3 as never);
			} catch (e) {
				out.push(String(e));
			}
			return out;
		});
		expect(result).toEqual([
			bad,
			"TypeError: awaitPromise(start): start(signal) must return a Promise or a thenable, got number 3",
		]);
	});
});

describe("awaitPromise(signal => ...) cancels Node's own signal-taking APIs", () => {
	it("node:timers/promises: the sleep is aborted, rejecting with an AbortError caused by the CancellationException", async () => {
		let timer: Promise<unknown> | null = null;
		let caught: unknown = null;
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				try {
					yield* awaitPromise((signal) => {
						timer = sleep(60_000, "late", { signal });
						return timer;
					});
				} catch (e) {
					caught = e;
				}
			});
			yield* yieldNow();
			job.cancel();
			yield* job.join();
		});
		const rejection = await (timer as Promise<unknown> | null)?.then(
			() => null,
			(e: unknown) => e,
		);
		expect((rejection as Error).name).toBe("AbortError");
		expect((rejection as Error).cause).toBe(caught);
		expect(caught).toBeInstanceOf(CancellationException);
	});

	it("node:child_process: the child process is killed", async () => {
		let exit: Promise<[number | null, string | null]> | null = null;
		let up!: () => void;
		const childIsUp = new Promise<void>((r) => {
			up = r;
		});
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				yield* awaitPromise((signal) => {
					const child = spawn(
						process.execPath,
						["-e", "setTimeout(() => {}, 60000); console.log('up')"],
						{ signal, stdio: ["ignore", "pipe", "ignore"] },
					);
					child.on("error", () => {}); // the AbortError of the kill
					exit = new Promise((resolve) =>
						child.on("exit", (code, sig) => resolve([code, sig])),
					);
					child.stdout.once("data", up);
					return once(child, "exit");
				});
			});
			// Cancel once the child is up and running.
			yield* awaitPromise(childIsUp);
			job.cancel();
			yield* job.join();
		});
		expect(await exit).toEqual([null, "SIGTERM"]);
	});
});

describe("awaitPromise leaves nothing behind once it returns", () => {
	it("a finished wait's signal is never aborted later: cancelling the coroutine aborts only the pending wait", async () => {
		const signals: AbortSignal[] = [];
		let live: AbortSignal | null = null;
		let waiting!: () => void;
		const lastWaitStarted = new Promise<void>((r) => {
			waiting = r;
		});
		const events: string[] = [];
		await runCoroutine(function* () {
			const job = this.launch(function* () {
				for (let i = 0; i < 1000; i++) {
					yield* awaitPromise((signal) => {
						signals.push(signal);
						return Promise.resolve(i);
					});
				}
				yield* awaitPromise((signal) => {
					live = signal;
					waiting();
					return new Promise<never>(() => {});
				});
			});
			yield* awaitPromise(lastWaitStarted);
			job.cancel();
			yield* job.join();
			events.push(
				`finished waits aborted: ${signals.filter((s) => s.aborted).length}`,
			);
			events.push(`pending wait aborted: ${(live as AbortSignal).aborted}`);
		});
		expect(signals).toHaveLength(1000);
		expect(events).toEqual([
			"finished waits aborted: 0",
			"pending wait aborted: true",
		]);
	});

	it("a promise's callbacks drop the coroutine once it resumed: a later settle of a thenable does nothing", async () => {
		const callbacks: ((v: number) => void)[] = [];
		const thenable: PromiseLike<number> = {
			// biome-ignore lint/suspicious/noThenProperty: a hand-made thenable is the point
			then(onValue) {
				callbacks.push((v) => onValue?.(v));
				return Promise.resolve() as never;
			},
		};
		const seen: number[] = [];
		await runCoroutine(function* () {
			this.launch(function* () {
				seen.push(yield* awaitPromise(thenable));
				seen.push(yield* awaitPromise(Promise.resolve(2)));
			});
			yield* yieldNow();
			callbacks[0]?.(1);
			// A misbehaving thenable that calls back twice must not resume the coroutine again.
			callbacks[0]?.(99);
		});
		expect(seen).toEqual([1, 2]);
	});
});

describe("awaitPromise and garbage collection", () => {
	const fixture = fileURLToPath(
		new URL("./fixtures/gc-release.ts", import.meta.url),
	);

	async function runFixture(mode: string): Promise<string> {
		const r = await runNode(
			["--expose-gc", ...nodeArgs(fixture, mode)],
			20_000,
		);
		if (r.code !== 0) throw new Error(`fixture exited ${r.code}: ${r.stderr}`);
		return r.stdout.trim();
	}

	it("a cancelled coroutine is not kept reachable by a promise that never settles", async () => {
		expect(await runFixture("promise")).toBe("collected");
		expect(await runFixture("function")).toBe("collected");
	});

	it("the check detects a leak: a naive wait that closes over the continuation keeps the coroutine", async () => {
		expect(await runFixture("naive")).toBe("retained");
	});
});
