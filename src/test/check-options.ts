/** Throws a TypeError naming `where` unless `options` is an options object (or undefined). */
export function checkOptions(options: unknown, where: string): void {
	if (options === undefined) return;
	if (
		typeof options !== "object" ||
		options === null ||
		Array.isArray(options)
	) {
		throw new TypeError(
			`${where}: options must be an object ({ ... }), got ${options === null ? "null" : Array.isArray(options) ? "an array" : typeof options}`,
		);
	}
}
