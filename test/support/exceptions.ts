/**
 * Stand-ins for the JVM exceptions the kotlinx.coroutines guide throws, so that a ported example
 * prints `IOException` where Kotlin prints `java.io.IOException`. `String(e)` is the class name
 * alone when there is no message, `Name: message` otherwise, like Kotlin's `toString()`.
 */
export class IOException extends Error {
	override name = "IOException";
}

export class ArithmeticException extends Error {
	override name = "ArithmeticException";
}

export class AssertionError extends Error {
	override name = "AssertionError";
}

export class IndexOutOfBoundsException extends Error {
	override name = "IndexOutOfBoundsException";
}

/** Kotlin's `exception.suppressed` (K3): the array, or an empty one when absent. */
export function suppressedOf(e: unknown): Error[] {
	const list = (e as { suppressed?: Error[] } | null)?.suppressed;
	return list === undefined ? [] : list;
}
