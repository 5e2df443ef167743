/**
 * Why a `runTest` failed: uncaught coroutine failures (`errors`, the first also as `cause`),
 * coroutines left running, or the real-time limit. The message names the coroutines involved and
 * the seed, so that a failing seeded run can be replayed exactly.
 *
 * @example
 * await expect(
 *   runTest(function* () { this.launch(function* () { throw new Error("boom"); }); }),
 * ).rejects.toBeInstanceOf(RunTestError);
 */
export class RunTestError extends Error {
	/** The failures seen, first one first (empty when coroutines were only left running). */
	readonly errors: readonly Error[];
	/** The seed the test ran with (undefined: FIFO order). */
	readonly seed: number | undefined;
	/** The virtual time when the test ended, in milliseconds. */
	readonly virtualTime: number;

	constructor(
		message: string,
		details: {
			errors: readonly Error[];
			seed: number | undefined;
			virtualTime: number;
		},
	) {
		super(
			message,
			details.errors.length > 0 ? { cause: details.errors[0] } : undefined,
		);
		this.errors = details.errors;
		this.seed = details.seed;
		this.virtualTime = details.virtualTime;
	}
}

/**
 * `runTest` ended with coroutines still running outside `backgroundScope`, or its body did not
 * finish within the real-time limit. The message holds a dump of the live coroutines (with their
 * creation sites when `DebugProbes` are installed).
 *
 * @example
 * await expect(
 *   runTest(function* () { this.launch(function* () { yield* awaitCancellation(); }); }, { timeout: 100 }),
 * ).rejects.toBeInstanceOf(UncompletedCoroutinesError);
 */
export class UncompletedCoroutinesError extends RunTestError {}

for (const type of [RunTestError, UncompletedCoroutinesError]) {
	Object.defineProperty(type.prototype, "name", {
		value: type.name,
		writable: true,
		configurable: true,
		enumerable: false,
	});
}
