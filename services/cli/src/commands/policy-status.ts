/**
 * `schakel policy list|status`: what a policy domain sees of its updates — per update, the
 * municipalities that confirmed reading it, those that have not yet, and the local partners it
 * was routed to (who took it up).
 */
import type { Command } from "commander";
import { policyUpdateStatus, policyUpdates, type UpdateUptake } from "@schakel/organisation";
import { withBus, type GlobalOptions } from "../context.ts";
import { requireMessageId } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { safeText } from "../safe-text.ts";

interface AsOptions extends GlobalOptions { as: string }

function renderUptake(u: UpdateUptake, detail: boolean): string {
  const r = u.update;
  const head = `${color.bold(r.updateId)} "${safeText(r.title ?? "(published before uptake was recorded)")}" · tier ${r.preventionTier ?? "—"} · effective ${r.effectiveFrom?.slice(0, 10) ?? "—"}`;
  const counts = `  read by ${r.reads.length}${u.concerned.length ? `/${u.concerned.length}` : ""} municipality(ies); routed ${r.routes.length} time(s)`;
  if (!detail) return `${head}\n${counts}`;
  return [
    head, counts,
    ...r.reads.map((x) => `  ${color.green("read")}    ${x.municipality} ${x.at}${x.actor ? ` (${x.actor.role} ${x.actor.pseudonym})` : ""}`),
    ...u.notRead.map((m) => `  ${color.yellow("not read")} ${m}`),
    ...r.routes.map((x) => `  ${color.green("taken up")} ${x.municipality} → ${x.partner} ${x.at}${x.remark ? ` "${safeText(x.remark)}"` : ""}`),
  ].join("\n");
}

export function registerPolicyStatus(policy: Command): void {
  policy.command("list").description("a policy domain's updates, newest first, with how many municipalities read them")
    .requiredOption("--as <org>", "the policy domain")
    .option("--json", "print JSON")
    .action((_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<AsOptions>();
      return withBus(opts.as, opts, async (bus) => emit(opts, await policyUpdates(bus), (rows) => (rows.length ? rows.map((u) => renderUptake(u, false)).join("\n") : color.dim(`no updates recorded at ${opts.as}`))));
    });
  policy.command("status <updateId>").description("who read an update, who has not, and which local partners took it up")
    .requiredOption("--as <org>", "the policy domain")
    .option("--json", "print JSON")
    .action((updateId: string, _o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<AsOptions>();
      const id = requireMessageId(updateId, "the update id", `policy list --as ${opts.as}`);
      return withBus(opts.as, opts, async (bus) => emit(opts, await policyUpdateStatus(bus, id), (u) => renderUptake(u, true)));
    });
}
