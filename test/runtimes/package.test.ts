/**
 * The package as users get it: `npm pack` (which builds dist/ first), the tarball's contents,
 * then a scratch project that installs the tarball offline and uses every entry point from plain
 * Node ESM and from TypeScript 5 and 7 (`moduleResolution` node16 and bundler, `strict`,
 * `lib: ["es2022", "dom"]`, `skipLibCheck: false`, no @types/node), and publint and attw.
 */
import {
	copyFileSync,
	mkdirSync,
	mkdtempSync,
	readFileSync,
	rmSync,
	symlinkSync,
	writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, posix } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
	entryDeclarations,
	reachableDeclarations,
} from "../../scripts/build.js";
import { describeRun, root, run, runtime } from "./runtimes.js";

const fixtures = join(root, "test/runtimes/fixtures/consumer");
let scratch = "";
let tarball = "";
let files: string[] = [];

beforeAll(() => {
	scratch = mkdtempSync(join(tmpdir(), "kocoro-package-"));
	const packed = run("npm", ["pack", "--json", "--pack-destination", scratch], {
		timeout: 180_000,
	});
	expect(packed.status, describeRun("npm pack", packed)).toBe(0);
	const [info] = JSON.parse(
		packed.stdout.slice(packed.stdout.indexOf("[")),
	) as {
		filename: string;
		files: { path: string }[];
	}[];
	tarball = join(scratch, info!.filename);
	files = info!.files.map((f) => f.path).sort();

	const project = join(scratch, "project");
	mkdirSync(project);
	writeFileSync(
		join(project, "package.json"),
		JSON.stringify({ name: "scratch", private: true, type: "module" }),
	);
	// Offline: kocoro has no runtime dependency, so nothing but the tarball is needed.
	const installed = run(
		"npm",
		[
			"install",
			"--offline",
			"--no-audit",
			"--no-fund",
			"--no-package-lock",
			tarball,
		],
		{ cwd: project, timeout: 120_000 },
	);
	expect(
		installed.status,
		describeRun("npm install <tarball>", installed),
	).toBe(0);
	// The optional peers, as a user who uses kocoro/effect and kocoro/test/arbitraries has them.
	for (const peer of ["effect", "fast-check"]) {
		symlinkSync(
			join(root, "node_modules", peer),
			join(project, "node_modules", peer),
		);
	}
	for (const f of ["consumer.ts", "consumer.mjs"]) {
		copyFileSync(join(fixtures, f), join(project, f));
	}
}, 300_000);

afterAll(() => {
	if (scratch !== "") rmSync(scratch, { recursive: true, force: true });
});

describe("the tarball", () => {
	it("holds dist/, the README, LICENSE, CHANGELOG and package.json, and no tests or sources", () => {
		for (const f of [
			"LICENSE",
			"README.md",
			"CHANGELOG.md",
			"package.json",
			"dist/index.js",
		])
			expect(files).toContain(f);
		const stray = files.filter(
			(f) =>
				!f.startsWith("dist/") &&
				!["LICENSE", "README.md", "CHANGELOG.md", "package.json"].includes(f),
		);
		expect(stray).toEqual([]);
		expect(
			files.filter(
				(f) => /(^|\/)test\/.*\.test\.|\.ts$/.test(f) && !f.endsWith(".d.ts"),
			),
		).toEqual([]);
		expect(readFileSync(join(root, "LICENSE"), "utf8")).toMatch(/^MIT License/);
	});

	it("ships no source map (a map pointing to sources the package does not hold is worse than none)", () => {
		expect(files.filter((f) => f.endsWith(".map"))).toEqual([]);
		for (const f of files.filter((f) => f.endsWith(".js"))) {
			expect(readFileSync(join(root, f), "utf8"), f).not.toContain(
				"sourceMappingURL",
			);
		}
	});

	it("ships exactly the declarations the entry points reach: no internal module's .d.ts", () => {
		const shipped = files.filter((f) => f.endsWith(".d.ts"));
		const reachable = [...reachableDeclarations(entryDeclarations())]
			.map((f) => posix.relative(root, f.replaceAll("\\", "/")))
			.sort();
		expect(shipped).toEqual(reachable);
		for (const internal of [
			"handler-list",
			"run-queue",
			"job-support",
			"timer-heap",
		])
			expect(shipped.filter((f) => f.includes(internal))).toEqual([]);
	});

	it("every relative import of a shipped .js names a shipped file", () => {
		const missing: string[] = [];
		for (const f of files.filter((f) => f.endsWith(".js"))) {
			const text = readFileSync(join(root, f), "utf8");
			for (const m of text.matchAll(
				/(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g,
			)) {
				const target = posix.join(posix.dirname(f), m[1]!);
				if (!files.includes(target)) missing.push(`${f} imports ${m[1]}`);
			}
		}
		expect(missing).toEqual([]);
	});

	it("is marked side-effect free, and its engines say what CI tests", () => {
		const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));
		expect(pkg.sideEffects).toBe(false);
		expect(pkg.engines).toEqual({ node: ">=20.16" });
		expect(pkg.license).toBe("MIT");
	});
});

describe("a scratch project that installed the tarball", () => {
	const project = () => join(scratch, "project");

	it("runs every entry point from plain Node ESM", () => {
		const r = run(process.execPath, ["consumer.mjs"], { cwd: project() });
		expect(r.status, describeRun("node consumer.mjs", r)).toBe(0);
		expect(r.stdout.split("\n")).toEqual([
			"dump names a: true",
			"sum: 3",
			"virtual time: 60000",
			"effect: 7",
			"arbitraries: object 3",
			"",
		]);
	});

	const compilers = {
		"TypeScript 5": () => join(root, "node_modules/typescript/bin/tsc"),
		"TypeScript 7": () => runtime("tsc7"),
	};
	const settings = {
		node16: { module: "node16", moduleResolution: "node16" },
		bundler: { module: "esnext", moduleResolution: "bundler" },
	};
	for (const [compiler, tsc] of Object.entries(compilers)) {
		for (const [resolution, options] of Object.entries(settings)) {
			it(`type-checks a consumer of every entry point with ${compiler}, moduleResolution ${resolution}, lib es2022+dom, skipLibCheck off`, () => {
				const config = `tsconfig.${resolution}.json`;
				writeFileSync(
					join(project(), config),
					JSON.stringify({
						compilerOptions: {
							...options,
							target: "es2022",
							lib: ["es2022", "dom"],
							types: [],
							strict: true,
							skipLibCheck: false,
							noEmit: true,
						},
						files: ["consumer.ts"],
					}),
				);
				const r = run(process.execPath, [tsc(), "-p", config], {
					cwd: project(),
					timeout: 120_000,
				});
				expect(r.status, describeRun(`${compiler} -p ${config}`, r)).toBe(0);
			}, 150_000);
		}
	}
});

describe("package linters", () => {
	it("publint finds nothing", () => {
		const r = run(join(root, "node_modules/.bin/publint"), ["--strict"]);
		expect(r.status, describeRun("publint", r)).toBe(0);
		expect(r.stdout).toContain("All good!");
	});

	it("attw finds no type resolution problem (an ES-module-only package: the esm-only profile)", () => {
		const r = run(join(root, "node_modules/.bin/attw"), [
			tarball,
			"--profile",
			"esm-only",
		]);
		expect(r.status, describeRun("attw", r)).toBe(0);
	});
});
