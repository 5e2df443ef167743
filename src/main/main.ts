/**
 * `main(block)`: the entry point of a command-line program. The root coroutine runs `block`;
 * SIGINT/SIGTERM cancel it and the process ends once every `finally` ran; a failure is printed.
 *
 * Exit codes: 0 on success; 130 after SIGINT, 143 after SIGTERM (128 + the signal number, as a
 * shell reports a process killed by the signal); 1 when the block fails. A second signal while
 * cleanup runs exits at once with its code. Otherwise the exit code is only set
 * (`process.exitCode`) and the process ends by itself once nothing else keeps the event loop
 * busy: a server or timer left open by the block keeps it alive, as in plain Node. Until the
 * root coroutine completes, main itself keeps the process alive (as `runBlocking` blocks the
 * JVM's main thread), even while every coroutine waits on something that holds no handle.
 */
import {
	type CoroutineContext,
	checkContext,
	EmptyCoroutineContext,
} from "../context/coroutine-context.js";
import { CoroutineName } from "../context/coroutine-name.js";
import { AbstractCoroutine } from "../coroutine/abstract-coroutine.js";
import { checkBlock } from "../coroutine/coroutine.js";
import {
	CancellationException,
	JobCancellationException,
} from "../errors/exceptions.js";
import type { Job } from "../job/job.js";
import { GlobalScope } from "../scope/context-scope.js";
import type { Block } from "../scope/coroutine-scope.js";
import { formatFailure } from "./format-failure.js";

/** The signals `main` handles, with the exit code each leaves (128 + signal number). */
const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;
type HandledSignal = keyof typeof SIGNAL_EXIT_CODES;
/** The period of the timer that keeps the event loop alive (the largest a timer accepts). */
const KEEP_ALIVE_MS = 2 ** 31 - 1;

/**
 * Runs `block` as the root coroutine of a command-line program (`runBlocking` in Kotlin's
 * `fun main`). Ctrl-C (SIGINT) or SIGTERM cancels it: the block gets a `CancellationException`,
 * its `finally` blocks and children finish, then the process exits with 130 or 143. A failure is
 * printed to stderr (`String(e)`, its stack, causes, suppressed exceptions and the name of the
 * failing coroutine when it has a `CoroutineName`) and the exit code is 1. No signal handler is
 * left installed once the root coroutine has completed.
 *
 * DO NOT call `process.exit()` in the block: `finally` blocks would not run. Return, or throw.
 *
 * @example
 * main(function* () {
 *   const server = yield* awaitPromise(startServer());
 *   try {
 *     yield* awaitCancellation(); // serve until Ctrl-C
 *   } finally {
 *     yield* withContext(NonCancellable, function* () {
 *       yield* awaitPromise(server.close());
 *     });
 *   }
 * });
 */
export function main(block: Block<void>): void;
export function main(context: CoroutineContext, block: Block<void>): void;
export function main(...args: unknown[]): void {
	let context: CoroutineContext = EmptyCoroutineContext;
	let block: unknown;
	if (args.length === 1) block = args[0];
	else if (args.length === 2) {
		context = checkContext(args[0], "main(context, block)");
		block = args[1];
	} else {
		throw new TypeError(
			`main: expected (block) or (context, block); got ${args.length} arguments`,
		);
	}
	requireNodeProcess();
	runMain(context, checkBlock<void>(block, "main"));
}

/**
 * `main` drives a command-line program through Node's `process` (signals, exit code, stderr);
 * where there is none (a browser, a worker), it fails at once with what to use instead.
 */
function requireNodeProcess(): void {
	const p = (globalThis as { process?: Partial<NodeJS.Process> }).process;
	if (
		typeof p?.on !== "function" ||
		typeof p.off !== "function" ||
		typeof p.exit !== "function" ||
		typeof p.stderr?.write !== "function"
	) {
		throw new Error(
			"main: needs Node's `process` (it handles SIGINT/SIGTERM and sets the exit code), " +
				"and this runtime has none. In a browser or a worker, start the root coroutine with " +
				"GlobalScope.launch(...) or runCoroutine(...) and cancel its job yourself.",
		);
	}
}

function runMain(context: CoroutineContext, block: Block<void>): void {
	let signalled: HandledSignal | null = null;
	const root = GlobalScope.async<void>(context, block);
	// Where the failure started, found while the failing coroutine is still attached to the tree.
	let failedJob: Job | null = null;

	const onSignal = (signal: HandledSignal): void => {
		if (signalled !== null) {
			// A second signal: the user does not want to wait for cleanup.
			process.stderr.write(`\n${signal} received again: exiting now\n`);
			process.exit(SIGNAL_EXIT_CODES[signal]);
		}
		signalled = signal;
		root.cancel(`${signal} received`);
	};
	const onSigint = (): void => onSignal("SIGINT");
	const onSigterm = (): void => onSignal("SIGTERM");
	process.on("SIGINT", onSigint);
	process.on("SIGTERM", onSigterm);
	// A suspended coroutine holds no handle of its own (awaitCancellation, a wait on a job): like
	// runBlocking, main keeps the process alive until the root coroutine has completed.
	const keepAlive = setInterval(() => {}, KEEP_ALIVE_MS);

	root.invokeOnCompletion(
		(cause) => {
			if (cause !== null && !(cause instanceof CancellationException)) {
				failedJob = findFailedJob(root, cause);
			}
		},
		{ onCancelling: true },
	);
	root.invokeOnCompletion((cause) => {
		clearInterval(keepAlive);
		process.off("SIGINT", onSigint);
		process.off("SIGTERM", onSigterm);
		const byOurSignal =
			signalled !== null && cause instanceof CancellationException;
		if (cause !== null && !byOurSignal) {
			process.stderr.write(
				formatFailure(cause, coroutineNameOf(failedJob ?? root)),
			);
		}
		if (signalled !== null) process.exitCode = SIGNAL_EXIT_CODES[signalled];
		else if (cause !== null) process.exitCode = 1;
	});
}

/**
 * The deepest job of the tree that failed with `failure` itself: a job whose own root cause is
 * the failure shows it wrapped in a `JobCancellationException` that names the job, while a job
 * cancelled because of it shows one named after its parent. Runs as the root starts cancelling,
 * when the failure has just climbed the tree and the failing coroutine is still attached.
 */
function findFailedJob(root: Job, failure: Error): Job {
	let found = root;
	for (;;) {
		let next: Job | null = null;
		for (const child of found.children) {
			if (failedWith(child, failure)) {
				next = child;
				break;
			}
		}
		if (next === null) return found;
		found = next;
	}
}

/** The `CoroutineName` in the context of `job`, if it is a coroutine that has one. */
function coroutineNameOf(job: Job): string | null {
	if (!(job instanceof AbstractCoroutine)) return null;
	return job.context.get(CoroutineName.Key)?.name ?? null;
}

function failedWith(job: Job, failure: Error): boolean {
	if (!job.isCancelled) return false;
	const ce = job.getCancellationException();
	return (
		ce instanceof JobCancellationException &&
		ce.job === job &&
		ce.cause === failure
	);
}
