/**
 * A case's life in its LIVC-R, as messages and state: the municipality opens it for the members
 * taking part, sets a follow-up plan (tasks with an owner and a deadline, each an obligation the
 * platform escalates when missed), the owners report back, and the municipality closes it with a
 * reason or hands it over to the LIVC-R of the municipality the person moved to. Every content
 * field is sealed to the organisations that need it; the clear metadata names the LIVC-R, the
 * composition version, the legal basis and the purpose.
 */
import { caseLaw, newMessageId, SchakelError, type Actor, type CaseCloseReason, type DataOf, type MessageType } from "@schakel/contracts";
import { newCaseKey, type Bus, type Delivery, type Published } from "@schakel/contracts/bus";
import { platformOf } from "../addressing.ts";
import { messageRefOf, type CaseFile } from "../records.ts";
import { orgState, type OrgState } from "../state.ts";
import { currentComposition, requireMembers } from "./membership.ts";
import { caseKeysOf } from "./case-keys.ts";
import { requireCaseKey, sealTo } from "./sealing.ts";

/** What recording a case message needs of it: a delivery, or the sender's own copy as published. */
type Received<T extends MessageType> = Pick<Delivery<T>, "data" | "envelope">;

/** The sender's own copy of a message it just published, to record it as its receivers do. */
const ownCopy = <T extends MessageType>(data: DataOf<T>, published: Published): Received<T> =>
  ({ data, envelope: published.envelope as Received<T>["envelope"] });

const withActor = (actor?: Actor) => (actor ? { actor } : {});


function requireMunicipality(bus: Bus, what: string): void {
  if (!bus.directory.require(bus.org).roles.includes("municipality")) {
    throw new SchakelError("not-allowed", `"${bus.org}" is not a municipality: only the municipality of an LIVC-R ${what}`, { org: bus.org });
  }
}

/** The case as this organisation holds it; throws SchakelError("not-found") naming the case. */
export async function requireCase(state: OrgState, caseRef: string): Promise<CaseFile> {
  const c = await state.cases.get(caseRef);
  if (!c) throw new SchakelError("not-found", `no case ${caseRef} is known to "${state.org}": a municipality opens it in its LIVC-R ("schakel case open"), for the members taking part`, { caseRef });
  return c.value;
}

function requireOwnOpenCase(bus: Bus, c: CaseFile, what: string): void {
  if (c.livc !== bus.org) throw new SchakelError("not-allowed", `case ${c.caseRef} belongs to the LIVC-R of ${c.livc}: only ${c.livc} ${what}`, { caseRef: c.caseRef });
  if (c.closed) throw new SchakelError("not-allowed", `case ${c.caseRef} was closed (${c.closed.reason}) at ${c.closed.at}`, { caseRef: c.caseRef });
  if (c.erased) throw new SchakelError("not-allowed", `case ${c.caseRef} was erased at ${c.erased.at}`, { caseRef: c.caseRef });
}

export interface OpenCaseInput {
  caseRef: string;
  /** The members taking part (the municipality itself is added). */
  participants: string[];
  summary: string;
  actor?: Actor;
}

/** Opens a case in the bus's municipality's LIVC-R: one sealed `case.opened` per participant. */
export async function openCase(bus: Bus, input: OpenCaseInput): Promise<{ caseRef: string; participants: string[]; compositionVersion: number; messageIds: Record<string, string> }> {
  requireMunicipality(bus, "opens a case");
  const state = await orgState(bus);
  const version = await currentComposition(state, bus.org);
  const participants = [...new Set([bus.org, ...input.participants])];
  requireMembers(bus.org, version, participants);
  const existing = await state.cases.get(input.caseRef);
  if (existing) throw new SchakelError("not-allowed", `case ${input.caseRef} is already open in the LIVC-R of ${existing.value.livc}: choose another reference`, { caseRef: input.caseRef });
  // The case's own key: kept here, granted to each participant on request, destroyed on erasure.
  // Sealed with the key as kept (a key left by an attempt that crashed before sending is reused).
  caseKeysOf(bus).put(input.caseRef, newCaseKey());
  const sealed = sealTo(bus, { summary: input.summary }, participants, caseKeysOf(bus).get(input.caseRef));
  const data = { caseRef: input.caseRef, ...caseLaw(bus.org, version.version, "consultation"), participants, sealed };
  const messageIds: Record<string, string> = {};
  for (const to of participants) {
    const ack = await bus.publish("case.opened", data, { to, idempotencyKey: `case-open|${input.caseRef}`, ...withActor(input.actor) });
    messageIds[to] = ack.id;
    if (to === bus.org) await receiveCaseOpened(state, ownCopy<"case.opened">(data, ack));
  }
  return { caseRef: input.caseRef, participants, compositionVersion: version.version, messageIds };
}

/** Records a case this organisation takes part in (its own `case.opened` copy included). */
export async function receiveCaseOpened(state: OrgState, d: Received<"case.opened">): Promise<CaseFile> {
  const { data, envelope } = d;
  const record: CaseFile = {
    caseRef: data.caseRef, livc: data.livc, compositionVersion: data.compositionVersion, participants: data.participants,
    openedAt: envelope.time, opened: messageRefOf(envelope), sealed: data.sealed,
  };
  const c = await state.cases.create(data.caseRef, record);
  return c.created ? record : c.existing!.value;
}

export interface PlanInput {
  caseRef: string;
  tasks: { owner: string; dueBy: string | Date; task: string }[];
  actor?: Actor;
}

/** Sets the follow-up plan of an own open case: sealed to the participants, metadata to the platform for the deadlines. */
export async function setCasePlan(bus: Bus, input: PlanInput): Promise<{ caseRef: string; planVersion: number; tasks: { taskId: string; owner: string; dueBy: string }[] }> {
  const state = await orgState(bus);
  const c = await requireCase(state, input.caseRef);
  requireOwnOpenCase(bus, c, "sets its plan");
  const version = await currentComposition(state, bus.org);
  requireMembers(bus.org, version, c.participants);
  const outsider = input.tasks.find((t) => !c.participants.includes(t.owner));
  if (outsider) throw new SchakelError("not-allowed", `task owner "${outsider.owner}" does not take part in case ${c.caseRef} (participants: ${c.participants.join(", ")})`, { owner: outsider.owner });
  const tasks = input.tasks.map((t) => ({ taskId: newMessageId(), owner: t.owner, dueBy: new Date(t.dueBy).toISOString(), task: t.task }));
  const sealed = sealTo(bus, { tasks: Object.fromEntries(tasks.map((t) => [t.taskId, t.task])) }, c.participants, requireCaseKey(bus, c.caseRef));
  const planVersion = (c.plan?.planVersion ?? 0) + 1;
  const data = {
    caseRef: c.caseRef, ...caseLaw(bus.org, version.version, "follow-up"), planVersion, participants: c.participants,
    tasks: tasks.map(({ taskId, owner, dueBy }) => ({ taskId, owner, dueBy })), sealed,
  };
  for (const to of [...c.participants, platformOf(bus.directory)]) {
    const ack = await bus.publish("case.plan.set", data, { to, idempotencyKey: `case-plan|${c.caseRef}|${planVersion}`, ...withActor(input.actor) });
    if (to === bus.org) await receiveCasePlan(state, ownCopy<"case.plan.set">(data, ack));
  }
  return { caseRef: c.caseRef, planVersion, tasks: data.tasks };
}

/** Records a plan of a case this organisation takes part in; a newer plan version replaces an older one. */
export async function receiveCasePlan(state: OrgState, d: Received<"case.plan.set">): Promise<CaseFile | undefined> {
  const { data, envelope } = d;
  const r = await state.cases.mutate(data.caseRef, (cur) =>
    cur && (cur.plan?.planVersion ?? 0) < data.planVersion
      ? { ...cur, plan: { planVersion: data.planVersion, setAt: envelope.time, messageId: envelope.id, sealed: data.sealed, tasks: data.tasks } }
      : undefined);
  return r?.value;
}

/** Reports back on a follow-up task this organisation owns: sealed to the case's municipality (and itself). */
export async function reportCaseTask(bus: Bus, input: { caseRef: string; taskId: string; report: string; actor?: Actor }): Promise<{ caseRef: string; taskId: string; messageId: string }> {
  const state = await orgState(bus);
  const c = await requireCase(state, input.caseRef);
  const task = c.plan?.tasks.find((t) => t.taskId === input.taskId);
  if (!task) throw new SchakelError("not-found", `case ${c.caseRef} has no task ${input.taskId} (see "schakel case show ${c.caseRef}")`, { caseRef: c.caseRef, taskId: input.taskId });
  if (task.owner !== bus.org) throw new SchakelError("not-allowed", `task ${input.taskId} of case ${c.caseRef} is owned by "${task.owner}": only its owner reports on it`, { owner: task.owner });
  const version = await currentComposition(state, c.livc);
  requireMembers(c.livc, version, [bus.org, c.livc]);
  const sealed = sealTo(bus, { report: input.report }, [c.livc, bus.org], requireCaseKey(bus, c.caseRef));
  const data = { caseRef: c.caseRef, ...caseLaw(c.livc, version.version, "follow-up"), taskId: task.taskId, owner: bus.org, sealed };
  let messageId = "";
  for (const to of [...new Set([c.livc, bus.org, platformOf(bus.directory)])]) {
    const ack = await bus.publish("case.task.reported", data, { to, idempotencyKey: `case-task|${task.taskId}`, ...withActor(input.actor) });
    if (to === c.livc) messageId = ack.id;
    if (to === bus.org) await receiveCaseTaskReport(state, ownCopy<"case.task.reported">(data, ack));
  }
  return { caseRef: c.caseRef, taskId: task.taskId, messageId };
}

/** Records a task report in the case (at the municipality and the owner). */
export async function receiveCaseTaskReport(state: OrgState, d: Received<"case.task.reported">): Promise<CaseFile | undefined> {
  const { data, envelope } = d;
  const r = await state.cases.mutate(data.caseRef, (cur) => {
    const task = cur?.plan?.tasks.find((t) => t.taskId === data.taskId);
    if (!cur?.plan || !task || task.reported) return undefined;
    const reported = { at: envelope.time, messageId: envelope.id, sealed: data.sealed };
    return { ...cur, plan: { ...cur.plan, tasks: cur.plan.tasks.map((t) => (t.taskId === data.taskId ? { ...t, reported } : t)) } };
  });
  return r?.value;
}

/** Closes an own open case with a reason: to the participants and the platform (its open tasks end). */
export async function closeCase(bus: Bus, input: { caseRef: string; reason: CaseCloseReason; actor?: Actor }): Promise<{ caseRef: string; reason: CaseCloseReason }> {
  const state = await orgState(bus);
  const c = await requireCase(state, input.caseRef);
  requireOwnOpenCase(bus, c, "closes it");
  const version = await currentComposition(state, bus.org);
  const participants = c.participants.filter((p) => version.members.some((m) => m.org === p));
  const data = { caseRef: c.caseRef, ...caseLaw(bus.org, version.version, "follow-up"), reason: input.reason, participants };
  for (const to of [...participants, platformOf(bus.directory)]) {
    const ack = await bus.publish("case.closed", data, { to, idempotencyKey: `case-close|${c.caseRef}`, ...withActor(input.actor) });
    if (to === bus.org) await receiveCaseClosed(state, ownCopy<"case.closed">(data, ack));
  }
  return { caseRef: c.caseRef, reason: input.reason };
}

/** Marks a case closed. */
export async function receiveCaseClosed(state: OrgState, d: Received<"case.closed">): Promise<CaseFile | undefined> {
  const { data, envelope } = d;
  const r = await state.cases.mutate(data.caseRef, (cur) => (cur && !cur.closed ? { ...cur, closed: { reason: data.reason, at: envelope.time, messageId: envelope.id } } : undefined));
  return r?.value;
}

/**
 * Hands an own case over to the LIVC-R of the municipality the person moved to: the hand-over is
 * sealed to that municipality only (it opens a case of its own in its LIVC-R, with its members),
 * and the case is closed here as `moved-away`.
 */
export async function transferCase(bus: Bus, input: { caseRef: string; to: string; handover: string; actor?: Actor }): Promise<{ caseRef: string; to: string; messageId: string }> {
  const state = await orgState(bus);
  const c = await requireCase(state, input.caseRef);
  requireOwnOpenCase(bus, c, "transfers it");
  const target = bus.directory.organisation(input.to);
  if (!target?.roles.includes("municipality") || input.to === bus.org) {
    throw new SchakelError("not-allowed", `"${input.to}" is not another municipality: a case is handed over to the LIVC-R of the municipality the person moved to`, { to: input.to });
  }
  const version = await currentComposition(state, bus.org);
  // Not bound to this case's key: the hand-over becomes the receiving LIVC-R's, which opens a case of its own.
  const sealed = sealTo(bus, { handover: input.handover }, [input.to]);
  const data = { caseRef: c.caseRef, ...caseLaw(bus.org, version.version, "transfer"), toLivc: input.to, sealed };
  const ack = await bus.publish("case.transferred", data, { to: input.to, idempotencyKey: `case-transfer|${c.caseRef}`, ...withActor(input.actor) });
  await state.cases.mutate(c.caseRef, (cur) => (cur && !cur.transferred ? { ...cur, transferred: { to: input.to, at: new Date().toISOString(), messageId: ack.id } } : undefined));
  await closeCase(bus, { caseRef: c.caseRef, reason: "moved-away", ...withActor(input.actor) });
  return { caseRef: c.caseRef, to: input.to, messageId: ack.id };
}

/** Records a case handed over to this municipality's LIVC-R. */
export async function receiveCaseTransfer(state: OrgState, d: Delivery<"case.transferred">): Promise<void> {
  const { data, envelope } = d;
  await state.transfersIn.create(data.caseRef, { caseRef: data.caseRef, from: envelope.sender, receivedAt: envelope.time, message: messageRefOf(envelope), sealed: data.sealed });
}

/** The cases this organisation takes part in, newest first. */
export async function caseFiles(bus: Bus): Promise<CaseFile[]> {
  const state = await orgState(bus);
  return (await state.cases.list()).map((s) => s.value).sort((a, b) => b.openedAt.localeCompare(a.openedAt));
}
