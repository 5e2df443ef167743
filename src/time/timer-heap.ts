/** What a {@link TimerHeap} holds: ordered by `time`, then by `seq` (first scheduled first). */
export interface HeapTimer {
	readonly time: number;
	readonly seq: number;
	/** Its place in the heap; -1 once removed (or never added). */
	index: number;
}

function earlier(a: HeapTimer, b: HeapTimer): boolean {
	return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/**
 * A binary min-heap of timers with O(log n) removal of any timer by its `index`: the real clock
 * (`default-delay.ts`) and the virtual one (`kocoro/test`) both keep their timers in one.
 *
 * Invariant: `items[i].index === i`.
 */
export class TimerHeap<T extends HeapTimer> {
	private readonly items: T[] = [];

	get size(): number {
		return this.items.length;
	}

	/** The earliest timer, or undefined when empty. */
	peek(): T | undefined {
		return this.items[0];
	}

	push(t: T): void {
		this.items.push(t);
		this.siftUp(this.items.length - 1);
	}

	/** Removes the timer at `i` and sets its `index` to -1. */
	removeAt(i: number): void {
		const items = this.items;
		const removed = items[i]!;
		removed.index = -1;
		const last = items.pop()!;
		if (last !== removed) {
			items[i] = last;
			last.index = i;
			this.siftDown(i);
			this.siftUp(last.index);
		}
	}

	private siftUp(i: number): void {
		const items = this.items;
		const t = items[i]!;
		while (i > 0) {
			const p = (i - 1) >> 1;
			const parent = items[p]!;
			if (!earlier(t, parent)) break;
			items[i] = parent;
			parent.index = i;
			i = p;
		}
		items[i] = t;
		t.index = i;
	}

	private siftDown(i: number): void {
		const items = this.items;
		const n = items.length;
		const t = items[i]!;
		for (;;) {
			const l = 2 * i + 1;
			if (l >= n) break;
			const r = l + 1;
			const c = r < n && earlier(items[r]!, items[l]!) ? r : l;
			const child = items[c]!;
			if (!earlier(child, t)) break;
			items[i] = child;
			child.index = i;
			i = c;
		}
		items[i] = t;
		t.index = i;
	}
}
