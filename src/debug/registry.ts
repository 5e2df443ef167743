/**
 * Who sees coroutines being created. The runtime calls one hook (`probes.onCreated`); this module
 * fans it out to every interested party — `DebugProbes` while installed, and each running
 * `runTest` — so they never overwrite one another's hook.
 */
import type { AbstractCoroutine } from "../coroutine/abstract-coroutine.js";
import { probes } from "../coroutine/probes.js";

/** A coroutine as the runtime's probe hook hands it over. */
export type ProbedCoroutine = AbstractCoroutine<unknown>;

type CreationListener = (coroutine: ProbedCoroutine) => void;

const listeners: CreationListener[] = [];

function fanOut(coroutine: object): void {
	// A listener added or removed while we call them takes effect at the next creation.
	const now = listeners.slice();
	for (const listener of now) listener(coroutine as ProbedCoroutine);
}

/**
 * Calls `listener` with every coroutine created from now on, until the returned function is
 * called. The listener runs inside the coroutine's constructor: it may read the coroutine's
 * dispatcher and context and register completion handlers, nothing more.
 */
export function addCreationListener(listener: CreationListener): () => void {
	listeners.push(listener);
	probes.onCreated = fanOut;
	let removed = false;
	return () => {
		if (removed) return;
		removed = true;
		const i = listeners.indexOf(listener);
		if (i >= 0) listeners.splice(i, 1);
		if (listeners.length === 0) probes.onCreated = null;
	};
}

/**
 * A set of live coroutines: each one added by {@link LiveCoroutines.add} leaves it when it
 * completes. `onCompleted` sees each one as it completes (with its final exception, or null).
 */
export class LiveCoroutines implements Iterable<ProbedCoroutine> {
	private readonly live = new Set<ProbedCoroutine>();

	constructor(
		private readonly onCompleted:
			| ((coroutine: ProbedCoroutine, cause: Error | null) => void)
			| null = null,
	) {}

	add(coroutine: ProbedCoroutine): void {
		this.live.add(coroutine);
		coroutine.invokeOnCompletion((cause) => {
			this.live.delete(coroutine);
			this.onCompleted?.(coroutine, cause);
		});
	}

	get size(): number {
		return this.live.size;
	}

	[Symbol.iterator](): Iterator<ProbedCoroutine> {
		return this.live[Symbol.iterator]();
	}
}
