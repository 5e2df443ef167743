// kocoro example: a `produce` pipeline fanned out to three workers and fanned back in, a `select`
// with a timeout, and a `Mutex`-guarded cache; after five results the pipeline is cancelled
// part-way, and every `finally` says what its coroutine was doing.
//
//   npx tsx examples/pipeline.ts
//
// The output is the same on every run: the order comes from the channels, the mutex queue and
// the run queue (all FIFO), and from timers whose deadlines are far apart.
import {
	Channel,
	delay,
	Mutex,
	main,
	type ReceiveChannel,
	type Suspend,
	select,
} from "kocoro";

const LOAD_MS = 400; // a slow price lookup
const PATIENCE_MS = 250; // how long the collector waits before saying so

// ---- a cache guarded by a Mutex: each price is loaded once, whoever asks first --------------

const cacheLock = Mutex();
const prices = new Map<string, number>();
let loads = 0;

function* price(sku: string): Suspend<number> {
	// The lock is held across the load: a second asker waits, then finds the price cached.
	return yield* cacheLock.withLock(function* () {
		const cached = prices.get(sku);
		if (cached !== undefined) return cached;
		loads++;
		console.log(`cache: loading ${sku}`);
		yield* delay(LOAD_MS);
		const p = sku.length * 10 + loads;
		prices.set(sku, p);
		return p;
	});
}

// ---- the pipeline ------------------------------------------------------------------------

function* worker(
	w: number,
	orders: ReceiveChannel<number>,
	results: Channel<string>,
): Suspend<void> {
	let doing = "waiting for an order";
	try {
		// Fan-out: the workers share one channel; each order goes to exactly one of them.
		for (const it = orders.iterator(); yield* it.hasNext(); ) {
			const id = it.next();
			const sku = id % 2 === 0 ? "apple" : "pear";
			doing = `pricing order ${id}`;
			const p = yield* price(sku);
			doing = `handing over order ${id}`;
			// Fan-in: every worker sends to the one results channel.
			yield* results.send(`order ${id}: ${sku} costs ${p} (worker ${w})`);
			doing = "waiting for an order";
		}
	} finally {
		console.log(`worker ${w}: finally (was ${doing})`);
	}
}

main(function* () {
	const results = Channel<string>();
	const pipeline = this.launch(function* () {
		const orders = this.produce<number>(function* () {
			let id = 0;
			try {
				for (;;) {
					yield* this.send(++id);
					console.log(`producer: order ${id} taken`);
				}
			} finally {
				console.log(`producer: finally (was sending order ${id})`);
			}
		});
		for (let w = 1; w <= 3; w++) {
			this.launch(function* () {
				yield* worker(w, orders, results);
			});
		}
	});

	// The collector: the next result, or a line when none came within PATIENCE_MS.
	let received = 0;
	while (received < 5) {
		const line = yield* select<string>((b) => {
			b.onReceive(results, (r) => {
				received++;
				return `collector: ${r}`;
			});
			b.onTimeout(
				PATIENCE_MS,
				() => `collector: nothing for ${PATIENCE_MS} ms`,
			);
		});
		console.log(line);
	}

	console.log("collector: enough, cancelling the pipeline");
	yield* pipeline.cancelAndJoin();
	console.log(
		`done: ${received} results, ${loads} cache loads, pipeline cancelled: ${pipeline.isCancelled}`,
	);
});
