/**
 * Coordination from the console: the page of requests awaiting the signed-in person's
 * organisation's answer with an answer form each (`GET /coordination`,
 * `POST /coordination/:id/answer`), the request form (`GET/POST /coordination/request`), and the
 * JSON routes (`GET /api/coordination/open`, `POST /api/coordination/requests`,
 * `POST /api/coordination/requests/:id/answer`). The sender is the person's organisation (its
 * keys held by this console), the person's roles must allow the action (contracts' person
 * actions); fields are validated with the catalog schema first and nothing is published when one
 * is wrong. Requests and answers carry the person as actor; an answer goes through the runtime's
 * `respondToCoordination`, so answering twice sends nothing new.
 */
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import { newMessageId, SchakelError, type Actor } from "@schakel/contracts";
import { awaitsAnswerFrom, openRequestsTo } from "../model/coordination-query.ts";
import { validateAnswerForm, validateRequestForm, type AnswerFormInput, type FieldErrors, type RequestField, type RequestFormInput } from "../post/action-forms.ts";
import { coordinationPage, requestForm, type RefusedAnswer } from "../views/coordination.ts";
import { layout } from "../views/layout.ts";
import { actorFor, holds, invalidAnswer, isActor, jsonObject, oneOf, refuse, sendWith, strOf, whenSeen, type FormBody, type Refusal } from "./action-support.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { errorAnswer, httpStatusOf } from "./errors.ts";

const TRACE_ID = /^[0-9a-f]{32}$/;

export function coordinationRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const directory = ctx.identities.directory;
  // Every organisation role may send both messages (catalog senders): the keys must be here.
  const asker = (c: Context<Env>) => actorFor(c, "request-coordination", (org) => holds(ctx, org));
  const answerer = (c: Context<Env>) => actorFor(c, "answer-coordination", (org) => holds(ctx, org));
  const refusedAsk = (c: Context<Env>, why: Refusal) => refuse(ctx, c, why, c.get("t").auth.mayNotRequestCoordination, c.get("t").auth.orgNotHeld, "coordination");
  const refusedAnswer = (c: Context<Env>, why: Refusal) => refuse(ctx, c, why, c.get("t").auth.mayNotAnswerCoordination, c.get("t").auth.orgNotHeld, "coordination");

  /** The request `id`, when it awaits the person's organisation's answer. */
  const openRequest = (c: Context<Env>, id: string) => {
    const req = ctx.model.notices.requests.get(id);
    return req && awaitsAnswerFrom(req, c.get("person").organisation) ? req : undefined;
  };

  const listPage = (c: Context<Env>, opts: { refused?: RefusedAnswer; done?: { kind: "requested" | "answered"; traceId: string } } = {}) => {
    const t = c.get("t");
    const org = c.get("person").organisation;
    return layout(frameOf(ctx, c, t.coordination.title, "coordination"), coordinationPage({
      org, requests: openRequestsTo(ctx.model.notices, org), csrf: csrfOf(c), directory, t,
      mayAnswer: isActor(answerer(c)), mayRequest: isActor(asker(c)), ...opts,
    }));
  };

  const askPage = (c: Context<Env>, values: RequestFormInput, errors: FieldErrors<RequestField> = {}, publishError?: string) =>
    layout(frameOf(ctx, c, c.get("t").coordination.requestTitle, "coordination"), requestForm({
      from: c.get("person").organisation, csrf: csrfOf(c), values, errors, directory, t: c.get("t"), ...(publishError ? { publishError } : {}),
    }));

  /** Validates and sends the request as the person's organisation. */
  const ask = async (c: Context<Env>, input: RequestFormInput, actor: Actor) => {
    const checked = validateRequestForm(input, c.get("person").organisation, directory, c.get("t"));
    if (!checked.ok) return { errors: checked.errors };
    const { to, data } = checked.data;
    const outcome = await sendWith(ctx, "coordination request", (p) => p.requestCoordination(c.get("person").organisation, to, data, actor));
    if ("invalid" in outcome) return { errors: { topic: [outcome.invalid.message] } as FieldErrors<RequestField> };
    return outcome;
  };

  /** Validates and sends the answer to `requestId` as the person's organisation. */
  const answer = async (c: Context<Env>, requestId: string, input: AnswerFormInput, actor: Actor) => {
    const checked = validateAnswerForm(input, requestId, c.get("t"));
    if (!checked.ok) return { errors: checked.errors };
    const outcome = await sendWith(ctx, "answer", (p) => p.answerCoordination(c.get("person").organisation, checked.data, actor));
    if ("invalid" in outcome) return { errors: { answer: [outcome.invalid.message] } };
    return outcome;
  };

  const notOpen = (id: string) => new SchakelError("not-found", `no coordination request ${id} awaits an answer from your organisation: check the id (GET /api/coordination/open lists them)`, { requestId: id });

  app.get("/coordination", (c) => {
    const requested = c.req.query("requested");
    const answered = c.req.query("answered");
    const done = requested && TRACE_ID.test(requested) ? { kind: "requested" as const, traceId: requested }
      : answered && TRACE_ID.test(answered) ? { kind: "answered" as const, traceId: answered } : undefined;
    return c.html(listPage(c, done ? { done } : {}));
  });

  app.get("/coordination/request", (c) => {
    const actor = asker(c);
    if (!isActor(actor)) return refusedAsk(c, actor);
    // The request's id is chosen now and kept through refused submissions: sending again never asks twice.
    return c.html(askPage(c, { requestId: newMessageId() }));
  });

  app.post("/coordination/request", async (c) => {
    const actor = asker(c);
    if (!isActor(actor)) return refusedAsk(c, actor);
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const input: RequestFormInput = {
      to: oneOf(body.to), ask: oneOf(body.ask), topic: oneOf(body.topic), body: oneOf(body.body), respondBy: oneOf(body.respondBy),
      preventionTier: oneOf(body.preventionTier), requestId: oneOf(body.requestId),
    };
    const outcome = await ask(c, input, actor);
    if ("errors" in outcome) return c.html(askPage(c, input, outcome.errors), 422);
    if ("failure" in outcome) return c.html(askPage(c, input, {}, outcome.failure.message), httpStatusOf(outcome.failure));
    const { traceId } = outcome.sent;
    await whenSeen(ctx.model, () => ctx.model.trace(traceId).length > 0);
    return c.redirect(`/coordination?requested=${traceId}`, 303);
  });

  app.post("/coordination/:id/answer", async (c) => {
    const actor = answerer(c);
    if (!isActor(actor)) return refusedAnswer(c, actor);
    const id = c.req.param("id");
    const t = c.get("t");
    const req = openRequest(c, id);
    if (!req) return c.html(layout(frameOf(ctx, c, t.coordination.title, "coordination"), html`<p>${t.coordination.unknownRequest(id)}</p>`), 404);
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const values: AnswerFormInput = { outcome: oneOf(body.outcome), answer: oneOf(body.answer) };
    const outcome = await answer(c, id, values, actor);
    if ("errors" in outcome) return c.html(listPage(c, { refused: { requestId: id, values, errors: outcome.errors } }), 422);
    if ("failure" in outcome) return c.html(listPage(c, { refused: { requestId: id, values, errors: {}, publishError: outcome.failure.message } }), httpStatusOf(outcome.failure));
    const sent = outcome.sent;
    if (sent.outcome === "unknown-request") return c.html(listPage(c, { refused: { requestId: id, values, errors: {}, publishError: sent.message } }), 409);
    const org = c.get("person").organisation;
    await whenSeen(ctx.model, () => ctx.model.notices.requests.get(id)?.responses.has(org) === true);
    return c.redirect(`/coordination?answered=${req.traceId}`, 303);
  });

  app.get("/api/coordination/open", (c) => c.json({ items: openRequestsTo(ctx.model.notices, c.get("person").organisation) }));

  app.post("/api/coordination/requests", async (c) => {
    const actor = asker(c);
    if (!isActor(actor)) return refusedAsk(c, actor);
    const body = await jsonObject(c, "coordination request");
    if (body instanceof SchakelError) return errorAnswer(c, body);
    if (body.from !== undefined && body.from !== c.get("person").organisation) {
      return errorAnswer(c, new SchakelError("not-allowed", `"from" is the signed-in person's organisation (${c.get("person").organisation}); leave it out`, { from: String(body.from) }));
    }
    const input: RequestFormInput = {
      to: strOf(body, "to"), ask: strOf(body, "ask"), topic: strOf(body, "topic"), body: strOf(body, "body"), respondBy: strOf(body, "respondBy"),
      preventionTier: strOf(body, "preventionTier"), requestId: strOf(body, "requestId"),
    };
    const outcome = await ask(c, input, actor);
    if ("errors" in outcome) return invalidAnswer(c, "coordination request", outcome.errors);
    if ("failure" in outcome) return errorAnswer(c, outcome.failure);
    return c.json(outcome.sent, 201);
  });

  app.post("/api/coordination/requests/:id/answer", async (c) => {
    const actor = answerer(c);
    if (!isActor(actor)) return refusedAnswer(c, actor);
    const id = c.req.param("id");
    if (!openRequest(c, id)) return errorAnswer(c, notOpen(id));
    const body = await jsonObject(c, "answer");
    if (body instanceof SchakelError) return errorAnswer(c, body);
    // The JSON route names the text `body`, as the catalog does; the form calls it `answer`.
    const outcome = await answer(c, id, { outcome: strOf(body, "outcome"), answer: strOf(body, "body") }, actor);
    if ("errors" in outcome) {
      const { answer: text, ...rest } = outcome.errors;
      return invalidAnswer(c, "answer", { ...rest, ...(text ? { body: text } : {}) });
    }
    if ("failure" in outcome) return errorAnswer(c, outcome.failure);
    const sent = outcome.sent;
    if (sent.outcome === "unknown-request") return errorAnswer(c, notOpen(id));
    return c.json(sent, sent.outcome === "responded" ? 201 : 200);
  });

  return app;
}
