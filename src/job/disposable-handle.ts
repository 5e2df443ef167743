/** Undoes a registration (a completion handler, a timer). Disposing twice does nothing. */
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
