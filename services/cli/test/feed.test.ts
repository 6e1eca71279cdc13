/**
 * `schakel feed` against a real, secured bus: a municipality sees exactly what is addressed to it,
 * its level and all — merged from its slots in stream order; `--since SEQ` resumes exactly after
 * the last sequence printed; `--type` filters; `--follow` prints live messages until Ctrl-C and
 * then says where to resume; the slots are gone afterwards.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { feedConsumerName, sampleData, STREAMS } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { BIN, runInProcess } from "./support/run-cli.ts";

let bus: SchakelServer;
let g: string[];
let ocam: Bus;
/** Sequence → audience of every message published in setup. */
const published: { seq: number; audience: string; type: string }[] = [];

const post = async (to: string, type: "notice.posted" | "knowledge.shared" = "notice.posted") => {
  const sender = type === "notice.posted" ? ocam : await bus.connectAs("vvsg");
  const p = await sender.publish(type, sampleData(type), { to });
  published.push({ seq: p.seq, audience: to, type });
};

beforeAll(async () => {
  bus = await startSchakelServer();
  g = ["--data", bus.dataDir, "--server", bus.url];
  ocam = await bus.connectAs("fed-ocam");
  for (const to of ["mechelen", "gent", "local", "all", "mechelen", "flemish", "local", "mechelen"]) await post(to);
  await post("all", "knowledge.shared");
});
afterAll(async () => {
  await bus?.cleanup();
});

type Line = { seq: number; type: string; audience: string; sender: string; id: string; data: unknown; refused?: unknown };
const lines = (stdout: string): Line[] => stdout.split("\n").filter(Boolean).map((l) => JSON.parse(l) as Line);
const visibleToMechelen = () => published.filter((p) => ["mechelen", "local", "all"].includes(p.audience)).map((p) => p.seq);

describe("cli feed", () => {
  it("feed - a municipality sees its own, its level's and all messages, in stream order", async () => {
    const r = await runInProcess([...g, "feed", "--as", "mechelen", "--json"]);
    expect(r.code, r.stderr).toBe(0);
    const items = lines(r.stdout);
    expect(items.map((i) => i.seq)).toEqual(visibleToMechelen());
    expect(items.every((i) => !i.refused && i.id && i.data)).toBe(true);
    expect(r.stderr).toMatch(new RegExp(`last sequence ${visibleToMechelen().at(-1)}; resume with: npx schakel feed --as mechelen --since ${visibleToMechelen().at(-1)}`));
  });

  it("feed - --since SEQ resumes exactly after that sequence; --type filters", async () => {
    const seqs = visibleToMechelen();
    const cut = seqs[2]!;
    const rest = lines((await runInProcess([...g, "feed", "--as", "mechelen", "--json", "--since", String(cut)])).stdout);
    expect(rest.map((i) => i.seq)).toEqual(seqs.filter((s) => s > cut));
    const knowledge = lines((await runInProcess([...g, "feed", "--as", "mechelen", "--json", "--type", "knowledge.*"])).stdout);
    expect(knowledge.map((i) => i.type)).toEqual(["knowledge.shared"]);
    const platform = lines((await runInProcess([...g, "feed", "--as", "vpr", "--json"])).stdout);
    expect(platform.map((i) => i.seq)).toEqual(published.map((p) => p.seq));
  });

  it("feed - --follow prints live messages until Ctrl-C, then the sequence to resume from; its slots are gone", async () => {
    const child = spawn(process.execPath, [BIN, ...g, "feed", "--as", "mechelen", "--follow", "--json", "--since", "now"], {
      env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    try {
      const until = async (what: () => boolean, label: string) => {
        for (let i = 0; i < 300 && !what(); i++) await new Promise((r) => setTimeout(r, 100));
        if (!what()) throw new Error(`${label} did not happen; stderr: ${stderr}`);
      };
      await until(() => /following the feed of mechelen/.test(stderr), "follow start");
      await post("gent");
      await post("mechelen");
      await post("local");
      await until(() => lines(stdout).length >= 2, "two live lines");
      child.kill("SIGINT");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
    }
    const live = lines(stdout);
    const expected = published.slice(-3).filter((p) => p.audience !== "gent").map((p) => p.seq);
    expect(live.map((i) => i.seq)).toEqual(expected);
    expect(stderr).toMatch(new RegExp(`last sequence ${expected.at(-1)}`));
    const jsm = await bus.jsm();
    for (const slot of [1, 2, 3]) {
      await expect(jsm.consumers.info(STREAMS.coord.name, feedConsumerName("mechelen", slot))).rejects.toThrow(/not found/);
    }
  });
});
