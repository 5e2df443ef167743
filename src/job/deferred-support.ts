import { IllegalStateException } from "../errors/exceptions.js";
import type { JobSupport } from "./job-support.js";

/** `getCompleted()` of a deferred job: the value; throws if not complete, rethrows its failure. */
export function getCompletedOf<T>(job: JobSupport): T {
	if (!job.isCompleted) {
		throw new IllegalStateException(
			`This deferred value has not completed yet: ${job}`,
		);
	}
	const failure = job.completionFailure();
	if (failure !== null) throw failure;
	return job.completedValue() as T;
}

const promises = new WeakMap<JobSupport, Promise<unknown>>();

/** `asPromise()`: one Promise per deferred, settled with its outcome. */
export function promiseOf<T>(job: JobSupport): Promise<T> {
	let p = promises.get(job);
	if (p === undefined) {
		p = new Promise<unknown>((resolve, reject) => {
			job.invokeOnCompletion((cause) => {
				if (cause === null) resolve(job.completedValue());
				else reject(job.completionFailure() ?? cause);
			});
		});
		promises.set(job, p);
	}
	return p as Promise<T>;
}
