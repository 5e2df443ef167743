import type { AsyncContext } from "../context/async-context.js";

/** A unit of work a dispatcher runs. Coroutines and due timers are tasks, so a step costs no closure. */
export interface Task {
	run(): void;
	/**
	 * The async context the task must run in (a coroutine's), or undefined when any will do
	 * (a task that only resumes a coroutine, which enters its own).
	 */
	readonly asyncContext?: AsyncContext | undefined;
}
