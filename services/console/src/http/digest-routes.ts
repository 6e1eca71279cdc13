/**
 * Digests in the console (`GET /digests`, `GET /api/digests`): the signed-in person's
 * organisation's digests with every item, and (a policy domain) its updates with who read and
 * who took them up, read from the organisation's own bucket over the console's connection of it.
 * For the platform's persons: the digests the platform published per municipality and how far
 * each was read (`?unread=1`: those not read in full), from the platform's own record of
 * `digest.read` (`digestWindows`, as `schakel digest list --as vpr` shows it).
 * `POST /digests/:id/confirm` (an item with `updateId`, else the whole digest) and
 * `POST /digests/:id/route` (`updateId`, `partner`, `remark`) act as the person, through the same
 * functions as the CLI; the forms carry the session's CSRF token (checked by the guard).
 */
import { Hono, type Context } from "hono";
import { actingRole, ACTION_ROLES, SchakelError, type Actor, type PersonAction } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { confirmDigestRead, localPartnersOf, platformOf, policyUpdates, receivedDigests, routeDigestItem } from "@schakel/organisation";
import { digestWindows } from "@schakel/platform";
import { deny } from "../auth/denials.ts";
import { publishedDigestRows, type PublishedDigestRow } from "../model/published-digests.ts";
import { digestsPage } from "../views/digests.ts";
import { layout } from "../views/layout.ts";
import { publishedDigestsPage } from "../views/published-digests.ts";
import { platformStores } from "./platform-stores.ts";
import { holds, oneOf, ownBus, type FormBody } from "./action-support.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { asSchakelError, errorAnswer, httpStatusOf } from "./errors.ts";

/** The signed-in person as actor of `action` (contracts' person actions: confirm-digest, route-digest-item), or undefined. */
const actorOf = (c: Context<Env>, action: PersonAction): Actor | undefined => {
  const person = c.get("person");
  const role = actingRole(person.roles, action);
  return role ? { person: person.id, role } : undefined;
};

/** `?unread=1` (or `true`): only the digests not read in full. */
const unreadOnly = (c: Context<Env>): boolean => ["1", "true"].includes(c.req.query("unread") ?? "");

export function digestRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const platform = platformOf(ctx.identities.directory);
  const busOf = (c: Context<Env>): Promise<Bus> => ownBus(ctx, c, "read digests");
  /** The platform's persons (whose keys this console holds) follow up the digests it published instead of receiving any. */
  const forPlatform = (c: Context<Env>): boolean => c.get("person").organisation === platform && holds(ctx, platform);
  const published = async (unread: boolean): Promise<PublishedDigestRow[]> =>
    publishedDigestRows(await digestWindows(await platformStores(ctx, "the digests the platform published")), { unread });

  const page = async (c: Context<Env>, opts: { done?: "confirmed" | "routed"; error?: string; status?: number } = {}) => {
    const org = c.get("person").organisation;
    if (forPlatform(c)) {
      const unread = unreadOnly(c);
      const body = publishedDigestsPage({ rows: await published(unread), unread, directory: ctx.identities.directory, t: c.get("t"), ...(opts.error ? { error: opts.error } : {}) });
      return c.html(layout(frameOf(ctx, c, c.get("t").digests.title, "digests"), body), (opts.status ?? 200) as 200);
    }
    const bus = await busOf(c);
    const [digests, updates] = await Promise.all([receivedDigests(bus), policyUpdates(bus)]);
    const mayAct = holds(ctx, org) && actorOf(c, "confirm-digest") !== undefined;
    const body = digestsPage({
      org, digests, updates, partners: actorOf(c, "route-digest-item") ? localPartnersOf(ctx.model.directory, org) : [], t: c.get("t"),
      ...(mayAct ? { csrf: csrfOf(c) } : {}), ...(opts.done ? { done: opts.done } : {}), ...(opts.error ? { error: opts.error } : {}),
    });
    return c.html(layout(frameOf(ctx, c, c.get("t").digests.title, "digests"), body), (opts.status ?? 200) as 200);
  };

  app.get("/digests", async (c) => {
    try {
      const done = c.req.query("done");
      return await page(c, done === "confirmed" || done === "routed" ? { done } : {});
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "digests"));
    }
  });

  app.get("/api/digests", async (c) => {
    try {
      if (forPlatform(c)) return c.json({ published: await published(unreadOnly(c)) });
      const bus = await busOf(c);
      return c.json({ digests: await receivedDigests(bus), updates: await policyUpdates(bus) });
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "digests"));
    }
  });

  const act = (path: string, action: PersonAction, done: "confirmed" | "routed", run: (bus: Bus, digestId: string, body: FormBody, actor: Actor) => Promise<unknown>) =>
    app.post(path, async (c) => {
      const actor = actorOf(c, action);
      if (!actor) return deny(c, 403, "role-not-allowed", `${c.get("person").roles.join(", ")} may not do this; it needs ${ACTION_ROLES[action].join(" or ")}`);
      if (!holds(ctx, c.get("person").organisation)) return deny(c, 403, "organisation-not-held", `this console does not hold the keys of ${c.get("person").organisation}`);
      const body = (await c.req.parseBody({ all: true })) as FormBody;
      try {
        await run(await busOf(c), c.req.param("id") ?? "", body, actor);
      } catch (err) {
        const error = asSchakelError(err, "digest");
        try {
          return await page(c, { error: error.message, status: httpStatusOf(error) });
        } catch {
          return errorAnswer(c, error);
        }
      }
      return c.redirect(`/digests?done=${done}`, 303);
    });

  act("/digests/:id/confirm", "confirm-digest", "confirmed", (bus, digestId, body, actor) => {
    const updateId = oneOf(body.updateId);
    return confirmDigestRead(bus, { digestId, ...(updateId ? { updateIds: [updateId] } : {}), actor });
  });
  act("/digests/:id/route", "route-digest-item", "routed", (bus, digestId, body, actor) => {
    const remark = oneOf(body.remark)?.trim();
    return routeDigestItem(bus, { digestId, updateId: oneOf(body.updateId) ?? "", partner: oneOf(body.partner) ?? "", ...(remark ? { remark: remark.slice(0, 500) } : {}), actor });
  });

  return app;
}
