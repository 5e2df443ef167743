/**
 * The sequential model of a channel (kotlinx `channels/BufferedChannel.kt` and
 * `ConflatedBufferedChannel.kt`), as a dual data structure. Its state is the buffer, the queues of
 * suspended senders (with their elements) and receivers, whether it is closed or cancelled, and
 * the elements given to `onUndeliveredElement`.
 *
 * - `send`/`receive` are a request (done at once, or queued) and a completion. A send hands its
 *   element to the first waiting receiver, else to the buffer, else overflows: SUSPEND queues it,
 *   DROP_OLDEST drops the oldest buffered element, DROP_LATEST drops the new one (undelivered for
 *   `send`, silently for `trySend`). A receive takes the oldest buffered element (a waiting
 *   sender's element then moves into the buffer), else a waiting sender's element.
 * - `close()` fails waiting receivers; waiting senders and the buffer are still received, then
 *   `receive` fails. `cancel()` also empties the buffer and fails waiting senders, their elements
 *   undelivered.
 * - A coroutine cancelled while waiting leaves the queue (a queued send's element is undelivered);
 *   one handed an element it has not resumed with yet throws the cancellation, and the element is
 *   undelivered (a receiver) or stays delivered (a sender). Cancellation is checked only when an
 *   operation suspends.
 */
import fc from "fast-check";
import { BufferOverflow, Channel, type Suspend } from "kocoro";
import type { HistoryRecorder, SequentialModel } from "./checker.js";
import { outcomeOf, type Subject } from "./scenario.js";

export interface ChannelKind {
	readonly name: string;
	/** What `Channel(...)` is given. */
	readonly capacity: number;
	readonly overflow: BufferOverflow;
	/** The buffer size that results (RENDEZVOUS and BUFFERED with DROP_* buffer one). */
	readonly buffer: number;
}

export const CHANNEL_KINDS: readonly ChannelKind[] = [
	{
		name: "RENDEZVOUS",
		capacity: Channel.RENDEZVOUS,
		overflow: BufferOverflow.SUSPEND,
		buffer: 0,
	},
	{
		name: "Channel(1)",
		capacity: 1,
		overflow: BufferOverflow.SUSPEND,
		buffer: 1,
	},
	{
		name: "Channel(2)",
		capacity: 2,
		overflow: BufferOverflow.SUSPEND,
		buffer: 2,
	},
	{
		name: "BUFFERED",
		capacity: Channel.BUFFERED,
		overflow: BufferOverflow.SUSPEND,
		buffer: 64,
	},
	{
		name: "UNLIMITED",
		capacity: Channel.UNLIMITED,
		overflow: BufferOverflow.SUSPEND,
		buffer: Number.POSITIVE_INFINITY,
	},
	{
		name: "CONFLATED",
		capacity: Channel.CONFLATED,
		overflow: BufferOverflow.SUSPEND,
		buffer: 1,
	},
	{
		name: "Channel(2, DROP_OLDEST)",
		capacity: 2,
		overflow: BufferOverflow.DROP_OLDEST,
		buffer: 2,
	},
	{
		name: "RENDEZVOUS + DROP_OLDEST",
		capacity: Channel.RENDEZVOUS,
		overflow: BufferOverflow.DROP_OLDEST,
		buffer: 1,
	},
	{
		name: "Channel(2, DROP_LATEST)",
		capacity: 2,
		overflow: BufferOverflow.DROP_LATEST,
		buffer: 2,
	},
	{
		name: "BUFFERED + DROP_LATEST",
		capacity: Channel.BUFFERED,
		overflow: BufferOverflow.DROP_LATEST,
		buffer: 1,
	},
];

/** What overflow does for a kind (CONFLATED is 1 + DROP_OLDEST). */
function overflowOf(kind: ChannelKind): BufferOverflow {
	return kind.capacity === Channel.CONFLATED
		? BufferOverflow.DROP_OLDEST
		: kind.overflow;
}

export type ChannelStep =
	| "send"
	| "trySend"
	| "receive"
	| "tryReceive"
	| "receiveCatching"
	| "close"
	| "cancel";

export const channelSteps: fc.Arbitrary<ChannelStep> = fc.oneof(
	{ weight: 4, arbitrary: fc.constantFrom<ChannelStep>("send", "receive") },
	{
		weight: 3,
		arbitrary: fc.constantFrom<ChannelStep>(
			"trySend",
			"tryReceive",
			"receiveCatching",
		),
	},
	{ weight: 1, arbitrary: fc.constantFrom<ChannelStep>("close", "cancel") },
);

export type ChannelEvent =
	| {
			k: "sendRequest" | "sendDone";
			t: string;
			op: number;
			x: string;
			r: string;
	  }
	| { k: "trySend"; x: string; r: string }
	| {
			k: "receiveRequest" | "receiveDone";
			t: string;
			op: number;
			catching: boolean;
			r: string;
	  }
	| { k: "tryReceive"; r: string }
	| { k: "close"; r: string }
	| { k: "cancelChannel" }
	| { k: "cancel"; t: string }
	| {
			k: "final";
			remaining: readonly string[];
			undelivered: readonly string[];
	  };

/** A pending send or receive: queued, or done with the result its completion must observe. */
type Pending = { t: string; s: "queued" | "done"; r: string; x?: string };

export interface ChannelState {
	readonly buffer: readonly string[];
	readonly senders: readonly number[];
	readonly receivers: readonly number[];
	/** null: open; "closed" or "cancelled". */
	readonly closed: null | "closed" | "cancelled";
	readonly pending: Readonly<Record<number, Pending>>;
	readonly undelivered: readonly string[];
	readonly cancelled: readonly string[];
}

const CLOSED_SEND = "ClosedSendChannelException: Channel was closed";
const CLOSED_RECEIVE = "ClosedReceiveChannelException: Channel was closed";

/** Options to break the model on purpose (the checker's own test). */
export interface ChannelModelOptions {
	/** Receive the newest buffered element instead of the oldest. */
	readonly lifo?: boolean;
}

export function channelModel(
	kind: ChannelKind,
	options: ChannelModelOptions = {},
): SequentialModel<ChannelState, ChannelEvent> {
	const overflow = overflowOf(kind);
	const sendFailure = (s: ChannelState) =>
		s.closed === "cancelled" ? "CE" : CLOSED_SEND;
	const receiveFailure = (s: ChannelState, catching: boolean) => {
		const cause = s.closed === "cancelled" ? "CE" : CLOSED_RECEIVE;
		if (!catching) return cause;
		return `Closed:${s.closed === "cancelled" ? "CE" : "null"}`;
	};
	const setPending = (
		s: ChannelState,
		op: number,
		p: Pending,
	): ChannelState => ({
		...s,
		pending: { ...s.pending, [op]: p },
	});
	const undeliver = (s: ChannelState, ...xs: string[]): ChannelState => ({
		...s,
		undelivered: [...s.undelivered, ...xs].sort(),
	});
	/** Takes the next element (buffer first, then a waiting sender); null if none. */
	const take = (s: ChannelState): [ChannelState, string] | null => {
		if (s.buffer.length > 0) {
			const i = options.lifo ? s.buffer.length - 1 : 0;
			const x = s.buffer[i]!;
			let next: ChannelState = {
				...s,
				buffer: s.buffer.filter((_, j) => j !== i),
			};
			if (next.senders.length > 0) {
				// The first waiting sender's element moves into the freed buffer slot.
				const [op, ...senders] = next.senders as [number, ...number[]];
				const p = next.pending[op]!;
				next = setPending(
					{ ...next, senders, buffer: [...next.buffer, p.x!] },
					op,
					{ ...p, s: "done", r: "ok" },
				);
			}
			return [next, x];
		}
		if (s.senders.length > 0) {
			const [op, ...senders] = s.senders as [number, ...number[]];
			const p = s.pending[op]!;
			return [
				setPending({ ...s, senders }, op, { ...p, s: "done", r: "ok" }),
				p.x!,
			];
		}
		return null;
	};
	/** Offers x as a send/trySend does, when the channel is open: null means it must wait. */
	const offer = (
		s: ChannelState,
		x: string,
		viaSend: boolean,
	): ChannelState | null => {
		if (s.receivers.length > 0) {
			const [op, ...receivers] = s.receivers as [number, ...number[]];
			const p = s.pending[op]!;
			return setPending({ ...s, receivers }, op, { ...p, s: "done", r: x });
		}
		if (s.buffer.length < kind.buffer)
			return { ...s, buffer: [...s.buffer, x] };
		if (overflow === BufferOverflow.DROP_OLDEST) {
			const [oldest, ...rest] = s.buffer as [string, ...string[]];
			return undeliver({ ...s, buffer: [...rest, x] }, oldest);
		}
		if (overflow === BufferOverflow.DROP_LATEST) {
			return viaSend ? undeliver(s, x) : s;
		}
		return null;
	};
	const complete = (
		s: ChannelState,
		op: number,
		r: string,
	): ChannelState | null => {
		const p = s.pending[op];
		if (p === undefined || p.s === "queued" || p.r !== r) return null;
		const pending = { ...s.pending };
		delete pending[op];
		return { ...s, pending };
	};

	return {
		initial: {
			buffer: [],
			senders: [],
			receivers: [],
			closed: null,
			pending: {},
			undelivered: [],
			cancelled: [],
		},
		key: (s) => JSON.stringify(s),
		step(s, e) {
			switch (e.k) {
				case "sendRequest": {
					if (s.closed !== null)
						return undeliver(
							setPending(s, e.op, { t: e.t, s: "done", r: sendFailure(s) }),
							e.x,
						);
					const next = offer(s, e.x, true);
					if (next !== null)
						return setPending(next, e.op, { t: e.t, s: "done", r: "ok" });
					if (s.cancelled.includes(e.t))
						return undeliver(
							setPending(s, e.op, { t: e.t, s: "done", r: "CE" }),
							e.x,
						);
					return setPending({ ...s, senders: [...s.senders, e.op] }, e.op, {
						t: e.t,
						s: "queued",
						r: "",
						x: e.x,
					});
				}
				case "sendDone":
				case "receiveDone":
					return complete(s, e.op, e.r);
				case "trySend": {
					if (s.closed !== null)
						return e.r === `Closed:${sendFailure(s)}` ? s : null;
					const next = offer(s, e.x, false);
					if (next === null) return e.r === "Failed" ? s : null;
					return e.r === "ok" ? next : null;
				}
				case "receiveRequest": {
					const got = take(s);
					if (got !== null) {
						const [next, x] = got;
						return setPending(next, e.op, { t: e.t, s: "done", r: x });
					}
					if (s.closed !== null)
						return setPending(s, e.op, {
							t: e.t,
							s: "done",
							r: receiveFailure(s, e.catching),
						});
					if (s.cancelled.includes(e.t))
						return setPending(s, e.op, { t: e.t, s: "done", r: "CE" });
					return setPending({ ...s, receivers: [...s.receivers, e.op] }, e.op, {
						t: e.t,
						s: "queued",
						r: e.catching ? "catching" : "",
					});
				}
				case "tryReceive": {
					const got = take(s);
					if (got !== null) return e.r === got[1] ? got[0] : null;
					if (s.closed !== null)
						return e.r === receiveFailure(s, true) ? s : null;
					return e.r === "Failed" ? s : null;
				}
				case "close": {
					if (s.closed !== null) return e.r === "false" ? s : null;
					if (e.r !== "true") return null;
					return failReceivers({ ...s, closed: "closed" });
				}
				case "cancelChannel": {
					// Closes (if open) with the cancellation, empties the buffer, fails all waiters.
					let next: ChannelState = {
						...s,
						closed: s.closed ?? "cancelled",
					};
					next = undeliver({ ...next, buffer: [] }, ...s.buffer);
					for (const op of s.senders) {
						const p = next.pending[op]!;
						next = undeliver(
							setPending(next, op, { ...p, s: "done", r: sendFailure(next) }),
							p.x!,
						);
					}
					return failReceivers({ ...next, senders: [] });
				}
				case "cancel": {
					const cancelled = s.cancelled.includes(e.t)
						? s.cancelled
						: [...s.cancelled, e.t].sort();
					let next: ChannelState = { ...s, cancelled };
					for (const [id, p] of Object.entries(s.pending)) {
						if (p.t !== e.t) continue;
						const op = Number(id);
						if (p.s === "queued") {
							next = setPending(
								{
									...next,
									senders: next.senders.filter((q) => q !== op),
									receivers: next.receivers.filter((q) => q !== op),
								},
								op,
								{ ...p, s: "done", r: "CE" },
							);
							if (p.x !== undefined) next = undeliver(next, p.x);
						} else if (isValue(p.r)) {
							// Resumed with a value but not run yet: prompt cancellation replaces the
							// value (an exception is delivered as it is). An element handed to a
							// receiver is undelivered; a sender's element stays delivered.
							next = setPending(next, op, { ...p, r: "CE" });
							if (p.x === undefined && isElement(p.r))
								next = undeliver(next, p.r);
						}
					}
					return next;
				}
				case "final": {
					if (s.senders.length > 0 || s.receivers.length > 0) return null;
					const same = (a: readonly string[], b: readonly string[]) =>
						a.length === b.length && a.every((x, i) => x === b[i]);
					return same(e.remaining, s.buffer) &&
						same(e.undelivered, s.undelivered)
						? s
						: null;
				}
			}
		},
	};

	function failReceivers(s: ChannelState): ChannelState {
		let next: ChannelState = { ...s, receivers: [] };
		for (const op of s.receivers) {
			const p = next.pending[op]!;
			const catching = p.r === "catching";
			next = setPending(next, op, {
				...p,
				s: "done",
				r: receiveFailure(next, catching),
			});
		}
		return next;
	}
}

/** Elements are `<thread><n>` (A1, B2 ...). */
function isElement(r: string): boolean {
	return /^[A-D]\d+$/.test(r);
}

/** A normal result (an element, a closed ChannelResult, a completed send), not an exception. */
function isValue(r: string): boolean {
	return isElement(r) || r.startsWith("Closed:") || r === "ok";
}

let nextOp = 0;

/** Runs channel steps on a real channel of `kind` and records them as model events. */
export function channelSubject(
	kind: ChannelKind,
): () => Subject<ChannelStep, ChannelEvent> {
	return () => {
		const undelivered: string[] = [];
		const ch = Channel<string>(kind.capacity, kind.overflow, (x) => {
			undelivered.push(x);
		});
		const sent = new Map<string, number>();
		const element = (t: string) => {
			const n = (sent.get(t) ?? 0) + 1;
			sent.set(t, n);
			return `${t}${n}`;
		};
		const closedResult = (e: Error | null) =>
			`Closed:${e === null ? "null" : outcomeOf(e)}`;
		return {
			run(
				step,
				t,
				record: HistoryRecorder<ChannelEvent>,
			): Suspend<void> | undefined {
				const respond = record.invoke();
				switch (step) {
					case "send": {
						const x = element(t);
						const op = nextOp++;
						return (function* () {
							let r = "ok";
							try {
								yield* ch.send(x);
							} catch (e) {
								r = outcomeOf(e);
							}
							respond([
								{ k: "sendRequest", t, op, x, r },
								{ k: "sendDone", t, op, x, r },
							]);
						})();
					}
					case "receive":
					case "receiveCatching": {
						const op = nextOp++;
						const catching = step === "receiveCatching";
						return (function* () {
							let r: string;
							try {
								if (catching) {
									const res = yield* ch.receiveCatching();
									r = res.isSuccess
										? (res.getOrNull() as string)
										: closedResult(res.exceptionOrNull());
								} else {
									r = yield* ch.receive();
								}
							} catch (e) {
								r = outcomeOf(e);
							}
							respond([
								{ k: "receiveRequest", t, op, catching, r },
								{ k: "receiveDone", t, op, catching, r },
							]);
						})();
					}
					case "trySend": {
						const x = element(t);
						const res = ch.trySend(x);
						const r = res.isSuccess
							? "ok"
							: res.isClosed
								? closedResult(res.exceptionOrNull())
								: "Failed";
						respond([{ k: "trySend", x, r }]);
						return undefined;
					}
					case "tryReceive": {
						const res = ch.tryReceive();
						const r = res.isSuccess
							? (res.getOrNull() as string)
							: res.isClosed
								? closedResult(res.exceptionOrNull())
								: "Failed";
						respond([{ k: "tryReceive", r }]);
						return undefined;
					}
					case "close":
						respond([{ k: "close", r: String(ch.close()) }]);
						return undefined;
					case "cancel":
						ch.cancel();
						respond([{ k: "cancelChannel" }]);
						return undefined;
				}
			},
			cancelled: (t) => ({ k: "cancel", t }),
			observe() {
				const remaining: string[] = [];
				for (;;) {
					const res = ch.tryReceive();
					if (!res.isSuccess) break;
					remaining.push(res.getOrNull() as string);
				}
				return { k: "final", remaining, undelivered: [...undelivered].sort() };
			},
		};
	};
}
