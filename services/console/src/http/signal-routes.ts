/**
 * Raising a signal from the console: the HTML form (`GET/POST /signal`) and the JSON route
 * (`POST /api/signals`). The sender is the signed-in person's organisation, never a field of the
 * request: it must be a signal sender (catalog: a municipality or LIVC partner) whose keys the
 * console holds, and the person's roles must allow raising signals (contracts' person actions).
 * Both validate with the catalog schema first and publish nothing when a field is wrong; the
 * signal goes to the platform and carries the person as actor.
 */
import { Hono, type Context } from "hono";
import { catalog, newMessageId, SchakelError, type Actor } from "@schakel/contracts";
import { platformOf } from "@schakel/organisation";
import { validateSignalForm, type FieldErrors, type SignalField, type SignalFormInput } from "../post/action-forms.ts";
import { layout } from "../views/layout.ts";
import { signalForm } from "../views/signal.ts";
import { actorFor, holds, invalidAnswer, isActor, jsonObject, listOf, oneOf, refuse, sendWith, strOf, whenSeen, type FormBody, type Refusal } from "./action-support.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { errorAnswer, httpStatusOf } from "./errors.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;

export function signalRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const directory = ctx.identities.directory;
  const senderRoles = catalog["signal.raised"].senders;
  /** An organisation raises signals here when its keys are held and its catalog role is a sender. */
  const maySend = (org: string) => holds(ctx, org) && senderRoles.some((r) => directory.organisation(org)?.roles.includes(r));
  const signaller = (c: Context<Env>) => actorFor(c, "raise-signal", maySend);
  const refused = (c: Context<Env>, why: Refusal) => refuse(ctx, c, why, c.get("t").auth.mayNotRaiseSignal, c.get("t").auth.orgMayNotRaiseSignal, "signal");

  const page = (c: Context<Env>, values: SignalFormInput, errors: FieldErrors<SignalField> = {}, extra: { publishError?: string; raised?: string } = {}) =>
    layout(frameOf(ctx, c, c.get("t").signal.title, "signal"), signalForm({ from: c.get("person").organisation, to: platformOf(directory), csrf: csrfOf(c), values, errors, t: c.get("t"), ...extra }));

  /** Validates and raises the signal as the person's organisation. */
  const raise = async (c: Context<Env>, input: SignalFormInput, actor: Actor) => {
    const checked = validateSignalForm(input, c.get("t"));
    if (!checked.ok) return { errors: checked.errors };
    const outcome = await sendWith(ctx, "signal", (p) => p.raiseSignal(c.get("person").organisation, checked.data, actor));
    if ("invalid" in outcome) return { errors: { title: [outcome.invalid.message] } as FieldErrors<SignalField> };
    return outcome;
  };

  app.get("/signal", (c) => {
    const actor = signaller(c);
    if (!isActor(actor)) return refused(c, actor);
    const raised = c.req.query("raised");
    // The signal's id is chosen now and kept through refused submissions: sending again never raises it twice.
    return c.html(page(c, { signalId: newMessageId() }, {}, raised && TRACE_ID.test(raised) ? { raised } : {}));
  });

  app.post("/signal", async (c) => {
    const actor = signaller(c);
    if (!isActor(actor)) return refused(c, actor);
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const input: SignalFormInput = {
      kind: oneOf(body.kind), severity: oneOf(body.severity), title: oneOf(body.title), description: oneOf(body.description),
      preventionTier: oneOf(body.preventionTier), extremismForms: listOf(body.extremismForms), escalate: oneOf(body.escalate) === "on", signalId: oneOf(body.signalId),
    };
    const outcome = await raise(c, input, actor);
    if ("errors" in outcome) return c.html(page(c, input, outcome.errors), 422);
    if ("failure" in outcome) return c.html(page(c, input, {}, { publishError: outcome.failure.message }), httpStatusOf(outcome.failure));
    const { traceId } = outcome.sent;
    await whenSeen(ctx.model, () => ctx.model.trace(traceId).length > 0);
    return c.redirect(`/signal?raised=${traceId}`, 303);
  });

  app.post("/api/signals", async (c) => {
    const actor = signaller(c);
    if (!isActor(actor)) return refused(c, actor);
    const body = await jsonObject(c, "signal");
    if (body instanceof SchakelError) return errorAnswer(c, body);
    // The sender is the person's organisation; a script that names another is told, not obeyed.
    if (body.from !== undefined && body.from !== c.get("person").organisation) {
      return errorAnswer(c, new SchakelError("not-allowed", `"from" is the signed-in person's organisation (${c.get("person").organisation}); leave it out`, { from: String(body.from) }));
    }
    const forms = Array.isArray(body.extremismForms) ? body.extremismForms.filter((x): x is string => typeof x === "string") : [];
    const input: SignalFormInput = {
      kind: strOf(body, "kind"), severity: strOf(body, "severity"), title: strOf(body, "title"), description: strOf(body, "description"),
      preventionTier: strOf(body, "preventionTier"), extremismForms: forms, escalate: body.escalate === true, signalId: strOf(body, "signalId"),
    };
    const outcome = await raise(c, input, actor);
    if ("errors" in outcome) return invalidAnswer(c, "signal", outcome.errors);
    if ("failure" in outcome) return errorAnswer(c, outcome.failure);
    return c.json(outcome.sent, 201);
  });

  return app;
}
