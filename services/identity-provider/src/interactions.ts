/**
 * The provider's interactions, in place of oidc-provider's development ones: GET
 * /interaction/<uid> shows the login page (or, for the consent prompt, grants the requested scopes
 * and claims at once — both clients are Schakel's own, first-party); POST …/login signs in the
 * person picked or typed, after checking the persons file (unknown or disabled: refused with a
 * clear page, status 403, nothing signed in); POST …/abort cancels (access_denied to the client).
 * The interaction cookie oidc-provider set (SameSite=Lax, bound to the uid) ties each POST to the
 * browser that started the sign-in.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Person } from "@schakel/contracts";
import type Provider from "oidc-provider";
import { DEVICE_CODE_GRANT, enabledPerson } from "./configuration.ts";
import { errorPage, loginPage, refusal } from "./pages.ts";

const MAX_FORM_BYTES = 16 * 1024;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_FORM_BYTES) throw new Error("the form is too large");
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
}

function send(res: ServerResponse, status: number, html: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8", "cache-control": "no-store",
    // No form-action: browsers apply it to the redirects after a submit, and the sign-in ends in a
    // redirect to the client (another origin).
    "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
  });
  res.end(html);
}

/** Handles one request under /interaction/; `persons` is read afresh for each. */
export function interactionHandler(provider: Provider, persons: () => readonly Person[], demo: boolean) {
  return async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    const [, , uid, action] = path.split("/");
    let details;
    try {
      details = await provider.interactionDetails(req, res);
    } catch {
      send(res, 400, errorPage({ error: "this sign-in has expired or was started in another browser", what_to_do: "start again from the console, or run schakel login again" }));
      return;
    }
    if (details.uid !== uid) {
      send(res, 400, errorPage({ error: "this sign-in page belongs to another sign-in", what_to_do: "start again from the console, or run schakel login again" }));
      return;
    }
    const client = await provider.Client.find(String(details.params.client_id ?? ""));
    const request = {
      uid: details.uid,
      clientName: client?.clientName ?? String(details.params.client_id ?? "Schakel"),
      device: client?.grantTypes?.includes(DEVICE_CODE_GRANT) ?? false,
    };

    if (req.method === "GET" && action === undefined) {
      if (details.prompt.name === "consent") return grantConsent(provider, req, res, details);
      send(res, 200, loginPage(request, persons(), demo));
      return;
    }
    if (req.method === "POST" && action === "abort") {
      await provider.interactionFinished(req, res, { error: "access_denied", error_description: "the person cancelled the sign-in" }, { mergeWithLastSubmission: false });
      return;
    }
    if (req.method === "POST" && action === "login") {
      const personId = ((await formOf(req)).get("person") ?? "").trim().toLowerCase();
      const all = persons();
      const person = enabledPerson(all, personId);
      if (!person) {
        send(res, 403, loginPage(request, all, demo, refusal(personId, all.find((p) => p.id === personId))));
        return;
      }
      await provider.interactionFinished(req, res, { login: { accountId: person.id } }, { mergeWithLastSubmission: false });
      return;
    }
    send(res, 405, errorPage({ error: `${req.method ?? "?"} ${path} is not a sign-in step` }));
  };
}

/** Grants what the client asked for: Schakel's clients are first-party, so no consent page. */
async function grantConsent(provider: Provider, req: IncomingMessage, res: ServerResponse, details: Awaited<ReturnType<Provider["interactionDetails"]>>): Promise<void> {
  const accountId = details.session?.accountId;
  const clientId = String(details.params.client_id);
  const grant = (details.grantId ? await provider.Grant.find(details.grantId) : undefined) ?? new provider.Grant({ accountId, clientId });
  const missing = details.prompt.details as { missingOIDCScope?: string[]; missingOIDCClaims?: string[]; missingResourceScopes?: Record<string, string[]> };
  if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(" "));
  if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(" "));
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}
