// kocoro example: a search box. The query is a MutableStateFlow; the results are
//
//   query.debounce(300).distinctUntilChanged().flatMapLatest(search).stateIn(scope, WhileSubscribed(5000), [])
//
// so a request starts 300 ms after the last keystroke, an unchanged query starts none, and a new
// query aborts the request in flight (its fetch gets the AbortSignal). Ctrl-C cancels everything
// through main(): the request in flight is aborted, the pipeline stops, the server is closed.
//
//   npx tsx examples/search.ts     # about 3 seconds, exit code 0
import {
	awaitPromise,
	CancellationException,
	CoroutineScope,
	delay,
	flow,
	Job,
	MutableStateFlow,
	main,
	NonCancellable,
	SharingStarted,
	type StateFlow,
	type Suspend,
	withContext,
} from "kocoro";
import { startDemoServer } from "./demo-server.js";

/** What the user types, and how long they pause after each keystroke (ms). */
const KEYSTROKES: [string, number][] = [
	["k", 100],
	["ko", 100],
	["kot", 500], // debounced at 500 ms: "kot" is requested (the server takes 800 ms)
	["kotl", 100],
	["kotlin", 1_200], // debounced at 1100 ms: aborts "kot", requests "kotlin"
	["kotlinx", 100],
	["kotlin", 700], // debounced "kotlin" again: distinctUntilChanged, no new request
];

main(function* () {
	const server = yield* awaitPromise(startDemoServer());
	/** One request; a cancellation (a newer query, Ctrl-C) aborts the fetch. */
	function* search(q: string): Suspend<string[]> {
		console.log(`request "${q}"`);
		try {
			return yield* awaitPromise((signal) =>
				fetch(`${server.url}/search/${encodeURIComponent(q)}`, {
					signal,
				}).then((r) => r.json() as Promise<string[]>),
			);
		} catch (e) {
			if (e instanceof CancellationException) {
				console.log(`request "${q}" aborted: ${e.message}`);
			}
			throw e;
		}
	}
	// A view model's scope, cleared when the screen goes away.
	const viewModelScope = CoroutineScope(
		Job(this.coroutineContext.get(Job.Key)),
	);
	try {
		const query = MutableStateFlow("");
		const results: StateFlow<string[]> = query
			.debounce(300)
			.distinctUntilChanged()
			.flatMapLatest((q) =>
				flow<string[]>(function* () {
					yield* this.emit(q === "" ? [] : yield* search(q));
				}),
			)
			.onCompletion(() => console.log("search pipeline stopped"))
			.stateIn(viewModelScope, SharingStarted.WhileSubscribed(5_000), []);

		const screen = this.launch(function* () {
			yield* results.collect((r) => {
				console.log(`results: ${r.length === 0 ? "(none)" : r.join(", ")}`);
			});
		});
		for (const [text, pause] of KEYSTROKES) {
			query.value = text;
			console.log(`typed "${text}"`);
			yield* delay(pause);
		}
		screen.cancel();
	} finally {
		// Cleanup suspends: after a Ctrl-C it must run NonCancellable.
		yield* withContext(NonCancellable, function* () {
			viewModelScope.cancel("view model cleared");
			yield* (viewModelScope.coroutineContext.get(Job.Key) as Job).join();
			yield* awaitPromise(server.close());
			console.log("server closed");
		});
	}
});
