/**
 * The small language of generated programs, and their fast-check generator.
 *
 * A program is a tree of bodies: the root body, and the bodies of the `launch`, `async` and
 * scoping statements inside it. Every `launch`/`async` gets a name (`c1`, `c2`, ... in pre-order,
 * the root being index 0) and every scope a name (`s1`, ...). Statements:
 *
 * - `delay ms` (ms may be 0), `yield`, `loop n` (n times: `ensureActive(); yieldNow()`);
 * - `launch`/`async` of a named child, `coroutineScope`/`supervisorScope`/
 *   `withContext(NonCancellable)`/`withTimeout ms`/`withTimeoutOrNull ms` around a body;
 * - `throw eN` (a fresh failure), `cancel cN`, `join cN`, `await cN`;
 * - `try { ... } catch` that swallows everything (`catchAll`) or only failures (rethrows CEs).
 *
 * A body may end with a cleanup: its `finally` runs `withContext(NonCancellable) { delay(ms) }`.
 *
 * Termination: `join`/`await` only target coroutines with a larger pre-order index than the
 * coroutine they appear in, so no chain of waits can come back to its start (parents wait for
 * children, which have larger indices too). A target not created yet when the statement runs is
 * skipped (and the trace says so).
 */
import fc from "fast-check";

export type ScopeKind =
	| "coroutineScope"
	| "supervisorScope"
	| "nonCancellable"
	| "withTimeout"
	| "withTimeoutOrNull";

/** CoroutineStart of a launch/async. LAZY only where a join/await is sure to start it (forks). */
export type Start = "DEFAULT" | "LAZY" | "ATOMIC" | "UNDISPATCHED";

export type Stmt =
	| { readonly k: "delay"; readonly ms: number }
	| { readonly k: "yield" }
	| { readonly k: "loop"; readonly n: number }
	| {
			readonly k: "launch" | "async";
			readonly name: string;
			readonly start: Start;
			readonly body: Body;
	  }
	| {
			readonly k: "scope";
			readonly kind: ScopeKind;
			readonly name: string;
			readonly ms: number;
			readonly body: Body;
	  }
	| { readonly k: "throw"; readonly id: string }
	| { readonly k: "cancel"; readonly target: string }
	| { readonly k: "cancelAndJoin"; readonly target: string }
	| { readonly k: "join"; readonly target: string }
	| { readonly k: "await"; readonly target: string }
	| {
			readonly k: "try";
			readonly stmts: readonly Stmt[];
			readonly catchAll: boolean;
	  };

export interface Body {
	readonly stmts: readonly Stmt[];
	/** Milliseconds of NonCancellable cleanup in the body's `finally`, or null for none. */
	readonly cleanup: number | null;
}

export interface Program {
	readonly root: Body;
	/** launch/async names in pre-order, with their kind and the name of their parent job. */
	readonly coroutines: readonly {
		name: string;
		kind: "launch" | "async";
		parent: string;
	}[];
}

// ---- generation: a raw tree with unresolved targets, then naming and target resolution ----

type RawStmt =
	| { k: "delay"; ms: number }
	| { k: "yield" }
	| { k: "loop"; n: number }
	| { k: "launch" | "async"; start: Start; body: RawBody }
	| { k: "scope"; kind: ScopeKind; ms: number; body: RawBody }
	| { k: "throw" }
	| { k: "cancel" | "join" | "await"; pick: number }
	| { k: "try"; stmts: RawStmt[]; catchAll: boolean }
	| {
			k: "fork";
			kind: "launch" | "async";
			start: Start;
			body: RawBody;
			between: RawStmt[];
			then: "join" | "await" | "cancel" | "cancelAndJoin";
	  };

interface RawBody {
	stmts: RawStmt[];
	cleanup: number | null;
}

/** Weights that bias generation toward one invariant; 0 leaves a construct out. */
export interface ProgramShape {
	/** Deepest nesting of bodies. */
	readonly maxDepth: number;
	/** `throw` among the simple statements. */
	readonly throws: number;
	/** `cancel` among the simple statements. */
	readonly cancels: number;
	/** Each of withTimeout and withTimeoutOrNull among the scopes. */
	readonly timeouts: number;
	/** supervisorScope among the scopes (coroutineScope has 3). */
	readonly supervisors: number;
	/** withContext(NonCancellable) among the scopes. */
	readonly nonCancellable: number;
	/** launch/async (and forks) among the statements of a body that may nest. */
	readonly children: number;
	/**
	 * Sibling groups: a supervisorScope or coroutineScope of 2–4 children that wait and some of
	 * which fail, so that failures meet running siblings (P6, V1, E6).
	 */
	readonly groups: number;
	/** fast-check's option `freq` for a body's cleanup: 1 in `cleanups` bodies has none. */
	readonly cleanups: number;
}

export const DEFAULT_SHAPE: ProgramShape = {
	maxDepth: 3,
	throws: 1,
	cancels: 2,
	timeouts: 2,
	supervisors: 3,
	nonCancellable: 2,
	children: 2,
	groups: 1,
	cleanups: 4,
};

/**
 * `KOCORO_PROPERTY_SIZE`: `small` (the default, for CI) or `large` (one more level of nesting
 * and longer bodies: about four times the coroutines per program, for long local runs).
 */
export const PROGRAM_SIZE = programSize(process.env.KOCORO_PROPERTY_SIZE);

function programSize(env: string | undefined): "small" | "large" {
	if (env === undefined || env === "" || env === "small") return "small";
	if (env === "large") return "large";
	throw new RangeError(
		`KOCORO_PROPERTY_SIZE must be "small" or "large", got ${JSON.stringify(env)}`,
	);
}

/** Statements per body at each depth. */
const BODY_LENGTHS = PROGRAM_SIZE === "large" ? [7, 5, 4, 3, 2] : [5, 4, 3, 2];

const DELAYS = [0, 1, 2, 3, 5, 10] as const;
const TIMEOUTS = [1, 2, 3, 5, 8, 20] as const;
const CLEANUPS = [1, 2, 4] as const;

/** `throw` only below the root body: a root that fails at once ends the program before its
 * children do anything interesting. */
function simpleStmt(shape: ProgramShape, depth: number): fc.Arbitrary<RawStmt> {
	const options: fc.WeightedArbitrary<RawStmt>[] = [
		{
			weight: 6,
			arbitrary: fc
				.constantFrom(...DELAYS)
				.map((ms): RawStmt => ({ k: "delay", ms })),
		},
		{ weight: 1, arbitrary: fc.constant<RawStmt>({ k: "yield" }) },
		{
			weight: 1,
			arbitrary: fc
				.integer({ min: 1, max: 3 })
				.map((n): RawStmt => ({ k: "loop", n })),
		},
		{
			weight: 2,
			arbitrary: fc.nat().map((pick): RawStmt => ({ k: "join", pick })),
		},
		{
			weight: 2,
			arbitrary: fc.nat().map((pick): RawStmt => ({ k: "await", pick })),
		},
	];
	if (shape.throws > 0 && depth > 0) {
		options.push({
			weight: shape.throws,
			arbitrary: fc.constant<RawStmt>({ k: "throw" }),
		});
	}
	if (shape.cancels > 0) {
		options.push({
			weight: shape.cancels,
			arbitrary: fc.nat().map((pick): RawStmt => ({ k: "cancel", pick })),
		});
	}
	return fc.oneof(...options);
}

function scopeKind(shape: ProgramShape): fc.Arbitrary<ScopeKind> {
	const kinds: fc.WeightedArbitrary<ScopeKind>[] = [
		{ weight: 3, arbitrary: fc.constant<ScopeKind>("coroutineScope") },
	];
	if (shape.supervisors > 0) {
		kinds.push({
			weight: shape.supervisors,
			arbitrary: fc.constant<ScopeKind>("supervisorScope"),
		});
	}
	if (shape.nonCancellable > 0) {
		kinds.push({
			weight: shape.nonCancellable,
			arbitrary: fc.constant<ScopeKind>("nonCancellable"),
		});
	}
	if (shape.timeouts > 0) {
		kinds.push(
			{
				weight: shape.timeouts,
				arbitrary: fc.constant<ScopeKind>("withTimeout"),
			},
			{
				weight: shape.timeouts,
				arbitrary: fc.constant<ScopeKind>("withTimeoutOrNull"),
			},
		);
	}
	return fc.oneof(...kinds);
}

const eagerStart: fc.Arbitrary<Start> = fc.oneof(
	{ weight: 6, arbitrary: fc.constant<Start>("DEFAULT") },
	{ weight: 1, arbitrary: fc.constant<Start>("ATOMIC") },
	{ weight: 1, arbitrary: fc.constant<Start>("UNDISPATCHED") },
);

/** A sibling group (see ProgramShape.groups). */
function siblingGroup(shape: ProgramShape): fc.Arbitrary<RawStmt> {
	const child = fc
		.tuple(
			fc.constantFrom<"launch" | "async">("launch", "async"),
			fc.constantFrom(...DELAYS),
			shape.throws > 0 ? fc.boolean() : fc.constant(false),
			fc.option(fc.constantFrom(...CLEANUPS), { freq: 2 }),
		)
		.map(
			([k, ms, fails, cleanup]): RawStmt => ({
				k,
				start: "DEFAULT",
				body: {
					stmts: [
						{ k: "delay", ms },
						fails ? { k: "throw" } : { k: "delay", ms: 10 },
					],
					cleanup,
				},
			}),
		);
	return fc
		.tuple(
			fc.constantFrom<ScopeKind>(
				"supervisorScope",
				"supervisorScope",
				"coroutineScope",
			),
			fc.array(child, { minLength: 2, maxLength: 4 }),
			fc.array(fc.nat(), { maxLength: 2 }),
		)
		.map(
			([kind, children, waits]): RawStmt => ({
				k: "scope",
				kind,
				ms: 1,
				body: {
					// The block may also await or join some of its children.
					stmts: [
						...children,
						...waits.map((pick): RawStmt => ({ k: "await", pick })),
					],
					cleanup: null,
				},
			}),
		);
}

/**
 * Fewer and shorter bodies the deeper we are, so programs stay small (about 2–12 jobs; with
 * `KOCORO_PROPERTY_SIZE=large`, one level deeper and longer).
 */
function rawBody(depth: number, shape: ProgramShape): fc.Arbitrary<RawBody> {
	const maxLength = BODY_LENGTHS[depth] ?? 2;
	const children = shape.children * (PROGRAM_SIZE === "large" ? 2 : 1);
	const nested =
		depth <
		shape.maxDepth + (PROGRAM_SIZE === "large" && shape.maxDepth > 0 ? 1 : 0);
	const stmt: fc.Arbitrary<RawStmt> = nested
		? fc.oneof(
				{ weight: 6, arbitrary: simpleStmt(shape, depth) },
				{
					weight: children,
					arbitrary: fc
						.tuple(
							fc.constantFrom<"launch" | "async">("launch", "async"),
							eagerStart,
							fc.constant(null).chain(() => rawBody(depth + 1, shape)),
						)
						.map(([k, start, body]): RawStmt => ({ k, start, body })),
				},
				{
					weight: 2,
					arbitrary: fc
						.tuple(
							scopeKind(shape),
							fc.constantFrom(...TIMEOUTS),
							fc.constant(null).chain(() => rawBody(depth + 1, shape)),
						)
						.map(
							([kind, ms, body]): RawStmt => ({
								k: "scope",
								kind,
								ms,
								body,
							}),
						),
				},
				{
					weight: children,
					arbitrary: fc
						.tuple(
							fc.constantFrom<"launch" | "async">("launch", "async"),
							fc.oneof(
								{ weight: 3, arbitrary: eagerStart },
								{ weight: 1, arbitrary: fc.constant<Start>("LAZY") },
							),
							fc.constant(null).chain(() => rawBody(depth + 1, shape)),
							fc.array(simpleStmt(shape, depth), { maxLength: 2 }),
							fc.constantFrom<"join" | "await" | "cancel" | "cancelAndJoin">(
								"join",
								"await",
								"await",
								...(shape.cancels > 0
									? (["cancel", "cancelAndJoin"] as const)
									: []),
							),
						)
						.map(
							([kind, start, body, between, then]): RawStmt => ({
								k: "fork",
								kind,
								// A lazy child is started by the join/await; `cancel` alone would leave
								// it New (and its parent waiting forever, M1).
								start:
									start === "LAZY" && then === "cancel" ? "DEFAULT" : start,
								body,
								between,
								then,
							}),
						),
				},
				...(shape.groups > 0
					? [{ weight: shape.groups, arbitrary: siblingGroup(shape) }]
					: []),
				{
					weight: 1,
					arbitrary: fc
						.tuple(
							fc.array(simpleStmt(shape, depth), {
								minLength: 1,
								maxLength: 3,
							}),
							fc.boolean(),
						)
						.map(
							([stmts, catchAll]): RawStmt => ({ k: "try", stmts, catchAll }),
						),
				},
			)
		: simpleStmt(shape, depth);
	return fc.record({
		stmts: fc.array(
			stmt,
			PROGRAM_SIZE === "large" ? { maxLength, size: "max" } : { maxLength },
		),
		cleanup:
			shape.cleanups > 0
				? fc.option(fc.constantFrom(...CLEANUPS), { freq: shape.cleanups })
				: fc.constant(null),
	});
}

/** Names the jobs and failures, and resolves `cancel`/`join`/`await` targets (see module doc). */
export function resolveProgram(raw: RawBody): Program {
	const coroutines: Program["coroutines"][number][] = [];
	const indexOf = new Map<string, number>([["root", 0]]);
	let scopes = 0;
	let failures = 0;
	// First pass: names in pre-order (targets may point forward, so resolve in a second pass).
	const named = new Map<RawBody, string>();
	const nameAll = (body: RawBody, parent: string): void => {
		const visit = (stmts: RawStmt[]): void => {
			for (const s of stmts) {
				if (s.k === "launch" || s.k === "async" || s.k === "fork") {
					const kind = s.k === "fork" ? s.kind : s.k;
					const name = `c${coroutines.length + 1}`;
					coroutines.push({ name, kind, parent });
					indexOf.set(name, coroutines.length);
					named.set(s.body, name);
					nameAll(s.body, name);
					if (s.k === "fork") visit(s.between);
				} else if (s.k === "scope") {
					const name = `s${++scopes}`;
					named.set(s.body, name);
					nameAll(s.body, name);
				} else if (s.k === "try") {
					visit(s.stmts);
				}
			}
		};
		visit(body.stmts);
	};
	nameAll(raw, "root");
	const all = coroutines.map((c) => c.name);
	// `earlier`: coroutines launched by earlier statements of the bodies being built (they exist
	// when the statement runs, unless an exception skipped their launch), preferred as targets.
	const build = (body: RawBody, owner: number, earlier: string[]): Body => {
		const convert = (stmts: RawStmt[]): Stmt[] =>
			stmts.flatMap((s): Stmt | Stmt[] => {
				switch (s.k) {
					case "fork": {
						const name = named.get(s.body)!;
						const launch: Stmt = {
							k: s.kind,
							name,
							start: s.start,
							body: build(s.body, indexOf.get(name)!, []),
						};
						earlier.push(name);
						const then: Stmt =
							s.then === "cancel" || s.then === "cancelAndJoin"
								? { k: s.then, target: name }
								: s.then === "await" && s.kind === "async"
									? { k: "await", target: name }
									: { k: "join", target: name };
						return [launch, ...convert(s.between), then];
					}
					case "launch":
					case "async": {
						const name = named.get(s.body)!;
						const stmt: Stmt = {
							k: s.k,
							name,
							start: s.start,
							body: build(s.body, indexOf.get(name)!, []),
						};
						earlier.push(name);
						return stmt;
					}
					case "scope":
						return {
							k: "scope",
							kind: s.kind,
							name: named.get(s.body)!,
							ms: s.ms,
							body: build(s.body, owner, [...earlier]),
						};
					case "try":
						return { k: "try", stmts: convert(s.stmts), catchAll: s.catchAll };
					case "throw":
						return { k: "throw", id: `e${++failures}` };
					case "cancel": {
						const from = s.pick % 2 === 0 && earlier.length > 0 ? earlier : all;
						const target = from[(s.pick >> 1) % Math.max(1, from.length)];
						return target === undefined
							? { k: "yield" }
							: { k: "cancel", target };
					}
					case "join":
					case "await": {
						const fits = (name: string): boolean =>
							indexOf.get(name)! > owner &&
							(s.k === "join" ||
								coroutines[indexOf.get(name)! - 1]!.kind === "async");
						const near = earlier.filter(fits);
						const from =
							s.pick % 4 !== 0 && near.length > 0 ? near : all.filter(fits);
						const target = from[(s.pick >> 2) % Math.max(1, from.length)];
						return target === undefined
							? { k: "delay", ms: 1 }
							: { k: s.k, target };
					}
					default:
						return s;
				}
			});
		return { stmts: convert(body.stmts), cleanup: body.cleanup };
	};
	return { root: build(raw, 0, []), coroutines };
}

/** Random programs of the given shape. */
export function programs(
	shape: ProgramShape = DEFAULT_SHAPE,
): fc.Arbitrary<Program> {
	return rawBody(0, shape).map(resolveProgram);
}

/** The program as indented pseudo-code, for failure messages. */
export function showProgram(p: Program): string {
	const out: string[] = [];
	const body = (b: Body, indent: string): void => {
		for (const s of b.stmts) stmt(s, indent);
		if (b.cleanup !== null)
			out.push(`${indent}finally: NonCancellable delay ${b.cleanup}`);
	};
	const stmt = (s: Stmt, indent: string): void => {
		switch (s.k) {
			case "launch":
			case "async":
				out.push(
					`${indent}${s.k}${s.start === "DEFAULT" ? "" : `(${s.start})`} ${s.name} {`,
				);
				body(s.body, `${indent}  `);
				out.push(`${indent}}`);
				break;
			case "scope":
				out.push(
					`${indent}${s.kind}${s.kind.startsWith("withTimeout") ? `(${s.ms})` : ""} ${s.name} {`,
				);
				body(s.body, `${indent}  `);
				out.push(`${indent}}`);
				break;
			case "try":
				out.push(`${indent}try {`);
				for (const t of s.stmts) stmt(t, `${indent}  `);
				out.push(
					`${indent}} catch ${s.catchAll ? "(everything)" : "(failures only)"}`,
				);
				break;
			case "delay":
				out.push(`${indent}delay ${s.ms}`);
				break;
			case "loop":
				out.push(`${indent}loop ${s.n} (ensureActive; yield)`);
				break;
			case "throw":
				out.push(`${indent}throw ${s.id}`);
				break;
			case "cancel":
			case "cancelAndJoin":
			case "join":
			case "await":
				out.push(`${indent}${s.k} ${s.target}`);
				break;
			default:
				out.push(`${indent}${s.k}`);
		}
	};
	out.push("root {");
	body(p.root, "  ");
	out.push("}");
	return out.join("\n");
}
