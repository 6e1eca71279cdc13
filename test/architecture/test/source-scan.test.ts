import { describe, expect, it } from "vitest";
import { noForeignInternals, noTransportHandles } from "../src/import-rules.ts";
import { scanSource } from "../src/source-scan.ts";

describe("source scan", () => {
  it("source scan - finds static, re-export, side-effect and dynamic imports with their lines", () => {
    const facts = scanSource([
      'import { a } from "./a.ts";',
      "import type {",
      "  B,",
      '} from "@schakel/contracts";',
      'export { c } from "../c.ts";',
      'import "./side-effect.ts";',
      'const d = await import("@schakel/stack");',
    ].join("\n"));
    expect(facts.imports).toEqual([
      { specifier: "./a.ts", line: 1, typeOnly: false },
      { specifier: "@schakel/contracts", line: 2, typeOnly: true },
      { specifier: "../c.ts", line: 5, typeOnly: false },
      { specifier: "./side-effect.ts", line: 6, typeOnly: false },
      { specifier: "@schakel/stack", line: 7, typeOnly: false },
    ]);
  });

  it("source scan - ignores imports written in comments, strings, templates and regular expressions", () => {
    const facts = scanSource([
      '// import { x } from "@nats-io/kv";',
      '/* export * from "@nats-io/jetstream"; */',
      'const s = "import { y } from \\"@nats-io/kv\\"";',
      'const t = `import ${s} from "@nats-io/kv"`;',
      'const r = /import "x"/;',
      'import { real } from "./real.ts";',
    ].join("\n"));
    expect(facts.imports.map((i) => i.specifier)).toEqual(["./real.ts"]);
  });

  it("source scan - reports string literals and the head of template literals", () => {
    const facts = scanSource('const a = "coord.all.vpr.x";\nconst b = `deadletter.${org}.x`;\nconst c = x / 2 / 3; const d = "after";');
    expect(facts.literals.map((l) => [l.text, l.line])).toEqual([["coord.all.vpr.x", 1], ["deadletter.", 2], ["after", 3]]);
  });
});

describe("layout rule checks", () => {
  const pkg = { name: "@schakel/example", dir: "services/example", exports: ["."] };
  const file = (path: string, source: string) => ({ path, pkg, production: true, facts: scanSource(source) });

  it("layout rule checks - a connection handle is found in code, not in strings or comments", () => {
    const found = noTransportHandles([file("services/example/src/a.ts", 'await bus.js.publish(x);\nconst f = "reader.js"; // bus.nc\nopts?.nc.close();')]);
    expect(found.map((v) => [v.where, v.what])).toEqual([["services/example/src/a.ts:1", 'uses ".js"'], ["services/example/src/a.ts:3", 'uses ".nc"']]);
  });

  it("layout rule checks - a relative import out of the package and an undeclared subpath are named", () => {
    const found = noForeignInternals([file("services/example/src/a.ts", 'import { x } from "../../other/src/x.ts";\nimport { y } from "@schakel/example/internal";\nimport { z } from "./z.ts";')], [pkg]);
    expect(found.map((v) => v.where)).toEqual(["services/example/src/a.ts:1", "services/example/src/a.ts:2"]);
  });
});
