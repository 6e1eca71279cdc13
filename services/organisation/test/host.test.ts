import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSchakelServer, storedOfType, waitFor, type SchakelServer } from "@schakel/harness";
import { createLogger, runServiceMain, startService } from "@schakel/runtime";
import { orgState, postNotice } from "../src/mod.ts";
import { inboxService } from "./fixtures/inbox-service.ts";

const quiet = createLogger({ service: "inbox", level: "silent" });
const mainFile = fileURLToPath(new URL("./fixtures/inbox-main.ts", import.meta.url));

describe("organisation services on the runtime host - host and process", () => {
  let s: SchakelServer;
  beforeAll(async () => {
    s = await startSchakelServer();
  });
  afterAll(() => s?.cleanup());

  it("host - runs several organisations in one process, each on its own connection and credentials", async () => {
    const host = await startService(inboxService, { orgs: ["mechelen", "gent"], dataDir: s.dataDir, server: s.url, logger: quiet });
    try {
      expect(host.orgs).toEqual(["mechelen", "gent"]);
      expect(host.bus("mechelen").org).toBe("mechelen");
      expect(host.bus("gent").org).toBe("gent");
      expect(host.bus("mechelen").clientId).toBeDefined();
      expect(host.bus("mechelen").clientId).not.toBe(host.bus("gent").clientId);
      const ocam = await s.connectAs("fed-ocam");
      const posted = await postNotice(ocam, { to: ["local"], title: "Regional threat level unchanged", body: "No change for public events.", category: "information" });
      const jsm = await s.jsm();
      const receipts = await waitFor(async () => {
        const r = (await storedOfType(jsm, "notice.delivered")).filter((m) => m.envelope.data.noticeId === posted.noticeId);
        return r.length === 2 ? r : undefined;
      }, { what: "a delivery receipt from each running municipality" });
      expect(receipts.map((m) => m.envelope.sender).sort()).toEqual(["gent", "mechelen"]);
      expect(receipts.every((m) => m.envelope.audience === "fed-ocam" && m.envelope.causationid === posted.copies[0]!.id)).toBe(true);
      const recorded = await (await orgState(host.bus("gent"))).notices.get(posted.noticeId);
      expect(recorded?.value).toMatchObject({ noticeId: posted.noticeId, from: "fed-ocam", audience: "local" });
    } finally {
      await host.stop();
    }
    expect(() => host.bus("mechelen")).toThrow(/does not run "mechelen"/);
  });

  it("host - an organisation that cannot start stops the others and names itself", async () => {
    const err = await startService(inboxService, { orgs: ["mechelen", "atlantis"], dataDir: s.dataDir, server: s.url, logger: quiet }).catch((e) => e);
    expect(String(err.message)).toContain('unknown organisation "atlantis"');
  });

  it("main - --help prints the usage; bad arguments exit 2 with the reason", async () => {
    const out: string[] = [];
    const codes: number[] = [];
    const write = { out: (t: string) => void out.push(t), err: (t: string) => void out.push(t) };
    await runServiceMain(inboxService, { argv: ["--help"], write, exit: (c) => void codes.push(c) });
    expect(out.join("")).toContain("--org <id>");
    expect(out.join("")).toContain("--note <value>");
    await runServiceMain(inboxService, { argv: ["--bogus"], write, exit: (c) => void codes.push(c) });
    await runServiceMain(inboxService, { argv: ["--data", s.dataDir], write, exit: (c) => void codes.push(c) });
    expect(codes).toEqual([0, 2, 2]);
    expect(out.join("")).toContain("Unknown option '--bogus'");
    expect(out.join("")).toContain("--org <id>, or use --all");
  });

  it("main - a service process logs ready, and on SIGTERM stops consuming, drains and exits 0", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", mainFile, "--org", "vilvoorde", "--data", s.dataDir, "--server", s.url], {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, SCHAKEL_LOG_LEVEL: "info" },
    });
    const lines: Record<string, unknown>[] = [];
    let stderr = "";
    child.stdout.on("data", (b) => {
      for (const l of String(b).split("\n").filter(Boolean)) lines.push(JSON.parse(l));
    });
    child.stderr.on("data", (b) => (stderr += String(b)));
    const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
    try {
      await waitFor(() => lines.some((l) => l.msg === "ready"), { timeoutMs: 30_000, what: `the "ready" line (stderr: ${stderr})` });
      const ready = lines.find((l) => l.msg === "ready")!;
      expect(ready).toMatchObject({ level: "info", service: "inbox", orgs: ["vilvoorde"] });
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
      expect(lines.map((l) => l.msg)).toEqual(expect.arrayContaining(["shutting down: stop consuming, drain, exit", "inbox service stopped for vilvoorde", "stopped"]));
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });
});
