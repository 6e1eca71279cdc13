#!/usr/bin/env node
/**
 * The production build: the `schakel` command (and with it every service, the console and the
 * stack it hosts) bundled into one ES module that plain Node runs, `dist/schakel.mjs`.
 *
 * Development and the tests run the TypeScript sources through tsx (services/cli/bin/schakel.mjs).
 * A long-running process pays for that: tsx's loader runs in a thread of its own with its own
 * heap, and every module is transformed as it loads. The bundle needs neither, so `npm start`
 * builds it (about a second) and runs it. Only the workspace packages (`@schakel/*`) are bundled;
 * every other package is imported from node_modules as it is.
 *
 * Source files find their neighbours through `import.meta.url` (the registry, the persons file,
 * the console's stylesheet, the contract schemas): in the bundle each such use is rewritten to the
 * source file's own URL, relative to the bundle, so those files are read where they lie.
 *
 *   node infra/scripts/build-production.mjs [--entry services/cli/src/main.ts] [--out dist/schakel.mjs] [--metafile]
 *
 * `--entry` builds another program the same way (the benchmark builds its console probe with it);
 * the output must lie inside the repository, so that its imports find node_modules.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const OUT = path.resolve(ROOT, outIndex >= 0 ? args[outIndex + 1] : "dist/schakel.mjs");
const entryIndex = args.indexOf("--entry");
const ENTRY = path.resolve(ROOT, entryIndex >= 0 ? args[entryIndex + 1] : "services/cli/src/main.ts");

/**
 * Modules that start a worker thread from a file of their own: when they run compiled (their
 * `import.meta.url` is not a `.ts` file) they start the compiled worker beside them, so their
 * `import.meta.url` stays the bundle's and the worker is built next to it under the name they expect.
 */
const WORKERS = [
  { starter: "contracts/src/bus/crypto-pool.ts", worker: "contracts/src/bus/crypto-worker.ts", out: "crypto-worker.js" },
];
const STARTERS = new Set(WORKERS.map((w) => path.join(ROOT, w.starter)));

/** Workspace packages are bundled; every other bare import stays an import of node_modules. */
const externalPackages = {
  name: "external-packages",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (a) => {
      if (a.path.startsWith("@schakel/")) return undefined;
      return { path: a.path, external: true };
    });
  },
};

/**
 * Packages a command needs only now and then, imported when first called rather than at start:
 * tsx's loader (`schakel replay --handler` loads a TypeScript handler module) weighs ~15 MB in
 * every process that imports it, and only a replay into a local handler uses it.
 */
const LAZY = {
  "tsx/esm/api": `export const tsImport = async (...args) => (await import("tsx/esm/api")).tsImport(...args);`,
};
const lazyPackages = {
  name: "lazy-packages",
  setup(b) {
    b.onResolve({ filter: /.*/ }, (a) => (a.path in LAZY && a.namespace === "file" ? { path: a.path, namespace: "lazy" } : undefined));
    b.onLoad({ filter: /.*/, namespace: "lazy" }, (a) => ({ contents: LAZY[a.path], loader: "js" }));
  },
};

/** `import.meta.url` in a source file means that file, wherever the bundle lies. */
const sourceUrls = {
  name: "source-urls",
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (a) => {
      if (a.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      let contents = await readFile(a.path, "utf8");
      if (contents.includes("import.meta.url") && !STARTERS.has(a.path)) {
        const relative = path.relative(path.dirname(OUT), a.path).split(path.sep).join("/");
        contents = contents.replaceAll("import.meta.url", `new URL(${JSON.stringify(relative)}, import.meta.url).href`);
      }
      return { contents, loader: "ts" };
    });
  },
};

const started = performance.now();
const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  sourcemap: "linked",
  // Names as written: no per-closure `__name` wrapper (a cost tsx adds to every function made at run time).
  keepNames: false,
  legalComments: "none",
  // V8 keeps every module's source in the heap: without comments and blank space, and in ASCII
  // (a non-ASCII character in a comment makes the whole source a two-byte string), it is a third
  // of the size. Identifiers keep their names (readable stack traces, with the linked source map).
  minifyWhitespace: true,
  minifySyntax: true,
  charset: "ascii",
  logLevel: "warning",
  plugins: [lazyPackages, externalPackages, sourceUrls],
};
const banner = (from) => ({ js: `// Built by infra/scripts/build-production.mjs from ${from}; do not edit.` });
// The program is split at its dynamic imports (each command loads its implementation when it runs):
// what only `up` or the console needs (the HTTP server, the sign-in, the mail sink) is in chunks of
// its own beside the bundle, and a process that does not run them never loads them or their
// packages. Chunks lie in the bundle's folder, so `import.meta.url` rewritten above holds for them.
// Chunks are named after their program (another program may be built into the same folder), and
// the ones of an earlier build of this program are removed first.
const OUT_DIR = path.dirname(OUT);
const NAME = path.basename(OUT, ".mjs");
const CHUNK = new RegExp(`^${NAME}-[A-Z0-9]{8}\\.mjs(\\.map)?$`);
for (const f of await readdir(OUT_DIR).catch(() => [])) if (CHUNK.test(f)) await rm(path.join(OUT_DIR, f));
const [result] = await Promise.all([
  build({
    ...common, entryPoints: { [NAME]: ENTRY }, outdir: OUT_DIR, splitting: true, chunkNames: `${NAME}-[hash]`,
    outExtension: { ".js": ".mjs" }, metafile: args.includes("--metafile"), banner: banner(path.relative(ROOT, ENTRY)),
  }),
  ...WORKERS.map((w) => build({ ...common, entryPoints: [path.join(ROOT, w.worker)], outfile: path.join(path.dirname(OUT), w.out), banner: banner(w.worker) })),
]);
if (result.metafile) {
  await (await import("node:fs/promises")).writeFile(`${OUT}.meta.json`, JSON.stringify(result.metafile));
}
process.stderr.write(`built ${path.relative(ROOT, OUT)} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
