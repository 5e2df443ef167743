import {
	BufferOverflow,
	Channel,
	CoroutineName,
	CoroutineScope,
	delay,
	SupervisorJob,
	select,
} from "kocoro";
import { DebugProbes } from "kocoro/debug";
import {
	checkCancellationPoints,
	StandardTestDispatcher,
	TestCoroutineScheduler,
} from "kocoro/test";
import { afterEach, describe, expect, it } from "vitest";

afterEach(() => {
	while (DebugProbes.isInstalled) DebugProbes.uninstall();
});

describe("kocoro/debug names the channel waits", () => {
	it("send to Channel@.., receive from Channel@.., select, awaitClose of Channel@..", () => {
		DebugProbes.install();
		const scheduler = new TestCoroutineScheduler();
		const scope = CoroutineScope(
			StandardTestDispatcher(scheduler).plus(SupervisorJob()),
		);
		const full = Channel<number>();
		const empty = Channel<number>();
		scope.launch(CoroutineName("sender"), function* () {
			yield* full.send(1);
		});
		scope.launch(CoroutineName("receiver"), function* () {
			yield* empty.receive();
		});
		scope.launch(CoroutineName("selector"), function* () {
			yield* select<void>((s) => {
				s.onReceive(Channel<number>(), () => {});
				s.onTimeout(1000, () => {});
			});
		});
		scope.produce(CoroutineName("producer"), function* () {
			yield* this.awaitClose();
		});
		scheduler.runCurrent();
		const dump = DebugProbes.dumpCoroutines();
		const name = (ch: object) => String(ch).replace(/[$]/g, "");
		expect(dump).toContain(`"sender":StandaloneCoroutine`);
		expect(dump).toContain(`suspended on send to ${name(full)}`);
		expect(dump).toContain(`suspended on receive from ${name(empty)}`);
		expect(dump).toMatch(
			/"selector":StandaloneCoroutine\{Active\}@[0-9a-f]+: suspended on select/,
		);
		expect(dump).toMatch(
			/"producer":ProducerCoroutine\{Active\}@[0-9a-f]+: suspended on awaitClose of Channel@[0-9a-f]+/,
		);
		expect(String(full)).toMatch(/^Channel@[0-9a-f]+$/);
		scope.cancel();
		scheduler.advanceUntilIdle();
	});
});

describe("checkCancellationPoints reaches every channel and select suspension point", () => {
	it("a pipeline with send, receive, hasNext, select and awaitClose: every element received or undelivered once", async () => {
		let sent = 0;
		let received = 0;
		let undelivered = 0;
		const report = await checkCancellationPoints(
			function* () {
				sent = 0;
				received = 0;
				undelivered = 0;
				const ch = Channel<number>(1, BufferOverflow.SUSPEND, () => {
					undelivered++;
				});
				const ticks = Channel<number>();
				const producer = this.launch(function* () {
					for (let i = 0; i < 4; i++) {
						sent++;
						yield* ch.send(i);
					}
					ch.close();
				});
				try {
					const side = this.produce<number>(function* () {
						yield* this.send(1);
						yield* this.awaitClose();
					});
					yield* side.receive();
					const it = ch.iterator();
					yield* it.hasNext();
					it.next();
					received++;
					received += yield* select<number>((s) => {
						s.onReceive(ch, () => 1);
						s.onReceive(ticks, () => 0);
					});
					yield* delay(1);
					for (
						let r = yield* ch.receiveCatching();
						r.isSuccess;
						r = yield* ch.receiveCatching()
					)
						received++;
					side.cancel();
					yield* producer.join();
				} finally {
					ch.cancel(); // what is still buffered or waiting becomes undelivered
				}
			},
			(run) => {
				if (run.result.status === "completed") expect(received).toBe(4);
				else expect(run.result.status).toBe("cancelled");
				// every element that a send accepted was received or undelivered, exactly once
				expect(received + undelivered).toBe(sent);
			},
			{ modes: ["cancel", "failSibling"] },
		);
		expect(report.points).toBeGreaterThan(8);
	});
});
