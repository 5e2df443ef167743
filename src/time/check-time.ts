/**
 * Validates a time in milliseconds. Negative values mean "now" (as in Kotlin), `Infinity` means
 * "never"; NaN and non-numbers are programming errors that must not turn into silent hangs.
 */
export function checkTime(time: unknown, where: string): number {
	if (typeof time !== "number") {
		throw new TypeError(
			`${where}: timeMillis must be a number of milliseconds, got ${time === null ? "null" : typeof time}`,
		);
	}
	if (Number.isNaN(time)) {
		throw new RangeError(
			`${where}: timeMillis is NaN; pass a number of milliseconds`,
		);
	}
	return time;
}
