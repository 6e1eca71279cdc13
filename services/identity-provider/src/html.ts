/**
 * HTML text for the provider's pages: every value put into a page goes through `esc`, and every
 * page shares one plain frame (no scripts, no external fonts), so nothing a person or a client
 * typed can become markup.
 */

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem}p.note{color:#57606a}p.error{color:#b42318;font-weight:600}
form{margin:.6rem 0}button{font:inherit;padding:.45rem .9rem;cursor:pointer}
ul.persons{list-style:none;padding:0}ul.persons li{margin:.4rem 0}ul.persons button{width:100%;text-align:left}
input[type=text]{font:inherit;padding:.4rem;width:16rem}.who{color:#57606a;font-size:.9em}code{font-size:1.3em}`;

/**
 * One complete page. `title` is text (escaped here); `body` is markup the caller built with `esc`
 * (or a form oidc-provider generated, which escapes its own values).
 */
export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(title)} — Schakel sign-in</title><style>${STYLE}</style></head>
<body>
<h1>${esc(title)}</h1>
${body}
<p class="note">Schakel development sign-in: it signs in the persons of the persons file. Real deployments use their own provider.</p>
</body>
</html>`;
}
