/**
 * `schakel case report <ref>`: for a data protection officer answering an access request — what
 * the organisation holds about a case reference (every message of the case it sent or received:
 * ids, times, who, what kind; consultations; corrections; hand-overs; whether it still holds the
 * key; the erasure) and, from the audit chain in the data folder, who opened what of it. Nothing
 * is opened; the report itself is a read of the case reference and is recorded as one.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { auditLogPath, readsInLog, verifyAuditLog } from "@schakel/audit";
import { caseReport } from "@schakel/organisation";
import { requireCaseRef } from "../case/input.ts";
import { dataDirOf, loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { requireOrganisation } from "../input/checks.ts";
import { color, emit } from "../output.ts";
import { recordCliRead } from "../reads/record-cli-read.ts";

interface ReportOptions extends GlobalOptions { as: string }

interface CaseRead { at: string; person: string | null; role: string | null; interface: string; purpose: string; kind: string; messages: number }

/** The reads of `caseRef` by `org` in the data folder's audit chain (verified first), or null when there is no chain here. */
async function readsOfCase(opts: GlobalOptions, caseRef: string, org: string): Promise<CaseRead[] | null> {
  const path = auditLogPath(dataDirOf(opts));
  if (!existsSync(path)) return null;
  const checked = await verifyAuditLog(path);
  if (!checked.ok) throw new CliError(`the audit log ${path} does not verify (${checked.problem.detail}): run "schakel audit verify" and keep the file as evidence`, EXIT.failure);
  const { reads } = await readsInLog(path, { caseRef });
  return reads.filter((r) => r.read.organisation === org).map((r) => ({
    at: r.storedAt, person: r.read.person ?? null, role: r.read.role ?? null, interface: r.read.interface, purpose: r.read.purpose, kind: r.read.kind, messages: r.read.messageIds.length,
  }));
}

async function report(caseRefArg: string, opts: ReportOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  requireOrganisation(loadDirectory(opts), opts.as, "--as");
  const held = await withBus(opts.as, opts, async (bus) => {
    await recordCliRead(bus, opts, { kind: "record", purpose: "access request report", messageIds: [], caseRef });
    return caseReport(bus, caseRef);
  });
  const reads = await readsOfCase(opts, caseRef, opts.as);
  emit(opts, { ...held, reads }, (r) => [
    `${color.bold(r.caseRef)} as held by ${r.organisation}${r.livc ? ` — LIVC-R ${r.livc}, participants ${r.participants?.join(", ")}` : " — no case file here"}`,
    ...r.events.map((e) => `  ${e.at}  ${e.what}${e.by ? ` (by ${e.by})` : ""}  message ${e.messageId}`),
    `  case key: ${r.keyHeld ? "held" : "not held"}${r.erased ? `; erased ${r.erased.at} (${r.erased.reason})` : ""}`,
    reads === null ? color.dim("  reads: no audit chain in this data folder (run the report where the auditor runs, or `schakel audit reads --case`)") : `  reads: ${reads.length}`,
    ...(reads ?? []).map((x) => `    ${x.at}  ${x.person ?? "(service)"}${x.role ? ` (${x.role})` : ""} via ${x.interface}: ${x.purpose}`),
  ].join("\n"));
}

export function registerCaseReport(c: Command): void {
  c
    .command("report")
    .description("for an access request: everything your organisation holds about a case reference, and who opened it")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <org>", "the organisation whose holdings are reported")
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => report(ref, cmd.optsWithGlobals<ReportOptions>()));
}
