/**
 * The names documentation fragments use without defining them: a ```ts block or an `@example`
 * that is a fragment may use these as if they were in scope (test/docs/doc-snippets.test.ts
 * imports each one a fragment uses). Add a name here when an example needs a stand-in for the
 * user's own code; a complete program (```ts runnable) must not use any.
 */
import type { CoroutineScope, Deferred, Job, Suspend } from "kocoro";

export interface User {
	id: string;
	name: string;
}
export interface Report {
	title: string;
}

export declare const scope: CoroutineScope;
export declare const job: Job;
export declare const url: string;
export declare const id: string;
export declare const dir: string;
export declare const req: { signal: AbortSignal };
export declare function loadUser(id: string): Suspend<User>;
export declare function loadA(): Suspend<number>;
export declare function loadB(): Suspend<number>;
export declare function build(): Suspend<Report>;
export declare function renderPage(url: string): Suspend<string>;
export declare function findUser(
	id: string,
): import("effect").Effect.Effect<User>;
export interface Server {
	close(): Promise<void>;
}
export declare function startServer(): Promise<Server>;
export interface Config {
	port: number;
}
export declare const api: { getUser(id: string): Promise<User> };
export declare function render(value: unknown): void;
export declare function show(value: unknown): void;
export declare function sum(): Suspend<number>;
export declare function buildReport(): Suspend<Report>;
export declare function fetchUser(id: string): Promise<User>;
export declare function fetchJson(url: string): Suspend<unknown>;
export declare function parse(json: unknown): User;
export declare function loadData(): Suspend<string>;
export declare function fetchPage(url: string): Suspend<string>;
export declare function fetchWithRetry(url: string): Suspend<string>;
export declare function work(): Suspend<void>;
export declare function releaseRemotely(): Suspend<void>;
export declare function flushLogs(): Suspend<void>;
export declare function process(item: string): void;
export declare const items: string[];
export declare const urls: string[];
export declare const somePromise: Promise<User>;
export declare const requestSignal: AbortSignal;
export declare const userD: Deferred<User>;
export declare const postsD: Deferred<string[]>;
/** A pool of connections: `use(block)` borrows one for the block and gives it back. */
export declare class Pool {
	constructor(size: number);
	inUse: number;
	use<T>(block: () => Suspend<T>): Suspend<T>;
}
export declare const pool: Pool;
/** A storage of the request's id, as a server keeps one. */
export declare const requestId: import("node:async_hooks").AsyncLocalStorage<string>;
/** An OpenTelemetry tracer, as `trace.getTracer(name)` returns. */
export declare const tracer: import("@opentelemetry/api").Tracer;
/** An Effect service, as Effect's own examples define one. */
export declare const UserRepo: {
	find(
		id: string,
	): import("effect").Effect.Effect<User, Error, UserRepoService>;
};
export interface UserRepoService {
	readonly _: unique symbol;
}
export declare const UserRepoLive: import("effect").Layer.Layer<UserRepoService>;

// Node modules and Effect, as the examples that use them import them.
export { AsyncLocalStorage } from "node:async_hooks";
export * as fs from "node:fs";
export { readFile } from "node:fs/promises";
export { Effect } from "effect";
export { default as fc } from "fast-check";
// Test code in the docs uses Vitest and fast-check as a user's test file imports them.
export { describe, expect, it } from "vitest";
