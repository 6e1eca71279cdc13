/**
 * The console's own assets: the stylesheet (a file beside this one) and the script, bundled
 * once from `web/` with esbuild at first request and kept in memory. Nothing is fetched from
 * elsewhere: the machines running Schakel have no internet. esbuild is loaded at that first
 * request, not at start: a console nobody has opened in a browser does not carry it (~10 MB).
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

const CSS_PATH = fileURLToPath(new URL("./console.css", import.meta.url));
const SCRIPT_ENTRY = fileURLToPath(new URL("../../web/console.ts", import.meta.url));

/** A served asset: body and content type. */
export interface Asset {
  body: string;
  type: string;
}

export const FAVICON: Asset = {
  type: "image/svg+xml",
  body: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#17325c"/><path d="M9 20a5 5 0 0 1 0-8h5M23 12a5 5 0 0 1 0 8h-5M12 16h8" stroke="#fff" stroke-width="3" fill="none" stroke-linecap="round"/></svg>`,
};

let css: Promise<Asset> | undefined;
let script: Promise<Asset> | undefined;

export function stylesheet(): Promise<Asset> {
  return (css ??= readFile(CSS_PATH, "utf8").then((body) => ({ body, type: "text/css; charset=utf-8" })));
}

/** The bundled browser script; throws with esbuild's message when web/ does not compile. */
export function browserScript(): Promise<Asset> {
  script ??= import("esbuild").then(({ build }) => build({ entryPoints: [SCRIPT_ENTRY], bundle: true, format: "esm", target: "es2020", minify: true, write: false, logLevel: "silent" }))
    .then((r) => ({ body: r.outputFiles[0]!.text, type: "text/javascript; charset=utf-8" }));
  script.catch(() => (script = undefined));
  return script;
}
