/**
 * A CoroutineScope that forwards every member to another scope: the base of the scopes kocoro
 * hands to a body as `this` with more on top (`produce` and `actor` bodies, `runTest`'s TestScope).
 */
import type { ReceiveChannel, SendChannel } from "../channels/channel-types.js";
import type { CoroutineContext } from "../context/coroutine-context.js";
import type { Deferred, Job } from "../job/job.js";
import type { CoroutineScope } from "./coroutine-scope.js";

/** @internal Every CoroutineScope member goes to `scope`. */
export abstract class ScopeDelegate {
	constructor(protected readonly scope: CoroutineScope) {}
	get coroutineContext(): CoroutineContext {
		return this.scope.coroutineContext;
	}
	get isActive(): boolean {
		return this.scope.isActive;
	}
	ensureActive(): void {
		this.scope.ensureActive();
	}
	launch(...args: unknown[]): Job {
		return (this.scope.launch as (...a: unknown[]) => Job).apply(
			this.scope,
			args,
		);
	}
	async<T>(...args: unknown[]): Deferred<T> {
		return (this.scope.async as (...a: unknown[]) => Deferred<T>).apply(
			this.scope,
			args,
		);
	}
	promise<T>(...args: unknown[]): Promise<T> {
		return (this.scope.promise as (...a: unknown[]) => Promise<T>).apply(
			this.scope,
			args,
		);
	}
	produce<E>(...args: unknown[]): ReceiveChannel<E> {
		return (this.scope.produce as (...a: unknown[]) => ReceiveChannel<E>).apply(
			this.scope,
			args,
		);
	}
	actor<E>(...args: unknown[]): SendChannel<E> {
		return (this.scope.actor as (...a: unknown[]) => SendChannel<E>).apply(
			this.scope,
			args,
		);
	}
}
