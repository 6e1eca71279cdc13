/**
 * What the action routes (signal, coordination) share: who the signed-in person acts as (their
 * role must allow the action, their organisation must be one this console holds keys for and, for
 * a signal, a catalog sender), sending only while the bus is reachable, reading form and JSON
 * fields, and waiting until the read model shows what was sent, so the page redirected to shows it.
 */
import type { Context } from "hono";
import { actingRole, SchakelError, SchemaError, type Actor, type PersonAction } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import type { ReadModel } from "../model/read-model.ts";
import { html } from "hono/html";
import { deny, isApiPath } from "../auth/denials.ts";
import { layout, type NavKey } from "../views/layout.ts";
import { frameOf, type ConsoleContext, type Env } from "./context.ts";
import { asSchakelError, errorAnswer } from "./errors.ts";

export type FormBody = Record<string, string | File | (string | File)[]>;

/** Every string value of a form field. */
export const listOf = (v: FormBody[string] | undefined): string[] => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string"));
/** The first string value of a form field. */
export const oneOf = (v: FormBody[string] | undefined): string | undefined => listOf(v)[0];

/** Reads a JSON object body, or says what to send. */
export async function jsonObject(c: Context<Env>, what: string): Promise<Record<string, unknown> | SchakelError> {
  try {
    const body: unknown = await c.req.json();
    if (body && typeof body === "object" && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  return new SchakelError("schema", `the body is not a JSON object: send the ${what} fields as one`);
}
/** A string field of a JSON body. */
export const strOf = (body: Record<string, unknown>, k: string): string | undefined => (typeof body[k] === "string" ? (body[k] as string) : undefined);

/** Why a person may not act: their role, or their organisation (not held, or not a sender of the type). */
export type Refusal = { role: true } | { org: string };

/**
 * The actor for the signed-in person taking `action`, or why not. `orgMaySend` says whether the
 * organisation may send the message at all (its keys held, its catalog role a sender).
 */
export function actorFor(c: Context<Env>, action: PersonAction, orgMaySend: (org: string) => boolean): Actor | Refusal {
  const person = c.get("person");
  const role = actingRole(person.roles, action);
  if (!role) return { role: true };
  if (!orgMaySend(person.organisation)) return { org: person.organisation };
  return { person: person.id, role };
}

export const isActor = (a: Actor | Refusal): a is Actor => "person" in a;

/** The 403 for a refusal: the role message, or the organisation's. Nothing was sent. */
export function refuse(ctx: ConsoleContext, c: Context<Env>, refusal: Refusal, roleMessage: (roles: string) => string, orgMessage: (org: string) => string, active: NavKey): Response | Promise<Response> {
  if ("role" in refusal) return deny(c, 403, "role-not-allowed", roleMessage(c.get("person").roles.join(", ")));
  const error = new SchakelError("not-allowed", orgMessage(refusal.org), { organisation: refusal.org });
  if (isApiPath(c.req.path)) return errorAnswer(c, error);
  return c.html(layout(frameOf(ctx, c, c.get("t").auth.deniedTitle, active), html`<p data-denial="not-allowed">${error.message}</p>`), 403);
}

/** Whether the console holds `org`'s keys (so it can sign in its name). */
export const holds = (ctx: ConsoleContext, org: string): boolean => ctx.identities.available().includes(org);

/**
 * The console's connection of the signed-in person's organisation, to read and write its own
 * records (`what`: what the page does, for the error). @throws SchakelError `unreachable` without a bus
 */
export async function ownBus(ctx: ConsoleContext, c: Context<Env>, what: string): Promise<Bus> {
  if (!ctx.publisher) throw new SchakelError("unreachable", `this console runs without a bus connection, so it cannot ${what}: start it with the bus URL`, {}, { retryable: false });
  return ctx.publisher.connection(c.get("person").organisation);
}

/** The outcome of sending: what was sent, the schema's complaint (by field), or another failure. */
export type Sent<T> = { sent: T } | { invalid: SchemaError } | { failure: SchakelError };

/**
 * Sends through the publisher, unless the console has no bus or the bus is away (then nothing is
 * handed to the connection, so nothing can leave later after the user was told it failed).
 */
export async function sendWith<T>(ctx: ConsoleContext, what: string, send: (publisher: NonNullable<ConsoleContext["publisher"]>) => Promise<T>): Promise<Sent<T>> {
  if (!ctx.publisher) return { failure: new SchakelError("unreachable", `this console runs without a bus connection, so it cannot send the ${what}: start it with the bus URL`, {}, { retryable: false }) };
  if (ctx.busStatus?.down) return { failure: new SchakelError("unreachable", `The bus at ${ctx.busStatus.state.url} cannot be reached; your ${what} was not sent. Try again when the banner is gone.`, { url: ctx.busStatus.state.url }) };
  try {
    return { sent: await send(ctx.publisher) };
  } catch (err) {
    if (err instanceof SchemaError) return { invalid: err };
    return { failure: asSchakelError(err, `sending the ${what} failed`) };
  }
}

/** The 422 JSON answer for field errors (`fields`: messages per field). Nothing was published. */
export const invalidAnswer = (c: Context<Env>, what: string, fields: Record<string, string[] | undefined>): Response =>
  c.json({ error: { ...new SchakelError("schema", `the ${what} is invalid; nothing was published`).toData(), fields } }, 422);

/**
 * How long an action waits for the console's own record to show what it sent before it sends the
 * person on to the page that shows it (the record reads the bus through a feed that may lag behind
 * by seconds on a busy machine).
 */
const READ_BACK_MS = 5_000;

/** Resolves once `check()` holds for the read model, or after `ms`. */
export function whenSeen(model: ReadModel, check: () => boolean, ms = READ_BACK_MS): Promise<void> {
  if (check()) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(finish, ms);
    const unsubscribe = model.subscribe(() => {
      if (check()) finish();
    });
    function finish() {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
}
