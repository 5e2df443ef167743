import { probes } from "../coroutine/probes.js";
import { IllegalStateException } from "../errors/exceptions.js";
import type { Job } from "../job/job.js";
import { JobSupport } from "../job/job-support.js";
import { appendSubtree, formatTrees } from "./dump.js";
import { addCreationListener, LiveCoroutines } from "./registry.js";

let installs = 0;
let live: LiveCoroutines | null = null;
let removeListener: (() => void) | null = null;

function requireInstalled(what: string): LiveCoroutines {
	if (live === null) {
		throw new IllegalStateException(
			`DebugProbes.${what}: DebugProbes are not installed; call DebugProbes.install() before the coroutines you want to see are created`,
		);
	}
	return live;
}

/**
 * A live view of the job tree, for a hung program or a failing test (kotlinx-coroutines-debug's
 * `DebugProbes`).
 *
 * While installed, every coroutine created is tracked until it completes, and the stack of the
 * place that created it is recorded (this costs: an `Error` per coroutine, so install it only
 * while debugging). `dumpCoroutines()` prints every live coroutine under its ancestors, with its
 * `CoroutineName` (or class and id), its state and what it is suspended on: `delay(120ms left)`,
 * `join of X`, `await of X`, a scope, or `suspendCancellableCoroutine` (a promise or callback);
 * a coroutine back in its queue after `yieldNow()` shows as `queued to run`.
 *
 * `install()` and `uninstall()` nest: the probes stay on until every `install()` was undone.
 *
 * @example
 * DebugProbes.install();
 * const job = scope.launch(CoroutineName("poller"), function* () { yield* delay(1000); });
 * console.log(DebugProbes.dumpCoroutines());
 * // Coroutines dump (1 live coroutine)
 * // - JobImpl{Active}@1: waiting for its children
 * //   - "poller":StandaloneCoroutine{Active}@2: suspended on delay(1000ms left)
 * //       created at file:///app/poller.ts:12:19
 * DebugProbes.uninstall();
 */
export const DebugProbes: {
	/** Starts tracking coroutines created from now on and recording their creation stacks. */
	install(): void;
	/** Undoes one `install()`; the last one stops tracking and stack capture. */
	uninstall(): void;
	/** Whether the probes are installed. */
	readonly isInstalled: boolean;
	/** The live job trees: every coroutine created since `install()` that has not completed. */
	dumpCoroutines(): string;
	/** One job's subtree, in the dump's format (works without `install()`, without stacks). */
	jobToString(job: Job): string;
} = {
	install(): void {
		installs++;
		if (installs > 1) return;
		const tracked = new LiveCoroutines();
		live = tracked;
		probes.captureStacks = true;
		removeListener = addCreationListener((co) => tracked.add(co));
	},
	uninstall(): void {
		requireInstalled("uninstall()");
		installs--;
		if (installs > 0) return;
		removeListener?.();
		removeListener = null;
		live = null;
		probes.captureStacks = false;
	},
	get isInstalled(): boolean {
		return live !== null;
	},
	dumpCoroutines(): string {
		return formatTrees(requireInstalled("dumpCoroutines()"), "Coroutines dump");
	},
	jobToString(job: Job): string {
		if (!(job instanceof JobSupport)) {
			throw new TypeError(
				`DebugProbes.jobToString(job): job must be a Job created by kocoro, got ${job === null ? "null" : typeof job}`,
			);
		}
		const out: string[] = [];
		appendSubtree(out, job, 0);
		return out.join("\n");
	},
};
