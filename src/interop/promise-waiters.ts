/**
 * The coroutines and deferreds waiting on one promise: one `then` reaction per promise however
 * many wait, and a doubly linked list of waiters that a cancelled wait leaves in O(1). A promise
 * can stay pending for the life of the process (a shared "shutdown" or "ready" promise); a loop
 * that waits on it with a timeout must not grow its reaction list at every turn.
 *
 * The list is found through a WeakMap keyed by the promise: it lives as long as the promise is
 * pending and reachable, and is dropped when the promise settles.
 */

/** One waiter of a promise; `settle` is called once, in registration order, unless removed. */
export abstract class PromiseWaiter {
	declare prev: PromiseWaiter | null;
	declare next: PromiseWaiter | null;
	declare list: WaiterList | null;

	constructor() {
		this.prev = null;
		this.next = null;
		this.list = null;
	}

	abstract settle(failed: boolean, value: unknown): void;

	/** Leaves the list (a cancelled wait): nothing of it stays reachable from the promise. */
	remove(): void {
		const list = this.list;
		if (list === null) return;
		this.list = null;
		const { prev, next } = this;
		if (prev === null) list.head = next;
		else prev.next = next;
		if (next === null) list.tail = prev;
		else next.prev = prev;
		this.prev = null;
		this.next = null;
	}
}

class WaiterList {
	head: PromiseWaiter | null = null;
	tail: PromiseWaiter | null = null;
}

const lists = new WeakMap<PromiseLike<unknown>, WaiterList>();

/** Adds `waiter` to `promise`'s list, subscribing to the promise on the first waiter only. */
export function waitOn(
	promise: PromiseLike<unknown>,
	waiter: PromiseWaiter,
): void {
	let list = lists.get(promise);
	const first = list === undefined;
	if (list === undefined) {
		list = new WaiterList();
		lists.set(promise, list);
	}
	waiter.list = list;
	waiter.prev = list.tail;
	if (list.tail === null) list.head = waiter;
	else list.tail.next = waiter;
	list.tail = waiter;
	if (first) subscribe(promise, list);
}

function subscribe(promise: PromiseLike<unknown>, list: WaiterList): void {
	let settled = false;
	const settle = (failed: boolean, value: unknown): void => {
		if (settled) return;
		settled = true;
		if (lists.get(promise) === list) lists.delete(promise);
		// Detach every waiter first: one resumed in place may remove another.
		let w = list.head;
		list.head = null;
		list.tail = null;
		for (let n = w; n !== null; n = n.next) n.list = null;
		while (w !== null) {
			const next = w.next;
			w.prev = null;
			w.next = null;
			w.settle(failed, value);
			w = next;
		}
	};
	try {
		promise.then(
			(value) => settle(false, value),
			(reason: unknown) => settle(true, reason),
		);
	} catch (e) {
		// A thenable whose `then` throws: treat it as a rejection.
		settle(true, e);
	}
}
