/** How many `Caused by:` levels are printed before the chain is cut. */
const MAX_CAUSE_DEPTH = 16;

/**
 * The text `main()` prints for a failure, in the shape of the JVM's uncaught exception report:
 *
 *   Exception in coroutine "loader": Error: boom
 *       at ...
 *   Caused by: TypeError: ...
 *   	Suppressed: Error: ...
 *
 * `coroutineName` is the `CoroutineName` of the failing coroutine's context (inherited from its
 * parent when it has none of its own), or null for the main coroutine's plain header.
 */
export function formatFailure(
	failure: Error,
	coroutineName: string | null,
): string {
	const name = coroutineName;
	const where =
		name === null ? "main coroutine" : `coroutine ${JSON.stringify(name)}`;
	const lines = [`Exception in ${where}: ${describeError(failure)}`];
	const seen = new Set<unknown>([failure]);
	appendFrames(lines, failure, "");
	appendSuppressed(lines, failure, "\t", seen);
	let cause: unknown = failure.cause;
	for (let depth = 0; cause !== undefined && depth < MAX_CAUSE_DEPTH; depth++) {
		if (seen.has(cause)) {
			lines.push(`Caused by: [circular reference: ${describeError(cause)}]`);
			break;
		}
		seen.add(cause);
		lines.push(`Caused by: ${describeError(cause)}`);
		if (!(cause instanceof Error)) break;
		appendFrames(lines, cause, "");
		appendSuppressed(lines, cause, "\t", seen);
		cause = cause.cause;
	}
	return `${lines.join("\n")}\n`;
}

function describeError(e: unknown): string {
	try {
		return String(e);
	} catch {
		return Object.prototype.toString.call(e);
	}
}

/** The stack's frames: the stack minus the `Name: message` header it starts with. */
function appendFrames(lines: string[], e: Error, indent: string): void {
	const stack = typeof e.stack === "string" ? e.stack : "";
	const header = describeError(e);
	const frames = stack.startsWith(header)
		? stack.slice(header.length)
		: `\n${stack}`;
	for (const line of frames.split("\n")) {
		if (line.trim() !== "") lines.push(`${indent}${line}`);
	}
}

function appendSuppressed(
	lines: string[],
	e: Error,
	indent: string,
	seen: Set<unknown>,
): void {
	const suppressed = (e as Error & { suppressed?: unknown }).suppressed;
	if (!Array.isArray(suppressed)) return;
	for (const s of suppressed) {
		if (seen.has(s)) continue;
		seen.add(s);
		lines.push(`${indent}Suppressed: ${describeError(s)}`);
		if (s instanceof Error) appendFrames(lines, s, indent);
	}
}
