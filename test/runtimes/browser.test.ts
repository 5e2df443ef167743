/**
 * Chromium (Debian's /usr/bin/chromium, driven by playwright-core; nothing downloads a browser):
 * the main entry, kocoro/test and kocoro/debug load and work in a page (bundled by esbuild from
 * fixtures/browser/page.ts), the run queue is fair to timers and input there, a fetch is aborted
 * when its coroutine's job is cancelled, and main() refuses to run without Node's process.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { root, runtime } from "./runtimes.js";

/** The flags of a closed-network, throwaway browser (headless comes from `headless: true`). */
const CHROMIUM_FLAGS = [
	"--no-sandbox",
	"--disable-gpu",
	"--disable-quic",
	"--no-first-run",
	"--disable-background-networking",
	"--disable-component-update",
	"--disable-sync",
];

let server: Server;
let origin = "";
let profile = "";
let context: BrowserContext;
let page: Page;
/** The never-answered request of the fetch test: resolves when the browser closes it. */
let hangStarted = false;
let hangClosed: Promise<void> = Promise.resolve();

const src = (p: string) => join(root, "src", p);

async function bundlePage(): Promise<string> {
	const result = await build({
		entryPoints: [join(root, "test/runtimes/fixtures/browser/page.ts")],
		bundle: true,
		format: "esm",
		platform: "browser",
		target: "es2022",
		write: false,
		logLevel: "silent",
		alias: {
			kocoro: src("index.ts"),
			"kocoro/test": src("test/index.ts"),
			"kocoro/debug": src("debug/index.ts"),
		},
	});
	return result.outputFiles[0]!.text;
}

beforeAll(async () => {
	const script = await bundlePage();
	server = createServer((req, res) => {
		if (req.url === "/") {
			res.setHeader("content-type", "text/html");
			res.end(
				'<!doctype html><title>kocoro</title><button id="stop">stop</button><script type="module" src="/page.js"></script>',
			);
		} else if (req.url === "/page.js") {
			res.setHeader("content-type", "text/javascript");
			res.end(script);
		} else if (req.url === "/hang/started") {
			res.end(hangStarted ? "yes" : "no");
		} else if (req.url === "/hang") {
			hangStarted = true;
			hangClosed = new Promise((resolve) => res.on("close", resolve));
			// No answer, not even headers (fetch would resolve on them): only the client's
			// abort ends this request.
		} else {
			res.statusCode = 404;
			res.end();
		}
	});
	await new Promise<void>((resolve) =>
		server.listen(0, "127.0.0.1", () => resolve()),
	);
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	profile = mkdtempSync(join(tmpdir(), "kocoro-chromium-"));
	context = await chromium.launchPersistentContext(profile, {
		executablePath: runtime("chromium"),
		headless: true,
		args: CHROMIUM_FLAGS,
	});
	page = context.pages()[0] ?? (await context.newPage());
	const errors: string[] = [];
	page.on("pageerror", (e) => errors.push(String(e)));
	await page.goto(`${origin}/`);
	await page.waitForFunction(() => "kocoroChecks" in globalThis);
	expect(errors).toEqual([]);
}, 120_000);

afterAll(async () => {
	await context?.close();
	server?.closeAllConnections();
	await new Promise((resolve) => server?.close(resolve));
	if (profile !== "") rmSync(profile, { recursive: true, force: true });
});

/** Calls `window.kocoroChecks[name](...args)` in the page. */
function check<T>(name: string, ...args: unknown[]): Promise<T> {
	return page.evaluate(
		([n, a]) =>
			(
				globalThis as unknown as {
					kocoroChecks: Record<string, (...x: unknown[]) => unknown>;
				}
			).kocoroChecks[n as string]!(...(a as unknown[])),
		[name, args] as const,
	) as Promise<T>;
}

describe("Chromium", () => {
	it("runs the main entry, kocoro/test (virtual time) and kocoro/debug (a dump naming the coroutine)", async () => {
		expect(await check("entries")).toEqual({
			sum: 42,
			timedOut: null,
			virtual: 60_000,
			dumpNamesAdder: true,
		});
	});

	it("a coroutine looping on yieldNow() starves neither a setTimeout(0) nor a click handler", async () => {
		expect(await check("startBusyLoop")).toBe("started");
		// A real click through the browser's input pipeline, while the loop runs.
		await page.click("#stop", { timeout: 10_000 });
		await page.waitForFunction(
			() =>
				(globalThis as unknown as { busy: { looping: boolean } }).busy
					.looping === false,
			undefined,
			{ timeout: 15_000 },
		);
		const state = await check<{
			steps: number;
			timerFiredAtStep: number;
			clickedAtStep: number;
			endedBy: string;
		}>("busyLoopState");
		// Both ran while the loop was going (not before its first step, not after it ended),
		// and the loop ended because of them, not at its 10 s deadline.
		expect(state.endedBy).toBe("click");
		expect(state.timerFiredAtStep).toBeGreaterThan(0);
		expect(state.clickedAtStep).toBeGreaterThan(0);
		expect(state.steps).toBeGreaterThan(state.clickedAtStep);
	});

	it("cancelling a coroutine's job aborts its fetch (the local server sees the request closed)", async () => {
		const result = await check("fetchCancelled", `${origin}/hang`);
		await hangClosed;
		// fetch rejects with the signal's reason: the job's cancellation exception.
		expect(result).toEqual({
			fetchError: "JobCancellationException",
			outcome: "cancelled",
			jobCancelled: true,
		});
	});

	it("main() throws at once, naming what to use in a browser", async () => {
		expect(await check("mainOutsideNode")).toBe(
			"Error: main: needs Node's `process` (it handles SIGINT/SIGTERM and sets the exit code), " +
				"and this runtime has none. In a browser or a worker, start the root coroutine with " +
				"GlobalScope.launch(...) or runCoroutine(...) and cancel its job yourself.",
		);
	});
});
