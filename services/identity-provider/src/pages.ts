/**
 * The provider's own pages, in place of oidc-provider's examples: the login page (a list of the
 * enabled persons to pick in the demo, a person-id field otherwise), the refusal of an unknown or
 * disabled person, the device flow's user-code input, confirmation and success pages, the logout
 * question and its result, and the error page. Values go through `esc`; the forms oidc-provider
 * hands over (with its own anti-forgery token) are put in as they are.
 */
import type { Person } from "@schakel/contracts";
import { esc, page } from "./html.ts";

/** Who asks to sign in, as the login page names it. */
export interface LoginRequest {
  uid: string;
  /** The client's name, e.g. "Schakel console". */
  clientName: string;
  /** A device sign-in (the CLI) rather than a browser one. */
  device: boolean;
}

/** The login page: in the demo a list of persons to pick; otherwise a person-id field. */
export function loginPage(req: LoginRequest, persons: readonly Person[], demo: boolean, error?: string): string {
  const action = `/interaction/${encodeURIComponent(req.uid)}/login`;
  const intro = `<p>Sign in to <strong>${esc(req.clientName)}</strong>${req.device ? " (a device sign-in for the command line)" : ""}.</p>`;
  const problem = error ? `<p class="error" role="alert">${esc(error)}</p>` : "";
  const picker = demo
    ? `<p>Pick a demo person:</p><ul class="persons">${persons.filter((p) => !p.disabled).map((p) => `<li><form method="post" action="${action}">`
      + `<input type="hidden" name="person" value="${esc(p.id)}"><button type="submit">${esc(p.name)} `
      + `<span class="who">${esc(p.organisation)} · ${esc(p.roles.join(", "))} · ${esc(p.id)}</span></button></form></li>`).join("")}</ul>`
    : `<form method="post" action="${action}"><label>Person id <input type="text" name="person" autocomplete="username" autofocus required placeholder="e.g. m.peeters"></label> `
      + `<button type="submit">Sign in</button></form>`;
  const cancel = `<form method="post" action="/interaction/${encodeURIComponent(req.uid)}/abort"><button type="submit">Cancel</button></form>`;
  return page("Sign in", intro + problem + picker + cancel);
}

/** Why a sign-in is refused: an unknown id, or a disabled person (with the reason). */
export function refusal(personId: string, person: Person | undefined): string {
  if (!person) return `There is no person "${personId}" in the persons file: check the id (e.g. m.peeters), or ask an operator to add it with "schakel persons add".`;
  return `${person.name} (${person.id}) is disabled since ${person.disabled!.at}: ${person.disabled!.reason}. Ask an operator of ${person.organisation} if this is wrong.`;
}

/** The device flow's user-code input page around oidc-provider's form (id op.deviceInputForm). */
export function userCodeInputPage(form: string, error?: { userCode?: string; name?: string } | Error): string {
  const err = error as { userCode?: string; name?: string } | undefined;
  const message = !err ? "" : err.userCode || err.name === "NoCodeError"
    ? "That code is not known, expired or already used: check the code the command line shows, or run schakel login again."
    : err.name === "AbortedError" ? "The sign-in was cancelled." : "The sign-in could not go on; run schakel login again.";
  return page("Sign in the command line", `<p>Enter the code that <code>schakel login</code> shows.</p>`
    + (message ? `<p class="error" role="alert">${esc(message)}</p>` : "")
    + form + `<p><button type="submit" form="op.deviceInputForm">Continue</button></p>`);
}

/** Asks to confirm that the code on the screen is the one the command line shows. */
export function userCodeConfirmPage(form: string, clientName: string, userCode: string): string {
  return page("Confirm the code", `<p><strong>${esc(clientName)}</strong> asks to sign in with the code</p><p><code>${esc(userCode)}</code></p>`
    + `<p>Continue only if the command line shows this code.</p>${form}`
    + `<p><button type="submit" form="op.deviceConfirmForm">Continue</button> `
    + `<button type="submit" form="op.deviceConfirmForm" name="abort" value="yes">Cancel</button></p>`);
}

export function deviceSuccessPage(): string {
  return page("Signed in", `<p>The command line is signed in. You can close this page.</p>`);
}

/** The question before signing out; `form` is oidc-provider's (id op.logoutForm). */
export function logoutPage(form: string, host: string): string {
  return page("Sign out", `<p>Sign out of the Schakel sign-in at ${esc(host)}?</p>${form}`
    + `<p><button type="submit" form="op.logoutForm" name="logout" value="yes" autofocus>Sign out</button> `
    + `<button type="submit" form="op.logoutForm">Stay signed in</button></p>`);
}

export function signedOutPage(): string {
  return page("Signed out", `<p>You are signed out.</p>`);
}

/** An error oidc-provider reports (error, error_description, state). */
export function errorPage(out: Record<string, unknown>): string {
  const rows = Object.entries(out).map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join("");
  return page("Sign-in failed", `<dl>${rows}</dl><p>Go back to the console or run schakel login again to start over.</p>`);
}
