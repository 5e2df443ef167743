/**
 * The text of a job-tree dump: one line per job, children indented under their parent, each
 * coroutine with what it is doing (running, queued, suspended on what, waiting for children) and,
 * when recorded, the stack of the place that created it.
 */
import {
	AbstractCoroutine,
	currentCoroutine,
} from "../coroutine/abstract-coroutine.js";
import type { Job } from "../job/job.js";

/** Frames of kocoro's own code are dropped from creation stacks: they say nothing to a user. */
const internalDirs = packageDirs();
const MAX_STACK_FRAMES = 6;

/** What a coroutine is doing now, for the dump (empty for a finished job). */
export function activityOf(job: Job): string {
	if (job.isCompleted) return "";
	if (!(job instanceof AbstractCoroutine)) {
		return hasChildren(job) ? "waiting for its children" : "";
	}
	if (currentCoroutine() === job) return "running";
	const on = job.suspendedOn();
	if (on !== null) return `suspended on ${on}`;
	const state = job.stateString();
	if (state === "New") return "not started (lazy)";
	if (state === "Completing" || hasChildren(job))
		return "waiting for its children";
	return "queued to run";
}

function hasChildren(job: Job): boolean {
	for (const _ of job.children) return true;
	return false;
}

/** `String(job)` plus its activity: `"worker":StandaloneCoroutine{Active}@3: suspended on delay(5ms left)`. */
export function describeJob(job: Job): string {
	const activity = activityOf(job);
	return activity === "" ? String(job) : `${String(job)}: ${activity}`;
}

/** The user frames of a creation-site stack, without the header line and kocoro's own frames. */
export function userFrames(stack: string): string[] {
	return stack
		.split("\n")
		.slice(1)
		.map((line) => line.trim())
		.filter(
			(line) =>
				line.startsWith("at ") &&
				!line.includes("node:internal") &&
				!line.endsWith("(<anonymous>)") &&
				!internalDirs.some((dir) => line.includes(dir)),
		)
		.slice(0, MAX_STACK_FRAMES);
}

/** Appends the lines of `job`'s subtree to `out`, `depth` levels deep. */
export function appendSubtree(out: string[], job: Job, depth: number): void {
	const indent = "  ".repeat(depth);
	out.push(`${indent}- ${describeJob(job)}`);
	if (job instanceof AbstractCoroutine) {
		const stack = job.creationStack;
		if (stack !== undefined) {
			for (const frame of userFrames(stack))
				out.push(`${indent}    created ${frame}`);
		}
	}
	for (const child of job.children) appendSubtree(out, child, depth + 1);
}

/**
 * The dump of the trees holding `coroutines`: each tree is printed from its top-most job (a
 * coroutine, or a `Job()` of a scope), so a live coroutine always appears under its ancestors.
 */
export function formatTrees(coroutines: Iterable<Job>, title: string): string {
	const tops: Job[] = [];
	const seen = new Set<Job>();
	let count = 0;
	for (const co of coroutines) {
		count++;
		let top = co;
		for (let p = top.parent; p !== null; p = p.parent) top = p;
		if (!seen.has(top)) {
			seen.add(top);
			tops.push(top);
		}
	}
	const out = [`${title} (${count} live coroutine${count === 1 ? "" : "s"})`];
	for (const top of tops) appendSubtree(out, top, 0);
	return out.join("\n");
}

/**
 * kocoro's `src/` and `dist/` folders as a stack frame may name them: as URLs (ES modules in
 * Node, Deno, Bun and browsers) and, for a `file:` URL, as paths (Node prints paths for
 * transpiled or CommonJS code). Written without `node:url` so `kocoro/debug` loads everywhere;
 * empty when the module has no URL (a bundle in a format without `import.meta`).
 */
function packageDirs(): string[] {
	let root: URL;
	try {
		root = new URL("../..", import.meta.url);
	} catch {
		return [];
	}
	const roots = [root.href];
	if (root.protocol === "file:") {
		const path = decodeURIComponent(root.pathname);
		// file:///C:/x/ is C:\x\ on Windows.
		roots.push(
			/^\/[A-Za-z]:/.test(path) ? path.slice(1).replaceAll("/", "\\") : path,
		);
	}
	const sep = (r: string) => (r.endsWith("\\") ? "\\" : "/");
	return roots.flatMap((r) => [`${r}src${sep(r)}`, `${r}dist${sep(r)}`]);
}
