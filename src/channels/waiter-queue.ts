/** A node of a {@link WaiterQueue}: the waiter object itself carries the links (no extra node). */
export interface Linked {
	/** The previous node (named so that an instruction's `next()` stays free). */
	before: Linked | null;
	/** The next node. */
	after: Linked | null;
	/** The queue the node is in, or null: makes `remove` O(1) and safe to call twice. */
	queue: WaiterQueue<Linked> | null;
}

/**
 * An intrusive FIFO of waiters: O(1) add at the tail, take at the head, and unlink of any node
 * (a cancelled waiter leaves from the middle).
 */
export class WaiterQueue<N extends Linked> {
	head: N | null = null;
	private tail: N | null = null;

	get isEmpty(): boolean {
		return this.head === null;
	}

	add(node: N): void {
		node.queue = this as unknown as WaiterQueue<Linked>;
		node.after = null;
		node.before = this.tail;
		if (this.tail === null) this.head = node;
		else this.tail.after = node;
		this.tail = node;
	}

	/** Takes the first node, or null. */
	shift(): N | null {
		const node = this.head;
		if (node !== null) this.remove(node);
		return node;
	}

	/** Unlinks `node` if it is in this queue (a no-op otherwise). */
	remove(node: N): void {
		if (node.queue !== (this as unknown as WaiterQueue<Linked>)) return;
		const { before, after } = node;
		if (before === null) this.head = after as N | null;
		else before.after = after;
		if (after === null) this.tail = before as N | null;
		else after.before = before;
		node.before = null;
		node.after = null;
		node.queue = null;
	}
}
