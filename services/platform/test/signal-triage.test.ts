/**
 * Signals that end somewhere, on a real server with the level services running: a neighbour's
 * signal received, recorded and acknowledged (its obligation closed); a signal to the platform
 * queued with the rules' proposal and no decision taken silently; a platform coordinator's
 * forward to a named partner that acknowledges, misses its report-back deadline and is escalated,
 * with the routing status and the late report back at the raiser; a decision by anyone else
 * refused by the library and by every reader; the picture of polarisation; a request for
 * information answered by the raiser; and the signal records of the previous release still read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadLetterSubject, SchakelError, STREAMS, type Actor } from "@schakel/contracts";
import { federalService } from "@schakel/federal";
import { flemishService } from "@schakel/flemish";
import { startSchakelServer, storedMessages, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { localService } from "@schakel/local";
import { acknowledgeSignal, escalatedSignals, orgState, provideSignalInformation, raiseSignal, reportBackOnSignal, signals } from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { obligationKey, openPlatformStores, provinceOf, signalRecords, signalStats, triageQueue, triageSignal, type PlatformEvent, type PlatformStores } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
const coordinator: Actor = { person: "e.janssens", role: "platform-coordinator" };
type EscalationData = { escalationId: string; obligation: { kind: string; reference: string; owedBy: string; owedTo: string } };

describe("signals - neighbours, triage and the picture of polarisation", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let federal: ServiceHost;
  let flemish: ServiceHost;
  let stores: PlatformStores;
  const events: PlatformEvent[] = [];
  beforeAll(async () => {
    s = await startSchakelServer();
    [local, federal, flemish] = await Promise.all([
      startService(localService, { orgs: ["mechelen", "vilvoorde"], dataDir: s.dataDir, server: s.url, logger: quiet("local") }),
      startService(federalService, { orgs: ["fed-police", "fed-ocam"], dataDir: s.dataDir, server: s.url, logger: quiet("federal") }),
      startService(flemishService, { orgs: ["vpr"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish"), options: { tickMs: 100, onEvent: (e) => void events.push(e) } }),
    ]);
    stores = await openPlatformStores(await s.connectAs("vpr"));
  });
  afterAll(async () => {
    await Promise.all([local?.stop(), federal?.stop(), flemish?.stop()]);
    await s?.cleanup();
  });

  it("signals - a neighbour's signal is received, recorded and acknowledged; the platform closes the obligation", async () => {
    const raised = await raiseSignal(local.bus("vilvoorde"), {
      to: "mechelen", kind: "tension", severity: "medium", title: "Tension after a football match", description: "Groups of supporters clashed near the border of both towns.",
      extremismForms: ["far-right"], actor: { person: "n.willems", role: "livc-coordinator" },
    });
    const received = await waitFor(async () => (await signals(local.bus("mechelen"))).find((x) => x.signalId === raised.signalId), { what: "the signal at mechelen" });
    expect(received).toMatchObject({ direction: "received", raisedBy: "vilvoorde", to: "mechelen", description: "Groups of supporters clashed near the border of both towns." });
    expect(received.actor?.role).toBe("livc-coordinator");
    const key = obligationKey("signal-acknowledgement", raised.signalId, "mechelen");
    await waitFor(async () => (await stores.obligations.get(key))?.value.deadline, { what: "the acknowledgement obligation" });

    const ack = await acknowledgeSignal(local.bus("mechelen"), { signalId: raised.signalId, remark: "Our prevention officer follows up", actor: { person: "l.peeters", role: "livc-coordinator" } });
    expect(ack).toMatchObject({ outcome: "acknowledged", to: "vilvoorde" });
    expect((await acknowledgeSignal(local.bus("mechelen"), { signalId: raised.signalId })).outcome).toBe("already-acknowledged");
    const atRaiser = await waitFor(async () => (await signals(local.bus("vilvoorde"))).find((x) => x.signalId === raised.signalId && x.acknowledgement), { what: "the acknowledgement at vilvoorde" });
    expect(atRaiser.acknowledgement).toMatchObject({ by: "mechelen", remark: "Our prevention officer follows up" });
    const closed = await waitFor(async () => (await stores.obligations.get(key))?.value.closedAt ? (await stores.obligations.get(key))!.value : undefined, { what: "the obligation closed" });
    expect(closed).toMatchObject({ owedBy: "mechelen", owedTo: "vilvoorde", kind: "signal-acknowledgement" });
    expect(closed.escalation).toBeUndefined();
    const record = (await signalRecords(stores).get(raised.signalId))!.value;
    expect(record).toMatchObject({ route: "neighbour", raisedBy: "vilvoorde", acknowledgement: { by: "mechelen" } });
    expect(record.description).toBeUndefined(); // metadata only at the platform
    expect((await acknowledgeSignal(local.bus("vilvoorde"), { signalId: newId() })).outcome).toBe("unknown-signal");
  });

  it("signals - triage: proposed by the rules, refused to a non-coordinator, forwarded by a coordinator; a missed report-back escalates, the raiser sees the routing", async () => {
    const vilvoorde = local.bus("vilvoorde");
    const raised = await raiseSignal(vilvoorde, {
      kind: "incident", severity: "high", title: "Threatening graffiti at a place of worship", description: "Symbols linked to far-right groups; police informed.",
      escalate: true, extremismForms: ["far-right"], preventionTier: "secondary",
    });
    const queued = await waitFor(async () => (await triageQueue(stores, { states: ["open"] })).find((i) => i.signalId === raised.signalId), { what: "the signal in the queue" });
    expect(queued.proposal).toMatchObject({ decision: "forward", rule: "escalation-asked" });
    expect(queued.decisions).toEqual([]);
    // The rule only proposed: nothing was decided or sent.
    expect(await storedOfType(await s.jsm(), "signal.escalated")).toEqual([]);
    expect(await storedOfType(await s.jsm(), "signal.triaged")).toEqual([]);

    const vpr = flemish.bus("vpr");
    const input = { signalId: raised.signalId, decision: "forward" as const, partner: "fed-police", reason: "The police follow up far-right symbols." };
    await expect(triageSignal(vpr, { ...input, actor: { person: "t.wouters", role: "operator" } })).rejects.toThrow(/only a platform coordinator decides on a signal, and t\.wouters acts as operator/);
    await expect(triageSignal(vpr, input)).rejects.toMatchObject({ code: "not-allowed" });
    await expect(triageSignal(vilvoorde, { ...input, actor: coordinator })).rejects.toThrow(/vilvoorde cannot triage signals/);
    await expect(triageSignal(vpr, { ...input, partner: "nowhere", actor: coordinator })).rejects.toBeInstanceOf(SchakelError);
    await expect(triageSignal(vpr, { ...input, partner: "vilvoorde", actor: coordinator })).rejects.toThrow(/other than its raiser vilvoorde/);
    await expect(triageSignal(vpr, { ...input, signalId: "not-a-signal", actor: coordinator })).rejects.toMatchObject({ code: "schema" });
    await expect(triageSignal(vpr, { ...input, signalId: newId(), actor: coordinator })).rejects.toMatchObject({ code: "not-found" });

    // A decision that no coordinator took is refused by its readers too (dead-lettered with the reason).
    const forged = await vpr.publish("signal.triaged", {
      decisionId: newId(), signalId: raised.signalId, raisedBy: "vilvoorde", decision: "close", reason: "closed by a service", decidedAt: new Date().toISOString(),
    }, { to: "vilvoorde" });
    await waitFor(async () => (await storedMessages(await s.jsm(), deadLetterSubject("vilvoorde", "handler-refused"), STREAMS.deadletter.name)).find((m) => m.envelope.id === forged.id), { what: "vilvoorde refusing the forged decision" });

    const reportBackBy = new Date(Date.now() + 2_500);
    const decided = await triageSignal(vpr, { ...input, actor: coordinator, acknowledgeBy: new Date(Date.now() + 2_000), reportBackBy });
    expect(decided).toMatchObject({ decision: "forward", state: "forwarded", to: ["vilvoorde", "fed-police"], partner: "fed-police" });

    const routing = await waitFor(async () => (await signals(vilvoorde)).find((x) => x.signalId === raised.signalId && x.routing?.length)?.routing, { what: "the routing status at vilvoorde" });
    expect(routing).toHaveLength(1);
    expect(routing[0]).toMatchObject({ decision: "forward", partner: "fed-police", reason: input.reason, reportBackBy: reportBackBy.toISOString(), actor: { role: "platform-coordinator" } });
    const atPartner = await waitFor(async () => (await signals(federal.bus("fed-police"))).find((x) => x.signalId === raised.signalId), { what: "the forwarded signal at fed-police" });
    expect(atPartner).toMatchObject({ direction: "forwarded-to-us", raisedBy: "vilvoorde", description: "Symbols linked to far-right groups; police informed.", extremismForms: ["far-right"] });
    expect(await acknowledgeSignal(federal.bus("fed-police"), { signalId: raised.signalId })).toMatchObject({ outcome: "acknowledged", to: "vpr" });

    const reportKey = obligationKey("signal-report", raised.signalId, "fed-police");
    const escalated = await waitFor(async () => {
      const o = (await stores.obligations.get(reportKey))?.value;
      return o?.escalation?.state === "published" ? o : undefined;
    }, { timeoutMs: 15_000, what: "the missed report-back escalated" });
    expect(escalated).toMatchObject({ kind: "signal-report", owedBy: "fed-police", owedTo: "vpr", deadline: reportBackBy.toISOString() });
    const copies = (await storedOfType<EscalationData>(await s.jsm(), "escalation.raised", "vpr")).filter((m) => m.envelope.data.obligation.reference === raised.signalId);
    expect(copies.map((m) => m.envelope.audience).sort()).toEqual(["fed-police", "vpr"]);
    expect(copies[0]!.envelope.data.obligation.kind).toBe("signal-report");
    const ackKey = obligationKey("signal-acknowledgement", raised.signalId, "fed-police");
    await waitFor(async () => (await stores.obligations.get(ackKey))?.value.closedAt, { what: "the partner's acknowledgement closing its obligation" });

    const item = (await signalRecords(stores).get(raised.signalId))!.value;
    expect(item).toMatchObject({ state: "forwarded", acknowledgement: { by: "fed-police" } });
    expect(item.decisions.map((d) => d.decision)).toEqual(["forward"]);
    expect(events.some((e) => e.kind === "signal-triaged" && e.signalId === raised.signalId && e.partner === "fed-police")).toBe(true);

    // The late report reaches the platform (obligation closed, late) and the raiser.
    await reportBackOnSignal(federal.bus("fed-police"), { signalId: raised.signalId, outcome: "Patrols near the place of worship increased." });
    await waitFor(async () => (await signals(vilvoorde)).find((x) => x.signalId === raised.signalId)?.reportBack, { what: "the report at vilvoorde" });
    await waitFor(() => events.some((e) => e.kind === "obligation-closed" && e.key === reportKey && e.late), { what: "the report-back obligation closed late" });
    await expect(reportBackOnSignal(local.bus("mechelen"), { signalId: raised.signalId, outcome: "not ours" })).rejects.toThrow(/no signal .* was forwarded to mechelen/);

    // A closed signal takes no further decision.
    await triageSignal(vpr, { signalId: raised.signalId, decision: "close", reason: "Reported back; no further action.", actor: coordinator });
    await expect(triageSignal(vpr, { signalId: raised.signalId, decision: "monitor", reason: "again", actor: coordinator })).rejects.toThrow(/is closed/);
  });

  it("signals - the picture counts signals per month, municipality, province, kind and form (metadata only)", async () => {
    const mechelen = local.bus("mechelen");
    await raiseSignal(mechelen, { kind: "polarisation", severity: "low", title: "Polarising posters in the centre", description: "Posters against a minority.", extremismForms: ["far-right", "far-left"] });
    await raiseSignal(mechelen, { kind: "polarisation", severity: "low", title: "Online hate after a local event", description: "Comments on a local forum." });
    const month = new Date().toISOString().slice(0, 7);
    const stats = await waitFor(async () => {
      const st = await signalStats(stores, flemish.bus("vpr").directory);
      return (st.byMunicipality.mechelen ?? 0) >= 2 ? st : undefined;
    }, { what: "mechelen's signals counted" });
    expect(stats.byMunicipality).toMatchObject({ mechelen: 2, vilvoorde: 2 });
    expect(stats.byKind).toMatchObject({ polarisation: 2, tension: 1, incident: 1 });
    expect(stats.byForm).toMatchObject({ "far-right": 3, "far-left": 1, none: 1 });
    expect(stats.rows).toContainEqual({ month, municipality: "mechelen", province: provinceOf(flemish.bus("vpr").directory, "mechelen"), kind: "polarisation", form: "none", count: 1 });
    expect(stats.total).toBe(4);
    expect(JSON.stringify(stats)).not.toMatch(/Posters against|Comments on a local forum/);
    const none = await signalStats(stores, flemish.bus("vpr").directory, { from: new Date(Date.now() + 86_400_000) });
    expect(none.total).toBe(0);
  });

  it("signals - ask-info: the raiser answers, signed; the item returns to open with the information; a second answer, an early one and a stranger's are not kept", async () => {
    const mechelen = local.bus("mechelen");
    const vpr = flemish.bus("vpr");
    const lotte: Actor = { person: "l.peeters", role: "local-contact-point" };
    const raised = await raiseSignal(mechelen, { kind: "tension", severity: "medium", title: "Tension around a youth centre", description: "Repeated confrontations in the evening." });
    await waitFor(async () => (await triageQueue(stores, { states: ["open"] })).find((i) => i.signalId === raised.signalId), { what: "the signal in the queue" });
    await expect(provideSignalInformation(mechelen, { signalId: raised.signalId, information: "Nobody asked yet." })).rejects.toMatchObject({ code: "not-allowed" });
    await expect(provideSignalInformation(local.bus("vilvoorde"), { signalId: raised.signalId, information: "Not our signal." })).rejects.toMatchObject({ code: "not-found" });

    const asked = await triageSignal(vpr, { signalId: raised.signalId, decision: "ask-info", reason: "Since when, and how often?", actor: coordinator });
    expect(asked.state).toBe("awaiting-information");
    await waitFor(async () => (await signals(mechelen)).find((x) => x.signalId === raised.signalId)?.routing?.some((r) => r.decision === "ask-info"), { what: "the question at mechelen" });
    await expect(provideSignalInformation(mechelen, { signalId: raised.signalId, information: "x" })).rejects.toMatchObject({ code: "schema" });

    const answered = await provideSignalInformation(mechelen, { signalId: raised.signalId, information: "Since September, about twice a week.", actor: lotte });
    expect(answered).toMatchObject({ decisionId: asked.decisionId, to: "vpr", duplicate: false });
    expect((await provideSignalInformation(mechelen, { signalId: raised.signalId, information: "Since September, about twice a week." })).duplicate).toBe(true);
    const item = await waitFor(async () => {
      const i = (await signalRecords(stores).get(raised.signalId))?.value;
      return i?.information?.length ? i : undefined;
    }, { what: "the information on the queue item" });
    expect(item.state).toBe("open");
    expect(item.information).toEqual([expect.objectContaining({ decisionId: asked.decisionId, information: "Since September, about twice a week.", messageId: answered.messageId, actor: expect.objectContaining({ role: "local-contact-point" }) })]);
    expect(events).toContainEqual({ kind: "signal-info-provided", signalId: raised.signalId, state: "open" });
    const stored = (await storedOfType(await s.jsm(), "signal.info.provided", "mechelen")).filter((m) => m.envelope.id === answered.messageId);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.envelope).toMatchObject({ audience: "vpr", actorrole: "local-contact-point", causationid: item.decisions[0]!.messageId });
    expect((await signals(mechelen)).find((x) => x.signalId === raised.signalId)?.information).toEqual([expect.objectContaining({ decisionId: asked.decisionId })]);

    // Another municipality's answer about mechelen's signal is refused by the platform (dead-lettered with the reason).
    const stranger = await local.bus("vilvoorde").publish("signal.info.provided", {
      signalId: raised.signalId, decisionId: asked.decisionId, raisedBy: "vilvoorde", information: "We know more.", providedAt: new Date().toISOString(),
    }, { to: "vpr" });
    await waitFor(async () => (await storedMessages(await s.jsm(), deadLetterSubject("vpr", "handler-refused"), STREAMS.deadletter.name)).find((m) => m.envelope.id === stranger.id), { what: "vpr refusing the stranger's answer" });
    expect((await signalRecords(stores).get(raised.signalId))!.value.information).toHaveLength(1);

    // The coordinator decides with the information added.
    expect((await triageSignal(vpr, { signalId: raised.signalId, decision: "monitor", reason: "Keep following it with the local cell.", actor: coordinator })).state).toBe("monitoring");
  });

  it("signals - records of the previous release still read", async () => {
    const state = await orgState(federal.bus("fed-ocam"));
    const id = newId();
    const previous = { signalId: id, direction: "escalated-to-us", raisedBy: "vilvoorde", from: "vpr", to: "federal", kind: "incident", severity: "high", title: "An old escalation", escalate: true, reason: "high severity", at: "2026-11-01T10:00:00.000Z", messageId: newId() };
    await state.signals.kv.put(`signal.${id}`, JSON.stringify(previous));
    expect((await escalatedSignals(federal.bus("fed-ocam"))).find((x) => x.signalId === id)).toMatchObject(previous);
    // A queue item and a raiser's routing of the previous release (no information, no decision message) read as before.
    const itemId = newId();
    const decision = { decisionId: newId(), decision: "ask-info", reason: "Since when?", decidedAt: "2026-11-02T10:00:00.000Z", messageId: newId() };
    const oldItem = {
      signalId: itemId, raisedBy: "mechelen", to: "vpr", route: "platform", raisedAt: "2026-11-01T10:00:00.000Z",
      message: { id: newId(), correlationid: newId(), traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01" },
      kind: "tension", severity: "low", title: "An old item", escalateAsked: false, state: "awaiting-information", decisions: [decision],
    };
    await stores.deliveries.kv.put(`triage.${itemId}`, JSON.stringify(oldItem));
    expect((await signalRecords(stores).get(itemId))?.value).toMatchObject({ state: "awaiting-information", decisions: [decision] });
    const mine = await orgState(local.bus("mechelen"));
    await mine.signals.kv.put(`signal.${itemId}`, JSON.stringify({
      signalId: itemId, direction: "raised", raisedBy: "mechelen", from: "mechelen", to: "vpr", kind: "tension", severity: "low", title: "An old item", escalate: false,
      at: "2026-11-01T10:00:00.000Z", messageId: oldItem.message.id, routing: [decision],
    }));
    expect((await signals(local.bus("mechelen"))).find((x) => x.signalId === itemId)?.routing).toEqual([decision]);
  });
});

function newId(): string {
  return crypto.randomUUID();
}
