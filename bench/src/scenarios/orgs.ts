/**
 * Scenario 8, organisations: the bus at 13, 150 and 600 organisations (quick run: 13 and 150), on
 * registries generated like `infra/scripts/generate-registry.ts` does. Per size: identity
 * generation, the server configuration's size and its render, the embedded server's start and
 * provisioning (measured in this process on a fresh folder), `schakel up` (its production start) to
 * ready and where its time went — on a fresh folder, and again on the folder it left — the RSS of
 * `up` and its nats-server, and a notice to every municipality: until each holds it, and until the
 * platform's delivery record shows them all. There is no raw nats.js side
 * to any of these: they are Schakel's own start-up and spread.
 *
 * Every data folder of the scenario stays until its end, and is deleted only then. A fresh start
 * right after deleting the previous measurement's store (thousands of files) is not the start an
 * operator makes (`up --fresh` moves the old folder aside), and it is slower for a reason of the
 * file system's own: ext4 does not hand out an inode freed in the last seconds, or in the last five
 * minutes while its inode table is not yet written back (`recently_deleted`), and scans past every
 * such inode for each file nats-server creates. Provisioning at 600 organisations took 13–22 s
 * after such a deletion against 4.5–5.1 s in a folder without one (docs/BENCHMARKS.md).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Bed } from "../bed.ts";
import { rssOf } from "../footprint/rss.ts";
import { measureBusParts } from "../orgs/bus-parts.ts";
import { measureNoticeReach } from "../orgs/notice-reach.ts";
import { platformOf, writeGeneratedRegistry } from "../orgs/registry-files.ts";
import { startOrgsUp } from "../orgs/up-run.ts";
import { progress } from "../progress.ts";
import { makeFigure, unavailable, type Figure, type FigureInput, type Target } from "../report/figure.ts";

const NUMBER = 8;
const NO_RAW = "no raw side: Schakel's own start-up";

const READY_TARGET: Target = { on: "schakel", op: "<=", value: 10, text: "< 10 s at 600" };
const HELD_TARGET: Target = { on: "schakel", op: "<=", value: 2, text: "≤ 2 s" };
const PLATFORM_TARGET: Target = { on: "schakel", op: "<=", value: 2, text: "≤ 2 s after" };

/** One size's figures; a part that fails is reported as not available with its error, the others still run. */
async function measureSize(n: number, dir: string): Promise<Figure[]> {
  const { registry, registryFile, personsFile } = await writeGeneratedRegistry(n, dir);
  const fig = (id: string, name: string, unit: string, value: number, extra: Partial<FigureInput> = {}): Figure =>
    makeFigure({ scenario: NUMBER, id: `orgs-${n}-${id}`, name: `${n} orgs: ${name}`, unit, better: "lower", rounds: { schakel: [value] }, ...extra });
  const missing = (id: string, name: string, unit: string, err: unknown, target?: Target): Figure =>
    unavailable({ scenario: NUMBER, id: `orgs-${n}-${id}`, name: `${n} orgs: ${name}`, unit, better: "lower", reason: (err as Error)?.message ?? String(err), ...(target ? { target } : {}) });
  const out: Figure[] = [];

  progress(`orgs ${n}: identities, config, server start, provisioning`);
  try {
    const p = await measureBusParts(registry, dir);
    out.push(
      fig("identities", "identity generation", "ms", p.identitiesMs, { note: NO_RAW }),
      fig("config-size", "server config size", "MB", p.configMB),
      fig("config-render", "server config render", "ms", p.renderMs),
      fig("server-start", "nats-server start (render, write, load)", "ms", p.serverStartMs),
      fig("provision", `provisioning (${p.objects} streams, consumers, buckets)`, "ms", p.provisionMs),
    );
  } catch (err) {
    out.push(missing("bus-parts", "identities, config, server start, provisioning", "ms", err));
  }

  progress(`orgs ${n}: schakel up to ready, a notice to every municipality`);
  const readyTarget = n >= 600 ? READY_TARGET : undefined;
  let up;
  try {
    up = await startOrgsUp(registryFile, personsFile, 180_000, await mkdtemp(path.join(dir, `up-${n}-`)));
  } catch (err) {
    return [...out, missing("up-ready", "schakel up to ready", "s", err, readyTarget)];
  }
  const phasesOf = (u: { phasesMs: Record<string, number> }) => Object.entries(u.phasesMs).map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(", ");
  try {
    out.push(
      fig("up-ready", "schakel up to ready (fresh data folder)", "s", up.readyMs / 1000, { ...(readyTarget ? { target: readyTarget } : {}), note: `the production start (npm start's bundle on plain Node) until its --json summary; by its own account (s): ${phasesOf(up)}` }),
      fig("up-rss", "schakel up process RSS at ready", "MB", rssOf(up.pid) ?? NaN),
      fig("nats-rss", "its nats-server RSS at ready", "MB", up.natsPid ? rssOf(up.natsPid) ?? NaN : NaN),
    );
    try {
      const reach = await measureNoticeReach(up.url, up.dataDir, platformOf(registry), 60_000);
      out.push(
        fig("notice-held", `notice to all ${reach.municipalities} municipalities: held by every one`, "s", reach.heldMs / 1000, { target: HELD_TARGET, note: "post until the last municipality's delivery receipt is stored (its service recorded the notice)" }),
        fig("notice-platform", "… then the platform's delivery record complete", "s", reach.platformMs / 1000, { target: PLATFORM_TARGET, note: "the platform's read model (noticeStatus, one record per recipient), asked every 100 ms" }),
      );
    } catch (err) {
      out.push(missing("notice-held", "notice held by every municipality", "s", err, HELD_TARGET));
    }
  } finally {
    await up.stop({ keep: true });
  }

  // The start people make every day after the first: the same folder, everything already there.
  progress(`orgs ${n}: schakel up again on the data it left`);
  try {
    const again = await startOrgsUp(registryFile, personsFile, 180_000, up.dataDir);
    await again.stop({ keep: true });
    out.push(fig("up-again", "schakel up to ready again (its data kept)", "s", again.readyMs / 1000, {
      ...(readyTarget ? { target: readyTarget } : {}), note: `the same start on the folder the first one left; by its own account (s): ${phasesOf(again)}`,
    }));
  } catch (err) {
    out.push(missing("up-again", "schakel up to ready again (its data kept)", "s", err, readyTarget));
  }
  return out;
}

export async function orgsScenario(bed: Bed): Promise<Figure[]> {
  const sizes = bed.settings.quick ? [13, 150] : [13, 150, 600];
  const dir = await mkdtemp(path.join(tmpdir(), "schakel-bench-registries-"));
  try {
    const figures: Figure[] = [];
    for (const n of sizes) figures.push(...(await measureSize(n, dir)));
    return figures;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
