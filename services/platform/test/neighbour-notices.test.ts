/**
 * Notices from the parties of the flows, on a real bus with the services running: a municipality
 * warns its neighbour and its province (acknowledged, and escalated like a federal notice when
 * missed); a notice to a municipality that is neither is refused by the sending client and, when a
 * client skips that check, dead-lettered at the receiver with the reason; the crisis centre's
 * threat level reaches the municipalities of a province and a police zone, whose service (demo
 * policy) acknowledges it; a police zone named in a case consultation answers it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jetstream } from "@nats-io/jetstream";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { deadLetterSubject, newMessageId, SchakelError, sourceOf, STREAMS, subjectFor } from "@schakel/contracts";
import { encodeSignature, HEADERS, signingBytes } from "@schakel/contracts/bus";
import { flemishService } from "@schakel/flemish";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { DEMO_ACKNOWLEDGED_BY, localPartnerService, localService } from "@schakel/local";
import {
  acknowledgeNotice, openCase, openCaseConsultation, postNotice, receivedNotices, requestCaseConsultation, respondToCaseConsultation, setLivcComposition,
} from "@schakel/organisation";
import { createLogger, startService, type ServiceHost } from "@schakel/runtime";
import { noticeStatus, openPlatformStores, type PlatformStores } from "../src/mod.ts";

const quiet = (service: string) => createLogger({ service, level: "silent" });
type Escalation = { obligation: { reference: string; owedBy: string; owedTo: string } };
type Acknowledged = { noticeId: string; recipient: string; acknowledgedBy?: string };

describe("notices from municipalities, the crisis centre and to police zones", () => {
  let s: SchakelServer;
  let local: ServiceHost;
  let partners: ServiceHost;
  let flemish: ServiceHost;
  let stores: PlatformStores;
  beforeAll(async () => {
    s = await startSchakelServer();
    [local, partners, flemish] = await Promise.all([
      startService(localService, { orgs: ["mechelen", "willebroek", "antwerpen", "gent"], dataDir: s.dataDir, server: s.url, logger: quiet("local") }),
      startService(localPartnerService, { orgs: ["pz-mechelen-willebroek"], dataDir: s.dataDir, server: s.url, logger: quiet("local-partners"), options: { autoAcknowledge: true } }),
      startService(flemishService, { orgs: ["vpr"], dataDir: s.dataDir, server: s.url, logger: quiet("flemish"), options: { tickMs: 100 } }),
    ]);
    stores = await openPlatformStores(await s.connectAs("vpr"));
  });
  afterAll(async () => {
    await Promise.allSettled([local?.stop(), partners?.stop(), flemish?.stop()]);
    await s?.cleanup();
  });

  it("neighbours - mechelen warns its neighbour and province; willebroek acknowledges, antwerpen's missed deadline escalates to mechelen", async () => {
    const posted = await postNotice(local.bus("mechelen"), {
      to: ["neighbours", "province:antwerpen"], title: "Tension expected around a demonstration", body: "A demonstration and a counter-demonstration on Saturday.",
      category: "event-warning", ackBy: new Date(Date.now() + 2_500),
    });
    expect(posted.copies.map((c) => c.audience)).toEqual(["willebroek", "antwerpen"]);
    for (const org of ["willebroek", "antwerpen"]) {
      await waitFor(async () => (await receivedNotices(local.bus(org))).find((n) => n.noticeId === posted.noticeId), { what: `the notice at ${org}` });
    }
    expect(await acknowledgeNotice(local.bus("willebroek"), { noticeId: posted.noticeId, remark: "Local cell informed" })).toMatchObject({ outcome: "acknowledged", to: "mechelen" });
    const escalated = await waitFor(async () => {
      const all = await storedOfType<Escalation>(await s.jsm(), "escalation.raised", "vpr");
      return all.find((m) => m.envelope.data.obligation.reference === posted.noticeId);
    }, { what: "the escalation of antwerpen's missed acknowledgement" });
    expect(escalated.envelope.data.obligation).toMatchObject({ owedBy: "antwerpen", owedTo: "mechelen" });
    const status = await noticeStatus(stores, posted.noticeId);
    expect(status?.recipients.find((r) => r.org === "willebroek")?.state).toBe("acknowledged");
    // One escalation (a copy to the one who owes, one to the sender), for antwerpen only.
    const copies = (await storedOfType<Escalation>(await s.jsm(), "escalation.raised", "vpr")).filter((m) => m.envelope.data.obligation.reference === posted.noticeId);
    expect(new Set(copies.map((m) => m.envelope.data.obligation.owedBy))).toEqual(new Set(["antwerpen"]));
    expect(copies.map((m) => m.envelope.audience).sort()).toEqual(["antwerpen", "mechelen"]);
  });

  it("neighbours - a notice to a municipality that is neither a neighbour nor in the province is refused by the client, and at the receiver", async () => {
    const mechelen = local.bus("mechelen");
    const refused = await postNotice(mechelen, { to: ["gent"], title: "Not for gent", body: "b", category: "information" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SchakelError);
    expect((refused as SchakelError).code).toBe("not-allowed");
    expect((refused as SchakelError).message).toMatch(/"mechelen" posts as a municipality and may address only the municipalities that border on it \(willebroek\) or lie in its province \(antwerpen\), not "gent"/);
    await expect(postNotice(mechelen, { to: ["local"], title: "Not for all", body: "b", category: "information" })).rejects.toThrow(/not "local"/);
    // A client that skips the check signs as itself and follows the rest of the wire contract.
    const noticeId = newMessageId();
    const id = newMessageId();
    const subject = subjectFor("notice.posted", "gent", "mechelen");
    const traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    const body = new TextEncoder().encode(JSON.stringify({
      specversion: "1.0", id, source: sourceOf("mechelen"), type: "notice.posted", time: new Date().toISOString(), datacontenttype: "application/json",
      dataschema: "urn:schakel:schema:notice.posted:v1", dataversion: 1, sender: "mechelen", audience: "gent", classification: "restricted", correlationid: id, traceparent,
      signingkey: mechelen.identity.publicKey,
      data: { noticeId, title: "A notice past the neighbours", body: "Hand-made.", category: "information", recipients: ["gent"], ackRequired: false },
    }));
    const h = natsHeaders();
    h.set(HEADERS.signature, encodeSignature(mechelen.identity.sign(signingBytes(subject, body))));
    h.set(HEADERS.traceparent, traceparent);
    h.set("Content-Type", "application/cloudevents+json");
    await jetstream(await s.rawAs("mechelen")).publish(subject, body, { msgID: id, headers: h });
    const filed = await waitFor(async () => (await (await s.jsm()).streams.getMessage(STREAMS.deadletter.name, { last_by_subj: deadLetterSubject("gent", "sender-not-allowed") }).catch(() => null)) ?? undefined,
      { what: "gent's dead letter of the notice" });
    expect(filed.header.get(HEADERS.reason)).toBe("sender-not-allowed");
    expect(filed.header.get(HEADERS.detail)).toMatch(/may address only the municipalities that border on it \(willebroek\) or lie in its province \(antwerpen\), not "gent"/);
    expect((await receivedNotices(local.bus("gent"))).some((n) => n.noticeId === noticeId)).toBe(false);
  });

  it("crisis centre - nccn's threat level reaches the municipalities of a province and the police zone, whose service acknowledges it", async () => {
    const nccn = await s.connectAs("nccn");
    const posted = await postNotice(nccn, {
      to: ["province:antwerpen", "pz-mechelen-willebroek"], title: "Threat level for public events", body: "The threat level for large events stays at 2.",
      category: "threat-assessment", ackBy: new Date(Date.now() + 3_600_000),
    });
    expect(posted.copies.map((c) => c.audience).sort()).toEqual(["antwerpen", "mechelen", "pz-mechelen-willebroek", "willebroek"]);
    for (const org of ["antwerpen", "mechelen", "willebroek"]) {
      await waitFor(async () => (await receivedNotices(local.bus(org))).find((n) => n.noticeId === posted.noticeId && n.from === "nccn"), { what: `the threat level at ${org}` });
    }
    const ack = await waitFor(async () => (await storedOfType<Acknowledged>(await s.jsm(), "notice.acknowledged", "pz-mechelen-willebroek")).find((m) => m.envelope.data.noticeId === posted.noticeId),
      { what: "the police zone's acknowledgement" });
    expect(ack.envelope).toMatchObject({ audience: "nccn", data: { recipient: "pz-mechelen-willebroek", acknowledgedBy: DEMO_ACKNOWLEDGED_BY } });
    const status = await waitFor(async () => (await noticeStatus(stores, posted.noticeId))?.recipients.find((r) => r.org === "pz-mechelen-willebroek" && r.state === "acknowledged"),
      { what: "the platform's status of the police zone" });
    expect(status.org).toBe("pz-mechelen-willebroek");
  });

  it("police zone - a member of mechelen's LIVC-R, named in a case consultation, opens it through its service's case key and answers", async () => {
    const mechelen = local.bus("mechelen");
    const zone = partners.bus("pz-mechelen-willebroek");
    await setLivcComposition(mechelen, { members: [{ org: "pz-mechelen-willebroek", roles: ["livc-member"] }] });
    await openCase(mechelen, { caseRef: "LIVC-MECH-2026-0077", participants: ["pz-mechelen-willebroek"], summary: "A young adult the neighbourhood officer knows." });
    const asked = await requestCaseConsultation(mechelen, { caseRef: "LIVC-MECH-2026-0077", recipients: ["pz-mechelen-willebroek"], question: "Any recent contact with the neighbourhood officer?" });
    const opened = await waitFor(() => openCaseConsultation(zone, asked.consultationId), { what: "the consultation at the police zone" });
    expect(opened).toMatchObject({ direction: "incoming", from: "mechelen", content: { question: "Any recent contact with the neighbourhood officer?" } });
    expect((await respondToCaseConsultation(zone, { consultationId: asked.consultationId, answer: "Two contacts last month, no incidents." })).outcome).toBe("answered");
    const back = await waitFor(async () => (await openCaseConsultation(mechelen, asked.consultationId))?.answers[0], { what: "the zone's answer at mechelen" });
    expect(back).toMatchObject({ from: "pz-mechelen-willebroek", content: { answer: "Two contacts last month, no incidents." } });
  });
});
