/**
 * The knowledge library in the console (`GET /library`, `GET /api/library`, filtered by the query
 * parameters text, form, tier, domain, format, from and to — days as YYYY-MM-DD), read from the
 * signed-in person's organisation's own bucket. For the curator's persons, the submissions waiting
 * and `POST /library/:id/curate` (`decision` published|rejected, `reason`), through the same
 * function as the CLI; the form carries the session's CSRF token (checked by the guard).
 */
import { Hono, type Context } from "hono";
import { ACTION_ROLES, actingRole, EXTREMISM_FORMS, KNOWLEDGE_FORMATS, POLICY_DOMAINS, PREVENTION_TIERS, SchakelError, type Actor } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { curateKnowledge, isCurator, knowledgeLibrary, receivedKnowledge, type LibraryFilter } from "@schakel/organisation";
import { deny } from "../auth/denials.ts";
import { layout } from "../views/layout.ts";
import { libraryPage, type LibraryQuery } from "../views/library.ts";
import { holds, oneOf, ownBus, type FormBody } from "./action-support.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { asSchakelError, errorAnswer, httpStatusOf } from "./errors.ts";

const member = <T extends string>(field: string, v: string | undefined, allowed: readonly T[]): T | undefined => {
  if (!v) return undefined;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  throw new SchakelError("schema", `${field} "${v}" is not one of ${allowed.join(", ")}`, { field });
};
const day = (field: string, v: string | undefined, end: boolean): Date | undefined => {
  if (!v) return undefined;
  const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00:00Z` : v);
  if (Number.isNaN(t)) throw new SchakelError("schema", `${field} "${v}" is not a day (YYYY-MM-DD)`, { field });
  return new Date(t + (end && /^\d{4}-\d{2}-\d{2}$/.test(v) ? 86_399_999 : 0));
};

/** The filter of a library query. @throws SchakelError `schema` naming the parameter */
export function libraryFilterOf(q: LibraryQuery): LibraryFilter {
  const form = member("form", q.form, EXTREMISM_FORMS), tier = member("tier", q.tier, PREVENTION_TIERS);
  const domain = member("domain", q.domain, POLICY_DOMAINS), format = member("format", q.format, KNOWLEDGE_FORMATS);
  const from = day("from", q.from, false), to = day("to", q.to, true);
  return {
    ...(q.text?.trim() ? { text: q.text.trim() } : {}), ...(form ? { form } : {}), ...(tier ? { tier } : {}), ...(domain ? { domain } : {}),
    ...(format ? { format } : {}), ...(from ? { from } : {}), ...(to ? { to } : {}),
  };
}

const queryOf = (c: Context<Env>): LibraryQuery => {
  const q: LibraryQuery = {};
  for (const k of ["text", "form", "tier", "domain", "format", "from", "to"] as const) {
    const v = c.req.query(k);
    if (v) q[k] = v;
  }
  return q;
};

export function libraryRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const busOf = (c: Context<Env>): Promise<Bus> => ownBus(ctx, c, "read the library");
  /** The curator's person whose role may curate (contracts' person action curate-knowledge), on a console holding the curator's keys. */
  const curatorActor = (c: Context<Env>): Actor | undefined => {
    const person = c.get("person");
    const role = actingRole(person.roles, "curate-knowledge");
    return role && isCurator(ctx.model.directory, person.organisation) && holds(ctx, person.organisation) ? { person: person.id, role } : undefined;
  };

  const page = async (c: Context<Env>, query: LibraryQuery, opts: { decided?: boolean; error?: string; status?: number } = {}) => {
    let error = opts.error;
    let filter: LibraryFilter = {};
    try {
      filter = libraryFilterOf(query);
    } catch (err) {
      error = (err as Error).message;
    }
    const bus = await busOf(c);
    const items = error && !opts.error ? [] : await knowledgeLibrary(bus, filter);
    const curator = curatorActor(c) ? { submissions: (await receivedKnowledge(bus)).filter((k) => k.status === "submitted"), csrf: csrfOf(c) } : undefined;
    const body = libraryPage({ items, query, t: c.get("t"), ...(curator ? { curator } : {}), ...(opts.decided ? { decided: true } : {}), ...(error ? { error } : {}) });
    return c.html(layout(frameOf(ctx, c, c.get("t").library.title, "library"), body), (opts.status ?? (error ? 422 : 200)) as 200);
  };

  app.get("/library", async (c) => {
    try {
      return await page(c, queryOf(c), { decided: c.req.query("decided") === "1" });
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "library"));
    }
  });

  app.get("/api/library", async (c) => {
    try {
      return c.json({ items: await knowledgeLibrary(await busOf(c), libraryFilterOf(queryOf(c))) });
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "library"));
    }
  });

  app.post("/library/:id/curate", async (c) => {
    const person = c.get("person");
    const actor = curatorActor(c);
    if (!actor) {
      const why = isCurator(ctx.model.directory, person.organisation) ? `${person.roles.join(", ")} may not curate; it needs ${ACTION_ROLES["curate-knowledge"].join(" or ")}` : `${person.organisation} does not curate the knowledge library`;
      return deny(c, 403, "role-not-allowed", why);
    }
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const decision = oneOf(body.decision);
    const reason = oneOf(body.reason)?.trim();
    try {
      if (decision !== "published" && decision !== "rejected") throw new SchakelError("schema", "decision must be published or rejected", { field: "decision" });
      await curateKnowledge(await busOf(c), { knowledgeId: c.req.param("id"), decision, ...(reason ? { reason: reason.slice(0, 500) } : {}), actor });
    } catch (err) {
      const error = asSchakelError(err, "curation");
      try {
        return await page(c, {}, { error: error.message, status: httpStatusOf(error) });
      } catch {
        return errorAnswer(c, error);
      }
    }
    return c.redirect("/library?decided=1", 303);
  });

  return app;
}
