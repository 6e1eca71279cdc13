/**
 * What the layout rules need from a TypeScript file, without a compiler: the module specifiers it
 * imports (static `import … from`, `export … from`, side-effect `import "…"`, dynamic
 * `import("…")`) and the string literals it writes, each with its line. A small scanner skips
 * comments, strings, template literals and regular expressions, so an import written inside a
 * comment or a string is not mistaken for one.
 */

/** One module specifier a file imports, and where. */
export interface ImportSite {
  specifier: string;
  line: number;
  /** `import type` / `export type`: erased at run time, but still a dependency of the source. */
  typeOnly: boolean;
}

/** A string literal (for a template literal: its text before the first `${`), and where. */
export interface LiteralSite {
  text: string;
  line: number;
}

export interface SourceFacts {
  imports: ImportSite[];
  literals: LiteralSite[];
  /** The source with comments, string and regular expression contents blanked out (same offsets and lines). */
  code: string;
}

// After one of these characters a `/` starts a regular expression, not a division.
const BEFORE_REGEX = new Set([..."(,=:[!&|?{};+-*%<>~^"]);
const KEYWORDS_BEFORE_REGEX = /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|void|yield|await|delete|throw|new)$/;

/**
 * Scans a TypeScript source. Never throws: an unterminated string or comment ends at the end of
 * the file, which at worst hides an import below it (the type checker reports such a file anyway).
 */
export function scanSource(source: string): SourceFacts {
  const masked = source.split("");
  const literals: { start: number; text: string }[] = [];
  // Brace depth of each open `${` of a template literal, innermost last.
  const templateDepths: number[] = [];
  const mask = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (masked[k] !== "\n") masked[k] = " ";
  };
  const lastCode = (at: number): string => {
    let k = at - 1;
    while (k >= 0 && /\s/.test(masked[k]!)) k--;
    return k < 0 ? "" : masked.slice(Math.max(0, k - 8), k + 1).join("");
  };

  // Reads a template's text from `i` (just after "`" or "}") to its end or to the next "${".
  const template = (i: number, recordFrom: number | undefined): number => {
    let j = i;
    while (j < source.length && source[j] !== "`" && !(source[j] === "$" && source[j + 1] === "{")) j += source[j] === "\\" ? 2 : 1;
    if (recordFrom !== undefined) literals.push({ start: recordFrom, text: source.slice(i, j) });
    mask(i, j);
    if (source[j] === "`") return j + 1;
    templateDepths.push(0);
    return j + 2;
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === "/" && next === "/") {
      const end = source.indexOf("\n", i);
      const stop = end === -1 ? source.length : end;
      mask(i, stop);
      i = stop;
    } else if (c === "/" && next === "*") {
      const end = source.indexOf("*/", i + 2);
      const stop = end === -1 ? source.length : end + 2;
      mask(i, stop);
      i = stop;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      while (j < source.length && source[j] !== c && source[j] !== "\n") j += source[j] === "\\" ? 2 : 1;
      literals.push({ start: i, text: source.slice(i + 1, j) });
      mask(i + 1, j);
      i = j + 1;
    } else if (c === "`") {
      i = template(i + 1, i);
    } else if (c === "{" && templateDepths.length) {
      templateDepths[templateDepths.length - 1]!++;
      i++;
    } else if (c === "}" && templateDepths.length) {
      if (templateDepths[templateDepths.length - 1] === 0) {
        templateDepths.pop();
        i = template(i + 1, undefined);
      } else {
        templateDepths[templateDepths.length - 1]!--;
        i++;
      }
    } else if (c === "/" && (BEFORE_REGEX.has(lastCode(i).slice(-1)) || lastCode(i) === "" || KEYWORDS_BEFORE_REGEX.test(lastCode(i)))) {
      let j = i + 1;
      let inClass = false;
      while (j < source.length && source[j] !== "\n" && (inClass || source[j] !== "/")) {
        if (source[j] === "[") inClass = true;
        else if (source[j] === "]") inClass = false;
        j += source[j] === "\\" ? 2 : 1;
      }
      mask(i + 1, j);
      i = j + 1;
    } else {
      i++;
    }
  }

  const code = masked.join("");
  const lineOf = (offset: number): number => source.slice(0, offset).split("\n").length;
  const byStart = new Map(literals.map((l) => [l.start, l.text]));
  const imports: ImportSite[] = [];
  const patterns = [
    /\b(import|export)\b(\s+type\b)?[^;"'`]*?\bfrom\s*(?=["'])/g,
    /\b(import)()\s*(?=["'])/g,
    /\b(import)()\s*\(\s*(?=["'])/g,
  ];
  for (const pattern of patterns) {
    for (const m of code.matchAll(pattern)) {
      const quote = m.index + m[0].length;
      const specifier = byStart.get(quote);
      if (specifier !== undefined) imports.push({ specifier, line: lineOf(m.index), typeOnly: Boolean(m[2]) });
    }
  }
  imports.sort((a, b) => a.line - b.line);
  return { imports, literals: literals.map((l) => ({ text: l.text, line: lineOf(l.start) })), code };
}
