/**
 * `schakel glossary` on a real bus: show the built-in glossary, propose a term as a policy domain,
 * adopt it as the platform and read the new version back from a municipality; bad input exits 2
 * with nothing sent.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUILTIN_GLOSSARY, VOCABULARY_TERMS } from "@schakel/contracts";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { inboxHandlers, orgState } from "@schakel/organisation";
import { consumeWithLogs, createLogger, ServiceHost, type ServiceDefinition } from "@schakel/runtime";
import { runInProcess } from "./support/run-cli.ts";

let s: SchakelServer;
let g: string[];
let host: ServiceHost;

const inboxOnly: ServiceDefinition<object> = {
  name: "inbox", description: "inbox handlers only", organisations: () => [],
  async start(ctx) {
    const c = consumeWithLogs(ctx, inboxHandlers(ctx, await orgState(ctx.bus)));
    return { stop: () => c.stop(), kill: () => c.stop() };
  },
};

const cli = async <T>(...args: string[]): Promise<T> => {
  const r = await runInProcess([...g, ...args, "--json"]);
  expect(r.code, `${args.join(" ")}: ${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout) as T;
};
type Glossary = { version: number; terms: Record<string, { term: string; definition: string; since: number }[]> };

beforeAll(async () => {
  s = await startSchakelServer();
  g = ["--data", s.dataDir, "--server", s.url];
  host = await ServiceHost.start(inboxOnly, { orgs: ["vpr", "mechelen"], dataDir: s.dataDir, server: s.url, directory: s.directory, logger: createLogger({ service: "inbox", level: "silent" }), options: {} });
});
afterAll(async () => {
  await host?.stop();
  await s?.cleanup();
});

describe("cli - glossary", () => {
  it("glossary show --json - the built-in version defines every term the messages accept", async () => {
    const shown = await cli<Glossary>("glossary", "show");
    expect(shown.version).toBe(1);
    for (const [vocabulary, terms] of Object.entries(VOCABULARY_TERMS)) expect(shown.terms[vocabulary]!.map((t) => t.term)).toEqual([...terms]);
    expect(shown.terms["prevention-tier"]![2]!.definition).toBe(BUILTIN_GLOSSARY.terms["prevention-tier"][2]!.definition);
    const human = await runInProcess([...g, "glossary", "show"]);
    expect(human.stdout).toMatch(/glossary v1[\s\S]*tertiary — tertiaire preventie/);
  });

  it("glossary propose, adopt, show --as - a municipality reads the adopted v2", async () => {
    const proposed = await cli<{ proposalId: string; to: string; basedOn: number }>(
      "glossary", "propose", "--as", "onderwijs", "--action", "add", "--vocabulary", "extremism-form", "--term", "eco-extremism",
      "--label-nl", "eco-extremisme", "--label-en", "eco-extremism", "--definition", "Extremism in the name of the environment or animal rights.", "--reason", "Seen in two schools.",
    );
    expect(proposed).toMatchObject({ to: "vpr", basedOn: 1 });
    await waitFor(async () => {
      const r = await runInProcess([...g, "glossary", "proposals", "--as", "vpr", "--json"]);
      return (JSON.parse(r.stdout) as { proposalId: string }[]).some((p) => p.proposalId === proposed.proposalId);
    }, { what: "the proposal at the platform" });
    const adopted = await cli<{ version: number }>("glossary", "adopt", proposed.proposalId, "--as", "vpr");
    expect(adopted.version).toBe(2);
    const v2 = await waitFor(async () => {
      const r = await runInProcess([...g, "glossary", "show", "--as", "mechelen", "--json"]);
      const gl = JSON.parse(r.stdout) as Glossary;
      return gl.version === 2 ? gl : undefined;
    }, { what: "mechelen holding v2" });
    expect(v2.terms["extremism-form"]!.find((t) => t.term === "eco-extremism")).toMatchObject({ since: 2 });
    const v1 = await cli<Glossary>("glossary", "show", "--as", "mechelen", "--version", "1");
    expect(v1.version).toBe(1);
  });

  it("glossary - bad input exits 2 and sends nothing", async () => {
    const before = (await storedOfType(await s.jsm(), "glossary.proposed", "vvsg")).length;
    const badAction = await runInProcess([...g, "glossary", "propose", "--as", "vvsg", "--action", "remove", "--vocabulary", "signal-kind", "--term", "tension", "--reason", "r"]);
    expect(badAction.code).toBe(2);
    expect(badAction.stderr).toMatch(/--action "remove" is not one of add, redefine, deprecate/);
    const unknownTerm = await runInProcess([...g, "glossary", "propose", "--as", "vvsg", "--action", "deprecate", "--vocabulary", "signal-kind", "--term", "rumour", "--reason", "r"]);
    expect(unknownTerm.code).toBe(2);
    expect(unknownTerm.stderr).toMatch(/"rumour" is not a signal-kind term/);
    const notPlatform = await runInProcess([...g, "glossary", "adopt", "0190a6a0-0000-7000-8000-000000000000", "--as", "mechelen"]);
    expect(notPlatform.code).toBe(2);
    const notHeld = await runInProcess([...g, "glossary", "show", "--as", "mechelen", "--version", "9"]);
    expect(notHeld.code).toBe(2);
    expect(notHeld.stderr).toMatch(/holds no glossary v9/);
    expect((await storedOfType(await s.jsm(), "glossary.proposed", "vvsg")).length).toBe(before);
  });
});
