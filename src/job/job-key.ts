import { CoroutineContextKey } from "../context/coroutine-context.js";
import type { Job } from "./job-types.js";

/** Kotlin's `Job.Key`, in a module of its own so that job implementations can import it. */
export const JobKey = new CoroutineContextKey<Job>("Job");
