/**
 * The generated broker configuration and the gate's rules, checked as data: no tenant is ever
 * granted a wildcard over the API or another tenant's objects, the config never takes the shape
 * that nats-server < 2.9.23 opens to anonymous clients (CVE-2023-47090), and the consumer gate
 * refuses exactly the bodies that would make the server publish where the tenant may not.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AUDIT_ACCOUNT, AUDIT_ID, audienceFilter, auditConsumers, caseStateBucket, feedConsumerName, inboxPrefix, JS_API, orgStateBucket, STREAMS } from "@schakel/contracts";
import {
  checkConsumerRequest, ensureIdentities, gateGrantsOf, ensureLeafSecrets, loadRegistry, organisationLinkPermissions, renderAccounts, renderLeafAuthorization, revokeSigningKey, tenantsOf, type Identities,
} from "@schakel/infra";

const enc = new TextEncoder();
const body = (config: Record<string, unknown>, stream = "COORD") => enc.encode(JSON.stringify({ stream_name: stream, config }));

describe("config - the generated accounts and the consumer gate's rules", () => {
  const registry = loadRegistry();
  let dir: string;
  let ids: Identities;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), "schakel-config-"));
    ids = await ensureIdentities(registry, dir);
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("config - no anonymous access shape, no system_account/no_auth_user, one account per tenant", () => {
    const text = renderAccounts(registry, ids);
    expect(text).not.toMatch(/system_account|no_auth_user|authorization\s*\{/);
    for (const t of tenantsOf(registry, ids)) expect(text).toContain(`${JSON.stringify(t.account)}: {`);
  });

  it("config - no tenant is granted a wildcard over the JetStream API, another tenant's objects or the default inbox", () => {
    const tenants = tenantsOf(registry, ids);
    for (const t of tenants) {
      const others = tenants.filter((o) => o.id !== t.id && !(t.id === AUDIT_ID));
      for (const g of t.grants) {
        expect(g.subject, `${t.id}: ${g.subject}`).not.toMatch(/^(>|\$JS\.>|\$JS\.API\.>|\$JS\.API\.[A-Z.]*\*$|_INBOX\.)/);
        // An organisation's grants never name another organisation's consumers, bucket or sender subjects.
        if (t.id !== AUDIT_ID && !registry.organisations.find((o) => o.id === t.id)!.roles.includes("platform")) {
          for (const o of others) expect(g.subject, `${t.id} → ${o.id}`).not.toMatch(new RegExp(`(\\.${o.id}--|org-${o.id}\\b|\\.\\*\\.${o.id}\\.>|^deadletter\\.${o.id}\\.)`));
        }
      }
    }
  });

  it("config - an organisation a leaf hosts links into its own account: mapped hub-domain names, its grants only, none for a suspended one (nor a user at its leaf)", async () => {
    const site = { name: "mechelen", organisations: ["mechelen"] };
    const secrets = await ensureLeafSecrets(dir, [site]);
    const link = secrets.organisations.get("mechelen")!;
    const accountOf = (text: string, id: string): string => text.slice(text.indexOf(`${JSON.stringify(id)}: {`), text.indexOf("\n    }", text.indexOf(`${JSON.stringify(id)}: {`)));
    const text = renderAccounts(registry, ids, [], secrets.organisations);
    const mechelen = accountOf(text, "mechelen");
    expect(link.user).toBe("leaf-mechelen--mechelen");
    expect(mechelen).toContain(`{ user: "leaf-mechelen--mechelen", password: ${JSON.stringify(link.hash)}`);
    expect(mechelen).toContain('mappings: { "$JS.hub.API.INFO": "$JS.API.INFO", "$JS.hub.API.CONSUMER.>": "$JS.API.CONSUMER.>", "$JS.hub.API.$KV.>": "$KV.>"');
    expect(accountOf(text, "antwerpen")).not.toMatch(/leaf-|mappings/);
    const allowed = organisationLinkPermissions(registry.organisations.find((o) => o.id === "mechelen")!).publish.allow;
    // Its own grants at the hub's domain, acks and flow control; never a publication (those travel by the OUTBOX) nor another's objects.
    for (const subject of allowed) expect(subject, subject).toMatch(/^(\$JS\.hub\.API\.|\$JS\.ACK\.|\$JS\.FC\.)/);
    expect(allowed.filter((subject) => /antwerpen|vilvoorde/.test(subject))).toEqual([]);
    // A suspended organisation (its key revoked, none issued) has no link user either.
    const suspendedDir = await mkdtemp(path.join(tmpdir(), "schakel-config-suspended-"));
    try {
      await ensureIdentities(registry, suspendedDir);
      const suspended = await revokeSigningKey(registry, suspendedDir, "mechelen", { replace: false });
      expect(accountOf(renderAccounts(registry, suspended, [], secrets.organisations), "mechelen")).not.toContain("leaf-mechelen--mechelen");
      // Nor a user at its own leaf: it cannot publish there until it is rotated.
      const atLeaf = renderLeafAuthorization(registry, suspended, site);
      expect(atLeaf).toContain("suspended: its signing key is revoked");
      expect(accountOf(atLeaf, "mechelen")).not.toContain("nkey:");
      expect(accountOf(renderLeafAuthorization(registry, ids, site), "mechelen")).toContain("nkey:");
    } finally {
      await rm(suspendedDir, { recursive: true, force: true });
    }
  });

  it("gate - pull feed slots with the subject's filter pass; push, other filters and foreign names are refused", () => {
    const inbox = inboxPrefix("mechelen");
    const ok = (tail: string, cfg: Record<string, unknown>, stream?: string) => checkConsumerRequest({ tail, body: body(cfg, stream ?? tail.split(".")[0]), inbox });
    expect(ok("COORD.mechelen--feed-1.coord.mechelen.>", { name: "mechelen--feed-1", filter_subject: "coord.mechelen.>", ack_policy: "none" })).toEqual({ ok: true });
    expect(ok("COORD.mechelen--feed-1.coord.mechelen.>", { name: "mechelen--feed-1", filter_subject: "coord.antwerpen.>" }).ok).toBe(false);
    expect(ok("COORD.mechelen--feed-1.coord.mechelen.>", { name: "mechelen--feed-2", filter_subject: "coord.mechelen.>" }).ok).toBe(false);
    expect(ok("COORD.mechelen--feed-1.coord.mechelen.>", { name: "mechelen--feed-1", filter_subject: "coord.mechelen.>", deliver_subject: `${inbox}.x` }).ok).toBe(false);
    expect(ok("COORD.mechelen--feed-1.coord.mechelen.>", { filter_subject: "coord.mechelen.>", direct: true }).ok).toBe(false);
    expect(ok("COORD.mechelen--feed-1.coord.mechelen.>", { filter_subject: "coord.mechelen.>", flow_control: true }).ok).toBe(false);
    expect(ok("COORD.mechelen--feed-1.coord.mechelen.>", { filter_subject: "coord.mechelen.>" }, "CASE").ok).toBe(false);
  });

  it("gate - KV watches on the tenant's own bucket may push only into its own inbox", () => {
    const inbox = inboxPrefix("mechelen");
    const kv = (deliver: string) => checkConsumerRequest({ tail: "KV_org-mechelen.oc_1.$KV.org-mechelen.>", body: body({ name: "oc_1", deliver_subject: deliver, flow_control: true, idle_heartbeat: 5e9, ack_policy: "none" }, "KV_org-mechelen"), inbox });
    expect(kv(`${inbox}.abc`)).toEqual({ ok: true });
    expect(kv("$JS.API.CONSUMER.MSG.NEXT.COORD.antwerpen--antwerpen").ok).toBe(false);
    expect(kv(`${inboxPrefix("antwerpen")}.abc`).ok).toBe(false);
    expect(kv(`${inbox}.*`).ok).toBe(false);
    expect(checkConsumerRequest({ tail: "KV_org-mechelen", body: enc.encode("not json"), inbox }).ok).toBe(false);
  });

  it("gate - a tenant may create and delete only its own feed slots, bucket consumers and (the audit) its own consumers", () => {
    const gate = gateGrantsOf(registry);
    const create = (stream: string, name: string, filter: string) => JS_API.consumerCreateFiltered(stream, name, filter);
    const kv = (bucket: string) => JS_API.kvStream(bucket);
    const slot = (org: string) => create(STREAMS.coord.name, feedConsumerName(org, 1), audienceFilter(org));
    expect(gate.allows("mechelen", slot("mechelen"))).toBe(true);
    expect(gate.allows("mechelen", JS_API.consumerDelete(STREAMS.coord.name, feedConsumerName("mechelen", 12)))).toBe(true);
    expect(gate.allows("mechelen", create(kv(orgStateBucket("mechelen")), "oc_1", `$KV.${orgStateBucket("mechelen")}.>`))).toBe(true);
    expect(gate.allows("mechelen", JS_API.consumerDelete(kv(caseStateBucket("mechelen")), "oc_1"))).toBe(true);
    // Another's slot, another's bucket, an audience not its own, a slot it does not have, the audit's consumers.
    expect(gate.allows("mechelen", slot("antwerpen"))).toBe(false);
    expect(gate.allows("mechelen", create(STREAMS.coord.name, feedConsumerName("mechelen", 1), audienceFilter("antwerpen")))).toBe(false);
    expect(gate.allows("mechelen", create(STREAMS.coord.name, feedConsumerName("mechelen", 13), audienceFilter("mechelen")))).toBe(false);
    expect(gate.allows("mechelen", create(kv(orgStateBucket("antwerpen")), "oc_1", `$KV.${orgStateBucket("antwerpen")}.>`))).toBe(false);
    expect(gate.allows("mechelen", JS_API.consumerDelete(kv(orgStateBucket("antwerpen")), "oc_1"))).toBe(false);
    expect(gate.allows("mechelen", JS_API.consumerDelete(STREAMS.coord.name, "mechelen--mechelen"))).toBe(false);
    const [audit] = auditConsumers();
    expect(gate.allows("mechelen", create(audit!.stream, audit!.name, audit!.filter))).toBe(false);
    expect(gate.allows(AUDIT_ACCOUNT, create(audit!.stream, audit!.name, audit!.filter))).toBe(true);
    expect(gate.allows("nobody", slot("mechelen"))).toBe(false);
    expect(gate.knows("nobody")).toBe(false);
    // Wildcards belong to the grant, never to the request: a request's `*` is one literal token.
    expect(gate.allows("mechelen", JS_API.consumerDelete(kv(orgStateBucket("mechelen")), "*"))).toBe(true);
    expect(gate.allows("mechelen", JS_API.consumerDelete(STREAMS.coord.name, "*"))).toBe(false);
  });
});
