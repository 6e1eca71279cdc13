/**
 * `schakel case show`: opens what of a case is sealed to the organisation — the summary, the
 * plan's tasks, the reports sealed to it — and the consultations of the case it asked or was
 * asked. Every opening is recorded in the read audit first (kind "case-content", the case and the
 * messages opened) by the organisation package; nothing is shown when that fails. The reader is
 * the person signed in with `schakel login` (in a role that opens case content; the LIVC-R's
 * composition must let that role take part for the organisation), else an operator of the
 * organisation without a person.
 */
import type { Command } from "commander";
import { openCaseConsultation, openCaseFile, orgState, type CaseReader, type OpenedConsultation } from "@schakel/organisation";
import type { Bus } from "@schakel/contracts/bus";
import { requireCaseRef } from "../case/input.ts";
import { caseWork } from "../case/outcome.ts";
import { renderShownCase, shownCaseOf } from "../case/render.ts";
import { loadDirectory, withBus, type GlobalOptions } from "../context.ts";
import { requireOrganisation } from "../input/checks.ts";
import { emit } from "../output.ts";
import { actorFor } from "../session/acting-person.ts";

interface ShowOptions extends GlobalOptions { as: string }

const PURPOSE = "schakel case show";

/** The consultations of `caseRef` this organisation asked or was asked, opened (each read recorded first). */
async function openConsultations(bus: Bus, caseRef: string, reader: CaseReader): Promise<OpenedConsultation[]> {
  const state = await orgState(bus);
  const ids = [
    ...(await state.consultationsOut.list()).filter((c) => c.value.caseRef === caseRef).map((c) => ({ id: c.value.consultationId, at: c.value.sentAt })),
    ...(await state.consultationsIn.list()).filter((c) => c.value.caseRef === caseRef).map((c) => ({ id: c.value.consultationId, at: c.value.receivedAt })),
  ].sort((a, b) => a.at.localeCompare(b.at));
  const opened: OpenedConsultation[] = [];
  for (const { id } of ids) {
    const c = await openCaseConsultation(bus, id, reader);
    if (c) opened.push(c);
  }
  return opened;
}

async function show(caseRefArg: string, opts: ShowOptions): Promise<void> {
  const caseRef = requireCaseRef(caseRefArg);
  const directory = loadDirectory(opts);
  requireOrganisation(directory, opts.as);
  const { actor } = actorFor(opts, opts.as, "open-case-content");
  const reader: CaseReader = actor ? { person: actor.person, role: actor.role, interface: "cli", purpose: PURPOSE } : { role: "operator", interface: "cli", purpose: PURPOSE };
  const shown = await withBus(opts.as, opts, (bus) => caseWork(async () => {
    const opened = await openCaseFile(bus, caseRef, reader);
    return shownCaseOf(opened, await openConsultations(bus, caseRef, reader));
  }));
  emit(opts, shown, renderShownCase);
}

export function registerCaseShow(c: Command): void {
  c
    .command("show")
    .description("open what of a case is sealed to your organisation, and its consultations; recorded in the read audit first")
    .argument("<caseRef>", "the case reference")
    .requiredOption("--as <org>", "the organisation taking part")
    .option("--json", "print JSON")
    .action((ref: string, _o, cmd: Command) => show(ref, cmd.optsWithGlobals<ShowOptions>()));
}
