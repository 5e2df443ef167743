/**
 * How the run queue gives the event loop its turn: a macrotask, so timers, I/O, rendering and
 * input events run before the queue goes on. The host's cheapest one is used:
 *
 * - `setImmediate` (Node, Bun, Deno): runs after pending I/O callbacks, with no clamping.
 * - `MessageChannel` (browsers, workers): a message to our own port is a task of its own; the
 *   browser interleaves it with timer, input and rendering tasks, and it is not clamped to 4 ms
 *   the way nested `setTimeout`s are (React's scheduler yields the same way).
 * - `setTimeout(0)`: everywhere else; slower (clamped after nesting) but fair.
 */

/** What the selection looks at: the global object, or a stand-in in tests. */
export interface MacrotaskHost {
	setImmediate?: unknown;
	MessageChannel?: unknown;
	setTimeout?: unknown;
}

/** Which facility {@link macrotaskScheduler} picked. */
export type MacrotaskKind = "setImmediate" | "MessageChannel" | "setTimeout";

interface Port {
	onmessage: (() => void) | null;
	postMessage(message: null): void;
	/** Node's: a port with a handler would otherwise keep the process alive. */
	unref?: () => void;
}

/**
 * Returns `schedule()`, which runs `callback` once in a later macrotask of `host`'s event loop,
 * and the facility it uses. `schedule` must not be called again before `callback` ran (the run
 * queue has at most one turn pending).
 */
export function macrotaskScheduler(
	callback: () => void,
	host: MacrotaskHost = globalThis,
): { schedule: () => void; kind: MacrotaskKind } {
	const immediate = host.setImmediate;
	if (typeof immediate === "function") {
		return {
			schedule: () => {
				immediate(callback);
			},
			kind: "setImmediate",
		};
	}
	const Channel = host.MessageChannel;
	if (typeof Channel === "function") {
		const channel = new (Channel as new () => { port1: Port; port2: Port })();
		channel.port1.onmessage = () => callback();
		channel.port1.unref?.();
		const port = channel.port2;
		return {
			schedule: () => port.postMessage(null),
			kind: "MessageChannel",
		};
	}
	const timeout = host.setTimeout;
	if (typeof timeout === "function") {
		return {
			schedule: () => {
				timeout(callback, 0);
			},
			kind: "setTimeout",
		};
	}
	throw new TypeError(
		"kocoro's run queue needs setImmediate, MessageChannel or setTimeout, and this runtime has none of them",
	);
}
