/**
 * Undoes a registration (a completion handler, a timer). Disposing twice does nothing.
 *
 * @example
 * const handle = job.invokeOnCompletion((cause) => console.log("done:", cause));
 * handle.dispose(); // the handler will not run
 */
export interface DisposableHandle {
	dispose(): void;
	[Symbol.dispose](): void;
}

class NoopHandle implements DisposableHandle {
	dispose(): void {}
	[Symbol.dispose](): void {}
	toString(): string {
		return "NonDisposableHandle";
	}
}

/** The handle of a registration that needs no undoing (a handler that already ran). */
export const NonDisposableHandle: DisposableHandle = new NoopHandle();

// A consumer whose `lib` lacks `esnext.disposable` (e.g. `lib: ["es2022", "dom"]` with
// `skipLibCheck: false`) still compiles these declarations: the one member of that lib they
// use is declared here as the lib declares it, so the two merge where both are present.
declare global {
	interface SymbolConstructor {
		readonly dispose: unique symbol;
	}
}
