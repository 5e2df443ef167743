// A flow pipeline over the local demo server: at most two requests in flight (flatMapMerge),
// 503s retried with a growing backoff (retryWhen), a failing page replaced by a fallback (catch),
// every stage's end reported (onCompletion), and the whole pipeline cancelled part-way once three
// results came (take): the request still running is cancelled and every `finally` shows.
import {
	awaitPromise,
	CancellationException,
	delay,
	flow,
	flowOf,
	main,
	NonCancellable,
	withContext,
} from "kocoro";
import { startDemoServer } from "./demo-server.js";

class HttpError extends Error {
	constructor(
		readonly status: number,
		path: string,
	) {
		super(`${path} answered ${status}`);
	}
}

main(function* () {
	const server = yield* awaitPromise(startDemoServer());
	try {
		/** One GET as a flow of its body; the request is aborted if the collector is cancelled. */
		const get = (path: string) =>
			flow<string>(function* () {
				try {
					const res = yield* awaitPromise((signal) =>
						fetch(`${server.url}/${path}`, { signal }),
					);
					const body = yield* awaitPromise(res.text());
					if (res.status !== 200) throw new HttpError(res.status, path);
					yield* this.emit(`${path}: ${body}`);
				} finally {
					console.log(`  finally: request ${path} done`);
				}
			})
				.retryWhen(function* (e, attempt) {
					if (!(e instanceof HttpError) || e.status !== 503 || attempt >= 3)
						return false;
					const backoff = 150 * 2 ** attempt;
					console.log(`  retry ${path} in ${backoff} ms (${e.message})`);
					yield* delay(backoff);
					return true;
				})
				.catch(function* (e) {
					yield* this.emit(`${path}: fallback (${e.message})`);
				});

		const results = yield* flowOf("page/2", "flaky/1", "broken/1", "slow/1")
			.flatMapMerge(2, get)
			.onCompletion((cause) => {
				const how =
					cause === null
						? "completed"
						: cause instanceof CancellationException
							? "cancelled downstream (take has its three results)"
							: `failed: ${cause.message}`;
				console.log(`pipeline ended: ${how}`);
			})
			.take(3)
			.onEach((line) => console.log(`got ${line}`))
			.toList();
		console.log(`${results.length} results; the slow request was cancelled`);
	} finally {
		yield* withContext(NonCancellable, function* () {
			yield* awaitPromise(server.close());
			console.log("finally: server closed");
		});
	}
});
