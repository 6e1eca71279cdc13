/**
 * For tests: a person at a browser, without a browser — `fetch` with a cookie jar that follows the
 * provider's redirects and fills in its sign-in pages. It drives an authorization request to the
 * client's redirect URI (for a code flow) and the device flow's user-code pages (for
 * `schakel login`), exactly through the HTML forms a person would use.
 */

/** A cookie jar by name (the provider's cookies have distinct names) and a redirect-following fetch. */
export class SignInBrowser {
  private readonly cookies = new Map<string, string>();
  /** The HTML of the last page shown, and its status. */
  lastPage = { status: 0, url: "", html: "" };

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = "", ...attrs] = line.split(";");
      const eq = pair.indexOf("=");
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a)) || attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || pair.slice(eq + 1) === "") this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1));
    }
  }

  /**
   * Requests `url` (GET, or POST with `form`) and follows redirects until a page is shown or the
   * next hop starts with `stopAt` (returned, not fetched).
   */
  async go(url: string, form?: Record<string, string>, stopAt?: string): Promise<{ stoppedAt?: string; status: number; html: string }> {
    let next: string = url;
    let body: URLSearchParams | undefined = form ? new URLSearchParams(form) : undefined;
    for (let hops = 0; hops < 20; hops++) {
      if (stopAt && next.startsWith(stopAt)) return { stoppedAt: next, status: 0, html: "" };
      const res = await fetch(next, {
        method: body ? "POST" : "GET", redirect: "manual",
        headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; "), ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
        ...(body ? { body } : {}),
      });
      this.remember(res);
      const location = res.headers.get("location");
      if (res.status >= 300 && res.status < 400 && location) {
        next = new URL(location, next).href;
        body = undefined;
        continue;
      }
      const html = await res.text();
      this.lastPage = { status: res.status, url: next, html };
      // oidc-provider answers some steps with a self-submitting form (form_post): submit it.
      const auto = html.includes("document.forms[0].submit()") ? /<form[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/i.exec(html) : null;
      if (auto) {
        next = new URL(decode(auto[1] ?? ""), next).href;
        body = new URLSearchParams(hiddenFields(auto[2] ?? ""));
        continue;
      }
      return { status: res.status, html };
    }
    throw new Error(`more than 20 redirects from ${url}`);
  }

  /** Submits the form with id or action matching `which` on the last page, with `extra` fields. */
  submit(which: RegExp, extra: Record<string, string> = {}, stopAt?: string): ReturnType<SignInBrowser["go"]> {
    const forms = [...this.lastPage.html.matchAll(/<form([^>]*)>([\s\S]*?)<\/form>/gi)];
    const form = forms.find((f) => which.test(f[1] ?? ""));
    if (!form) throw new Error(`no form matching ${which} on ${this.lastPage.url}:\n${this.lastPage.html.slice(0, 2000)}`);
    const action = decode(/action="([^"]*)"/.exec(form[1] ?? "")?.[1] ?? this.lastPage.url);
    return this.go(new URL(action, this.lastPage.url).href, { ...hiddenFields(form[2] ?? ""), ...extra }, stopAt);
  }

  /**
   * Signs `person` in on the login page shown now (the demo's list or the person-id field) and
   * follows on; `stopAt` as for `go`.
   */
  signIn(person: string, stopAt?: string): ReturnType<SignInBrowser["go"]> {
    return this.submit(/\/login"/, { person }, stopAt);
  }
}

function decode(text: string): string {
  return text.replace(/&amp;/g, "&").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");
}

function hiddenFields(formHtml: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of formHtml.matchAll(/<input\b([^>]*)>/gi)) {
    const attrs = m[1] ?? "";
    if (!/type="hidden"/i.test(attrs)) continue;
    const name = /name="([^"]*)"/.exec(attrs)?.[1];
    const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? "";
    if (name) fields[decode(name)] = decode(value);
  }
  return fields;
}

/**
 * Approves a device sign-in as `person`: opens `verificationUri` (with or without the code),
 * enters `userCode` when asked, confirms it, and signs in. Resolves with the final page; throws
 * when a step shows no expected form.
 */
export async function approveDevice(verificationUri: string, userCode: string, person: string, browser = new SignInBrowser()): Promise<{ status: number; html: string }> {
  await browser.go(verificationUri);
  if (/id="op\.deviceInputForm"/.test(browser.lastPage.html)) await browser.submit(/op\.deviceInputForm/, { user_code: userCode });
  await browser.submit(/op\.deviceConfirmForm/);
  return browser.signIn(person);
}
