/** A unit of work a dispatcher runs. Coroutines and due timers are tasks, so a step costs no closure. */
export interface Task {
	run(): void;
}
