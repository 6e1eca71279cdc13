/**
 * Notifications in the console: the signed-in person's organisation's notifications with each
 * delivery's status (`GET /notifications`, `GET /api/notifications`), and the person's own
 * preferences (`GET/POST /notifications/preferences`, `GET/POST /api/notifications/preferences`,
 * the JSON body `{ "events": { "urgent-notice": "email", … } }`). Both read and write the
 * organisation's own bucket over the console's connection of that organisation; a person only
 * ever sees and changes their own preferences. POST forms carry the session's CSRF token (checked
 * by the guard, like every form).
 */
import { Hono, type Context } from "hono";
import { SchakelError } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { listNotifications, notificationStore, preferencesOf, setPreferences, NOTIFICATION_EVENTS } from "@schakel/organisation";
import { layout } from "../views/layout.ts";
import { notificationsPage, preferencesPage } from "../views/notifications.ts";
import { jsonObject, oneOf, ownBus, type FormBody } from "./action-support.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { asSchakelError, errorAnswer } from "./errors.ts";

export function notificationRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();

  const busOf = (c: Context<Env>): Promise<Bus> => ownBus(ctx, c, "read notifications");
  const prefsOf = async (c: Context<Env>) => preferencesOf(await notificationStore(await busOf(c)), c.get("person"));

  const prefsPage = async (c: Context<Env>, opts: { saved?: boolean; error?: string } = {}) => {
    const t = c.get("t");
    return layout(frameOf(ctx, c, t.notifications.prefsTitle, "notifications"), preferencesPage({
      prefs: await prefsOf(c), csrf: csrfOf(c), saved: opts.saved === true, t, ...(opts.error ? { error: opts.error } : {}),
    }));
  };

  app.get("/notifications", async (c) => {
    try {
      const org = c.get("person").organisation;
      const rows = await listNotifications(await busOf(c), { limit: 200 });
      return c.html(layout(frameOf(ctx, c, c.get("t").notifications.title, "notifications"), notificationsPage({ org, rows, t: c.get("t") })));
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "notifications"));
    }
  });

  app.get("/notifications/preferences", async (c) => {
    try {
      return c.html(await prefsPage(c, { saved: c.req.query("saved") === "1" }));
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "notifications"));
    }
  });

  app.post("/notifications/preferences", async (c) => {
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const changes: Record<string, string> = {};
    for (const e of NOTIFICATION_EVENTS) {
      const v = oneOf(body[e]);
      if (v) changes[e] = v;
    }
    try {
      await setPreferences(await notificationStore(await busOf(c)), c.get("person"), changes);
    } catch (err) {
      if (err instanceof SchakelError && err.code === "schema") return c.html(await prefsPage(c, { error: err.message }), 422);
      return errorAnswer(c, asSchakelError(err, "notifications"));
    }
    return c.redirect("/notifications/preferences?saved=1", 303);
  });

  app.get("/api/notifications", async (c) => {
    try {
      return c.json({ items: await listNotifications(await busOf(c), { limit: 200 }) });
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "notifications"));
    }
  });

  app.get("/api/notifications/preferences", async (c) => {
    try {
      return c.json(await prefsOf(c));
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "notifications"));
    }
  });

  app.post("/api/notifications/preferences", async (c) => {
    const body = await jsonObject(c, "notification preferences");
    if (body instanceof SchakelError) return errorAnswer(c, body);
    const events = body.events;
    if (typeof events !== "object" || events === null || Array.isArray(events)) {
      return errorAnswer(c, new SchakelError("schema", `"events" must be an object of event to channel, e.g. { "urgent-notice": "email" }; events: ${NOTIFICATION_EVENTS.join(", ")}`, { field: "events" }));
    }
    try {
      const changes = Object.fromEntries(Object.entries(events).map(([k, v]) => [k, String(v)]));
      return c.json(await setPreferences(await notificationStore(await busOf(c)), c.get("person"), changes));
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "notifications"));
    }
  });

  return app;
}
