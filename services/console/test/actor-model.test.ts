/**
 * The console keeps who acted: an acknowledgement made by a person keeps its pseudonym and role
 * in the read model, the notice matrix and the trace name the person for the acting organisation
 * and the platform (resolved through the PersonIndex built from the persons list and the
 * credentials the console holds), and show the pseudonym to every other viewer. An
 * acknowledgement without an actor (its service, or an earlier release) shows none.
 */
import { describe, expect, it } from "vitest";
import { newMessageId, sampleData, type Organisation, type Person } from "@schakel/contracts";
import { testOrganisations } from "@schakel/contracts/bus/testing";
import { identitySource } from "../src/identities.ts";
import { messagesOf } from "../src/i18n/messages.ts";
import { noticeMatrix } from "../src/model/notice-query.ts";
import { personIndexOf } from "../src/model/persons.ts";
import { ReadModel } from "../src/model/read-model.ts";
import { traceView } from "../src/model/trace.ts";
import { viewpointOf } from "../src/model/visibility.ts";
import { noticeMatrix as matrixHtml } from "../src/views/notices.ts";

const ORGS: Organisation[] = [
  { id: "fed-ocam", name: "OCAM", level: "federal", roles: ["liaison"] },
  { id: "mechelen", name: "Stad Mechelen", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vilvoorde", name: "Stad Vilvoorde", level: "local", roles: ["municipality", "livc-partner"] },
  { id: "vpr", name: "Vlaams Platform Radicalisering", level: "flemish", roles: ["platform", "liaison"] },
];
const MARC: Person = { id: "m.peeters", name: "Marc Peeters", organisation: "mechelen", roles: ["livc-member"] };

describe("console model - who acted", () => {
  it("console model - an acknowledgement by a person is shown by name to its organisation and the platform, by pseudonym to others", async () => {
    const o = testOrganisations(ORGS);
    const model = new ReadModel(o.directory);
    const noticeId = newMessageId();
    const t0 = Date.now();
    const posted = o.message("fed-ocam", "notice.posted", { ...sampleData("notice.posted"), noticeId, recipients: ["mechelen", "vilvoorde"], ackRequired: true }, { to: "local" });
    model.ingest("notice.posted", posted.envelope, { stream: "COORD", seq: 1, storedAt: t0 });
    const ack = (org: string, actor?: typeof MARC) => o.message(org, "notice.acknowledged", { noticeId, recipient: org, acknowledgedAt: new Date(t0).toISOString() },
      { to: "fed-ocam", inReplyTo: posted.envelope, ...(actor ? { actor: { person: actor.id, role: "livc-member" as const } } : {}) });
    const byMarc = ack("mechelen", MARC);
    model.ingest("notice.acknowledged", byMarc.envelope, { stream: "COORD", seq: 2, storedAt: t0 + 1_000 });
    model.ingest("notice.acknowledged", ack("vilvoorde").envelope, { stream: "COORD", seq: 3, storedAt: t0 + 2_000 });
    const pseudonym = o.identity("mechelen").pseudonymOf(MARC.id);
    expect(model.trace(posted.envelope.traceparent.slice(3, 35)).find((r) => r.id === byMarc.envelope.id)?.actor).toEqual({ pseudonym, role: "livc-member" });

    const n = model.notices.notices.get(noticeId)!;
    const rows = (viewer: string) => Object.fromEntries(noticeMatrix(n, viewpointOf(o.directory, viewer)).map((r) => [r.org, r.acknowledgedActor]));
    // Before the persons are known: pseudonyms only.
    expect(rows("vpr").mechelen).toEqual({ pseudonym, role: "livc-member" });
    const identities = identitySource({ directory: o.directory, credentials: Object.fromEntries(ORGS.map((x) => [x.id, o.credentials(x.id)])) });
    model.usePersons(await personIndexOf(identities, [MARC]));
    expect(rows("vpr").mechelen).toEqual({ pseudonym, role: "livc-member", name: "Marc Peeters" });
    expect(rows("mechelen").mechelen).toEqual({ pseudonym, role: "livc-member", name: "Marc Peeters" });
    expect(rows("fed-ocam").mechelen).toEqual({ pseudonym, role: "livc-member" });
    expect(rows("vpr").vilvoorde).toBeUndefined();

    const t = messagesOf("en");
    const platformHtml = String(matrixHtml(n, noticeMatrix(n, viewpointOf(o.directory, "vpr")), o.directory, t));
    expect(platformHtml).toContain("acknowledged by Marc Peeters (livc-member)");
    const senderHtml = String(matrixHtml(n, noticeMatrix(n, viewpointOf(o.directory, "fed-ocam")), o.directory, messagesOf("nl")));
    expect(senderHtml).toContain(`bevestigd door ${pseudonym} (livc-member)`);
    expect(senderHtml).not.toContain("Marc Peeters");

    const trace = traceView(model, viewpointOf(o.directory, "mechelen"), posted.envelope.traceparent.slice(3, 35));
    expect(trace.steps.map((s) => s.actor?.name ?? s.actor?.pseudonym ?? "service")).toEqual(["service", "Marc Peeters"]);
  });
});
