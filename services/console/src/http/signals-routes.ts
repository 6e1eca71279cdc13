/**
 * The platform coordinator's triage queue in the console: `GET /signals` (the queue, by state),
 * `GET /signals/:id` (one signal and the decision form), `POST /signals/:id/triage` (the
 * decision), `GET /signals/stats` (the picture of polarisation and tension) and their JSON routes
 * (`/api/signals/queue`, `/api/signals/stats`, `POST /api/signals/:id/triage`). Only a person whose
 * role may triage (a platform coordinator) and who works for the platform, whose keys this
 * console holds, sees them; the decision carries that person as actor, through the platform
 * library's `triageSignal`, which refuses anyone else again.
 */
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import { MessageId, SchakelError, TRIAGE_DECISIONS, type Actor, type TriageDecision } from "@schakel/contracts";
import { platformOf } from "@schakel/organisation";
import { signalRecords, signalStats, TRIAGE_STATES, triageQueue, triageSignal, type PlatformStores, type TriageState } from "@schakel/platform";
import { layout } from "../views/layout.ts";
import { platformStores as platformStoresOf } from "./platform-stores.ts";
import { signalStatsPage, triageItemPage, triageQueuePage } from "../views/signals.ts";
import { actorFor, holds, isActor, jsonObject, oneOf, refuse, sendWith, strOf, type FormBody, type Refusal } from "./action-support.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { asSchakelError, errorAnswer, httpStatusOf } from "./errors.ts";

const DAY_MS = 86_400_000;

export function signalsRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const directory = ctx.identities.directory;
  const platform = platformOf(directory);
  const coordinator = (c: Context<Env>) => actorFor(c, "triage-signal", (org) => org === platform && holds(ctx, org));
  const refused = (c: Context<Env>, why: Refusal) => refuse(ctx, c, why, c.get("t").triage.mayNotTriage, c.get("t").triage.orgMayNotTriage, "signals");
  const partners = () => directory.organisations.map((o) => o.id).filter((id) => id !== platform).sort();

  /** The platform's stores over its connection (opened once; again after a failure). */
  const platformStores = (): Promise<PlatformStores> => platformStoresOf(ctx, "the triage queue");

  const stateOf = (c: Context<Env>): { param: string; states?: TriageState[] } => {
    const q = c.req.query("state") ?? "open";
    if (q === "all") return { param: q };
    const s = (TRIAGE_STATES as readonly string[]).includes(q) ? (q as TriageState) : "open";
    return { param: s, states: [s] };
  };

  const itemPage = async (c: Context<Env>, id: string, extra: { decided?: boolean; error?: SchakelError; values?: Record<string, string | undefined> } = {}) => {
    const t = c.get("t");
    const item = MessageId.safeParse(id).success ? (await signalRecords(await platformStores()).get(id))?.value : undefined;
    if (!item || item.route !== "platform") return c.html(layout(frameOf(ctx, c, t.triage.title, "signals"), html`<p data-not-found>${t.triage.notFound(id)}</p>`), 404);
    const body = triageItemPage({ item, partners: partners(), csrf: csrfOf(c), ...(extra.decided ? { decided: true } : {}), ...(extra.error ? { error: extra.error.message } : {}), ...(extra.values ? { values: extra.values } : {}) }, directory, t);
    return c.html(layout(frameOf(ctx, c, item.title, "signals"), body), extra.error ? httpStatusOf(extra.error) : 200);
  };

  /** Decides as the platform for `actor`; days are whole days from now. */
  const decide = async (id: string, actor: Actor, input: { decision?: string; reason?: string; partner?: string; acknowledgeBy?: Date; reportBackBy?: Date }) => {
    if (!input.decision || !(TRIAGE_DECISIONS as readonly string[]).includes(input.decision)) {
      throw new SchakelError("schema", `decision: one of ${TRIAGE_DECISIONS.join(", ")}`, { field: "decision" });
    }
    const forward = input.decision === "forward";
    // Sent only over a bus that is there (nothing left waiting in the client's buffer after a refusal).
    const outcome = await sendWith(ctx, "triage decision", async (p) => triageSignal(await p.connection(platform), {
      signalId: id, decision: input.decision as TriageDecision, reason: input.reason ?? "", actor,
      ...(forward && input.partner ? { partner: input.partner } : {}),
      ...(forward && input.acknowledgeBy ? { acknowledgeBy: input.acknowledgeBy } : {}), ...(forward && input.reportBackBy ? { reportBackBy: input.reportBackBy } : {}),
    }));
    if ("sent" in outcome) return outcome.sent;
    throw "invalid" in outcome ? outcome.invalid : outcome.failure;
  };
  const inDays = (v: string | undefined): Date | undefined => {
    const n = Number(v);
    return v && Number.isInteger(n) && n > 0 && n <= 365 ? new Date(Date.now() + n * DAY_MS) : undefined;
  };

  app.get("/signals", async (c) => {
    const actor = coordinator(c);
    if (!isActor(actor)) return refused(c, actor);
    const { param, states } = stateOf(c);
    const items = await triageQueue(await platformStores(), states ? { states } : {});
    return c.html(layout(frameOf(ctx, c, c.get("t").triage.title, "signals"), triageQueuePage(items, param, directory, c.get("t"))));
  });

  app.get("/signals/stats", async (c) => {
    const actor = coordinator(c);
    if (!isActor(actor)) return refused(c, actor);
    const stats = await signalStats(await platformStores(), directory);
    return c.html(layout(frameOf(ctx, c, c.get("t").triage.statsTitle, "signals"), signalStatsPage(stats, c.get("t"))));
  });

  app.get("/signals/:id", async (c) => {
    const actor = coordinator(c);
    if (!isActor(actor)) return refused(c, actor);
    return itemPage(c, c.req.param("id"), c.req.query("decided") ? { decided: true } : {});
  });

  app.post("/signals/:id/triage", async (c) => {
    const actor = coordinator(c);
    if (!isActor(actor)) return refused(c, actor);
    const id = c.req.param("id");
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const values = { decision: oneOf(body.decision), reason: oneOf(body.reason), partner: oneOf(body.partner) || undefined };
    try {
      const acknowledgeBy = inDays(oneOf(body.acknowledgeDays));
      const reportBackBy = inDays(oneOf(body.reportBackDays));
      await decide(id, actor, { ...values, ...(acknowledgeBy ? { acknowledgeBy } : {}), ...(reportBackBy ? { reportBackBy } : {}) });
    } catch (err) {
      return itemPage(c, id, { error: asSchakelError(err, "the triage decision failed"), values });
    }
    return c.redirect(`/signals/${id}?decided=1`, 303);
  });

  app.get("/api/signals/queue", async (c) => {
    const actor = coordinator(c);
    if (!isActor(actor)) return refused(c, actor);
    const { states } = stateOf(c);
    return c.json(await triageQueue(await platformStores(), states ? { states } : {}));
  });

  app.get("/api/signals/stats", async (c) => {
    const actor = coordinator(c);
    if (!isActor(actor)) return refused(c, actor);
    return c.json(await signalStats(await platformStores(), directory));
  });

  app.post("/api/signals/:id/triage", async (c) => {
    const actor = coordinator(c);
    if (!isActor(actor)) return refused(c, actor);
    const body = await jsonObject(c, "triage decision");
    if (body instanceof SchakelError) return errorAnswer(c, body);
    const time = (k: string): Date | undefined => {
      const v = strOf(body, k);
      return v && !Number.isNaN(Date.parse(v)) ? new Date(v) : undefined;
    };
    try {
      const acknowledgeBy = time("acknowledgeBy");
      const reportBackBy = time("reportBackBy");
      const partner = strOf(body, "partner");
      const out = await decide(c.req.param("id"), actor, {
        decision: strOf(body, "decision"), reason: strOf(body, "reason"), ...(partner ? { partner } : {}), ...(acknowledgeBy ? { acknowledgeBy } : {}), ...(reportBackBy ? { reportBackBy } : {}),
      });
      return c.json(out, 201);
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "the triage decision failed"));
    }
  });

  return app;
}
