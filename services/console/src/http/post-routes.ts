/**
 * Posting a notice from the console: the HTML form (`GET/POST /post`) and the JSON route
 * (`POST /api/notices`). The sender is the signed-in person's organisation, never a field of the
 * request; the person's roles must allow posting (contracts' person actions) and the organisation
 * must be a sender of notices whose credentials the console holds. Both validate with the catalog
 * schema first and publish nothing when a field is wrong; the notice carries the person as actor.
 */
import { Hono, type Context } from "hono";
import { actingRole, catalog, nearbyMunicipalities, newMessageId, SchakelError, SchemaError, type Actor, type Person } from "@schakel/contracts";
import { noticeSenders } from "../identities.ts";
import { validateNoticeForm, type NoticeFormInput } from "../post/notice-form.ts";
import type { PostedNotice } from "../post/publisher.ts";
import { layout } from "../views/layout.ts";
import { postForm } from "../views/post.ts";
import type { Messages } from "../i18n/messages.ts";
import { deny } from "../auth/denials.ts";
import { csrfOf, frameOf, type ConsoleContext, type Env } from "./context.ts";
import { asSchakelError, errorAnswer, httpStatusOf } from "./errors.ts";
import { whenSeen } from "./action-support.ts";

type FormBody = Record<string, string | File | (string | File)[]>;

const list = (v: FormBody[string] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string"));
const one = (v: FormBody[string] | undefined): string | undefined => list(v)[0];

/** The submitted HTML form as form input. */
export function formInputOf(body: FormBody, from: string): NoticeFormInput {
  return {
    from, recipients: list(body.recipients), title: one(body.title), body: one(body.body), category: one(body.category),
    ackRequired: one(body.ackRequired) === "on", ackBy: one(body.ackBy), preventionTier: one(body.preventionTier),
    extremismForms: list(body.extremismForms), caseRef: one(body.caseRef), noticeId: one(body.noticeId),
  };
}

const unreachable = (url: string) => new SchakelError("unreachable", `The bus at ${url} cannot be reached; your notice was not sent. Try again when the banner is gone.`, { url });

/** A publication that returned neither a notice nor an error (the publisher's contract forbids it). */
const noPost = () => new SchakelError("failed", "the notice was not posted, for no known reason: try again");

export function postRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const directory = ctx.identities.directory;
  const senders = () => noticeSenders(ctx.identities);

  /** The actor for `person` posting, when their roles and organisation allow it. */
  const posterOf = (person: Person): Actor | undefined => {
    const role = actingRole(person.roles, "post-notice");
    return role && senders().includes(person.organisation) ? { person: person.id, role } : undefined;
  };

  /** For a sender limited to nearby municipalities (a municipality): the municipalities it may address; else undefined (anyone). */
  const nearbyOf = (org: string): string[] | undefined => {
    const sender = directory.organisation(org);
    const entry = catalog["notice.posted"];
    if (!sender || !entry.nearbyOnly?.length || entry.senders.some((r) => sender.roles.includes(r) && !entry.nearbyOnly!.includes(r))) return undefined;
    return nearbyMunicipalities(sender, directory.organisations);
  };

  const publish = async (input: NoticeFormInput, actor: Actor, t?: Messages): Promise<{ posted?: PostedNotice; errors?: Record<string, string[]>; failure?: SchakelError }> => {
    const result = validateNoticeForm(input, senders(), directory, t);
    if (!result.ok) return { errors: result.errors };
    // Waiting does not help a console started without a bus: not retryable (still a 503 by its code).
    if (!ctx.publisher) return { failure: new SchakelError("unreachable", "this console runs without a bus connection, so it cannot post: start it with the bus URL", {}, { retryable: false }) };
    // While the bus is away a publish would wait in the client's buffer and might still leave
    // after the user was told it failed: refuse before anything is handed to the connection.
    if (ctx.busStatus?.down) return { failure: unreachable(ctx.busStatus.state.url) };
    try {
      const posted = await ctx.publisher.post(result.from, result.audiences, result.data, actor);
      ctx.recentPosts?.remember({ noticeId: posted.noticeId, from: result.from, title: result.data.title, at: Date.now() });
      return { posted };
    } catch (err) {
      if (err instanceof SchemaError) return { errors: { title: [err.message] } };
      return { failure: asSchakelError(err, "publishing the notice failed") };
    }
  };

  const form = (c: Context<Env>, values: NoticeFormInput, errors: Record<string, string[]> = {}, publishError?: string) =>
    layout(frameOf(ctx, c, c.get("t").post.title, "post"), postForm({
      from: c.get("person").organisation, csrf: csrfOf(c), values, errors, directory, t: c.get("t"), ...(publishError ? { publishError } : {}),
      ...(nearbyOf(c.get("person").organisation) ? { nearby: nearbyOf(c.get("person").organisation)! } : {}),
    }));

  const mayNot = (c: Context<Env>) => deny(c, 403, "role-not-allowed", c.get("t").auth.mayNotPost(c.get("person").roles.join(", ")));

  app.get("/post", (c) => {
    if (!posterOf(c.get("person"))) return mayNot(c);
    // The notice's id is chosen now and kept through refused submissions, so sending the same
    // form again after a failure can never post the notice twice.
    return c.html(form(c, { from: c.get("person").organisation, ackRequired: true, recipients: [], noticeId: newMessageId() }));
  });

  app.post("/post", async (c) => {
    const actor = posterOf(c.get("person"));
    if (!actor) return mayNot(c);
    const input = formInputOf(await c.req.parseBody({ all: true }), c.get("person").organisation);
    const { posted, errors, failure } = await publish(input, actor, c.get("t"));
    if (errors) return c.html(form(c, input, errors), 422);
    if (failure || !posted) {
      const error = failure ?? noPost();
      return c.html(form(c, input, {}, error.message), httpStatusOf(error));
    }
    // A notice not read back in time gets a page that says so and looks again (pages.ts).
    await whenSeen(ctx.model, () => ctx.model.notices.notices.get(posted.noticeId)?.known === true);
    return c.redirect(`/notices/${posted.noticeId}`, 303);
  });

  app.post("/api/notices", async (c) => {
    const person = c.get("person");
    const actor = posterOf(person);
    if (!actor) return mayNot(c);
    let body: Record<string, unknown>;
    try {
      body = await c.req.json();
    } catch {
      return errorAnswer(c, new SchakelError("schema", "the body is not JSON: send the notice fields as a JSON object"));
    }
    const str = (k: string) => (typeof body[k] === "string" ? (body[k] as string) : undefined);
    const strs = (k: string) => (Array.isArray(body[k]) ? (body[k] as unknown[]).filter((x): x is string => typeof x === "string") : typeof body[k] === "string" ? [body[k] as string] : []);
    // The sender is the person's organisation; a script that names another is told, not obeyed.
    if (body.from !== undefined && body.from !== person.organisation) {
      return errorAnswer(c, new SchakelError("not-allowed", `"from" is the signed-in person's organisation (${person.organisation}); leave it out`, { from: String(body.from) }));
    }
    const input: NoticeFormInput = {
      from: person.organisation, recipients: strs("recipients"), title: str("title"), body: str("body"), category: str("category"),
      ackRequired: body.ackRequired === true, ackBy: str("ackBy"), preventionTier: str("preventionTier"), extremismForms: strs("extremismForms"), caseRef: str("caseRef"),
      noticeId: str("noticeId"),
    };
    const { posted, errors, failure } = await publish(input, actor);
    // 422 with every failing field, as the form shows them (a request that parsed but does not validate).
    if (errors) return c.json({ error: { ...new SchakelError("schema", "the notice is invalid; nothing was published").toData(), fields: errors } }, 422);
    if (failure || !posted) return errorAnswer(c, failure ?? noPost());
    return c.json(posted, 201);
  });

  return app;
}
