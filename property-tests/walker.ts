/**
 * Runs a program's statements against an effect interface. The same walker drives both the real
 * runtime (kocoro, through `interpreter.ts`) and the reference model (`model.ts`), so both
 * execute the same generator code and write the same trace records; only what the effects do
 * (the job tree, cancellation, scheduling) differs between them.
 *
 * Trace records are `<virtual time> <who> <what>`, `who` being the job whose block runs:
 * `start`, `exit ok|<error>` (how the body left its try), `finally`, `cleaned` (NonCancellable
 * cleanup done), `throw eN`, `cancel cN`, `join cN -> ok|<error>` (and `cancelAndJoin`),
 * `await cN -> <value|error>`,
 * `sN -> <value|null|error>` (a scope's outcome in its caller), `loop done`, `caught <error>`,
 * `<stmt> cN (missing)` for a target not created yet; and from completion handlers
 * `<job> done ok|<error>`, and `uncaught <error> from <job>` from the exception handler.
 * Errors print as `E:eN` (a program failure), `TCE`, `CE` or `other:<text>`; a `done` record
 * of a failure lists the failures suppressed by it: `done E:e1[e3,e4]` (E3).
 */
import type { Body, ScopeKind, Start, Stmt } from "./program.js";

/** A suspend call as both runtimes see it: something to `yield*`. */
export type Suspending<T> = Iterable<unknown, T, unknown>;

/** What the walker needs from a runtime. `S` is its scope handle (a job to launch into). */
export interface Effects<S> {
	record(who: string, what: string): void;
	delay(ms: number): Suspending<void>;
	yieldNow(): Suspending<void>;
	ensureActive(): void;
	launch(
		scope: S,
		name: string,
		start: Start,
		body: (scope: S) => Generator<unknown, string, unknown>,
	): void;
	async(
		scope: S,
		name: string,
		start: Start,
		body: (scope: S) => Generator<unknown, string, unknown>,
	): void;
	/** Runs a scoping function; `root` is the program's root (withContext with the handler). */
	scope(
		scope: S,
		kind: ScopeKind | "root",
		ms: number,
		name: string,
		body: (scope: S) => Generator<unknown, string, unknown>,
	): Suspending<string | null>;
	/** Cancels a named job; false if it was not created yet. */
	cancel(name: string): boolean;
	/** null: the job was not created yet. */
	join(name: string): Suspending<void> | null;
	cancelAndJoin(name: string): Suspending<void> | null;
	await(name: string): Suspending<string> | null;
	fail(id: string): Error;
	classify(e: unknown): string;
	isCancellation(e: unknown): boolean;
}

/** The body of the program's runner: the root scope, with its outcome recorded. */
export function* runProgram<S>(
	fx: Effects<S>,
	top: S,
	root: Body,
): Generator<unknown, void, unknown> {
	try {
		const v = yield* fx.scope(top, "root", 0, "root", (s) =>
			runBody(fx, s, "root", root),
		);
		fx.record("body", `root -> ${String(v)}`);
	} catch (e) {
		fx.record("body", `root -> ${fx.classify(e)}`);
	}
}

/** A job's body: its statements, then `finally` with the optional NonCancellable cleanup. */
export function* runBody<S>(
	fx: Effects<S>,
	scope: S,
	who: string,
	body: Body,
): Generator<unknown, string, unknown> {
	fx.record(who, "start");
	try {
		yield* runStmts(fx, scope, who, body.stmts);
		fx.record(who, "exit ok");
		return `v:${who}`;
	} catch (e) {
		fx.record(who, `exit ${fx.classify(e)}`);
		throw e;
	} finally {
		fx.record(who, "finally");
		const cleanup = body.cleanup;
		if (cleanup !== null) {
			yield* fx.scope(scope, "nonCancellable", 0, `${who}~nc`, function* () {
				yield* fx.delay(cleanup);
				fx.record(who, "cleaned");
				return "";
			});
		}
	}
}

function* runStmts<S>(
	fx: Effects<S>,
	scope: S,
	who: string,
	stmts: readonly Stmt[],
): Generator<unknown, void, unknown> {
	for (const s of stmts) yield* runStmt(fx, scope, who, s);
}

function* runStmt<S>(
	fx: Effects<S>,
	scope: S,
	who: string,
	s: Stmt,
): Generator<unknown, void, unknown> {
	switch (s.k) {
		case "delay":
			yield* fx.delay(s.ms);
			return;
		case "yield":
			yield* fx.yieldNow();
			return;
		case "loop":
			for (let i = 0; i < s.n; i++) {
				fx.ensureActive();
				yield* fx.yieldNow();
			}
			fx.record(who, "loop done");
			return;
		case "launch":
		case "async": {
			const { name, body } = s;
			const child = (c: S) => runBody(fx, c, name, body);
			if (s.k === "launch") fx.launch(scope, name, s.start, child);
			else fx.async(scope, name, s.start, child);
			return;
		}
		case "scope": {
			const { name, body } = s;
			try {
				const v = yield* fx.scope(scope, s.kind, s.ms, name, (c) =>
					runBody(fx, c, name, body),
				);
				fx.record(who, `${name} -> ${String(v)}`);
			} catch (e) {
				fx.record(who, `${name} -> ${fx.classify(e)}`);
				throw e;
			}
			return;
		}
		case "throw":
			fx.record(who, `throw ${s.id}`);
			throw fx.fail(s.id);
		case "cancel":
			fx.record(
				who,
				`cancel ${s.target}${fx.cancel(s.target) ? "" : " (missing)"}`,
			);
			return;
		case "join":
		case "cancelAndJoin": {
			const wait =
				s.k === "join" ? fx.join(s.target) : fx.cancelAndJoin(s.target);
			if (wait === null) {
				fx.record(who, `${s.k} ${s.target} (missing)`);
				return;
			}
			try {
				yield* wait;
				fx.record(who, `${s.k} ${s.target} -> ok`);
			} catch (e) {
				fx.record(who, `${s.k} ${s.target} -> ${fx.classify(e)}`);
				throw e;
			}
			return;
		}
		case "await": {
			const wait = fx.await(s.target);
			if (wait === null) {
				fx.record(who, `await ${s.target} (missing)`);
				return;
			}
			try {
				const v = yield* wait;
				fx.record(who, `await ${s.target} -> ${v}`);
			} catch (e) {
				fx.record(who, `await ${s.target} -> ${fx.classify(e)}`);
				throw e;
			}
			return;
		}
		case "try":
			try {
				yield* runStmts(fx, scope, who, s.stmts);
			} catch (e) {
				fx.record(who, `caught ${fx.classify(e)}`);
				if (!s.catchAll && fx.isCancellation(e)) throw e;
			}
			return;
	}
}
