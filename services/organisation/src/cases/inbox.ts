/**
 * What an organisation does with the case messages and LIVC-R compositions addressed to it. Each
 * case message is first checked against the composition it names (`checkCaseMessage`: a
 * non-member is filed as `not-a-member`); only then is it recorded, content still sealed. Logs
 * carry metadata only.
 */
import { HandlerRefusal, type Bus, type Delivery, type Handlers } from "@schakel/contracts/bus";
import type { messageLogger } from "@schakel/runtime";
import { receiveLivcComposition } from "../livc/composition.ts";
import type { OrgState } from "../state.ts";
import { receiveCaseConsultation, receiveCaseResponse } from "./consultation.ts";
import { receiveCaseClosed, receiveCaseOpened, receiveCasePlan, receiveCaseTaskReport, receiveCaseTransfer } from "./lifecycle.ts";
import type { CaseKeyStore } from "./case-keys.ts";
import { receiveCaseCorrection } from "./correction.ts";
import { recordErasure } from "./erasure.ts";
import { grantCaseKey, receiveCaseKey, requestCaseKey } from "./key-exchange.ts";
import { checkCaseMessage } from "./membership.ts";

type Log = (d: Delivery) => ReturnType<typeof messageLogger>;

/** The case key side of a service: its connection and its case key folder (absent in handler tests without a server). */
export interface CaseKeyContext {
  bus: Bus;
  store: CaseKeyStore;
}

export function caseHandlers(org: string, state: OrgState, mine: (d: Delivery) => boolean, log: Log, keys?: CaseKeyContext): Handlers {
  return {
    "livc.composition.set": async (d) => {
      if (!mine(d)) return;
      const c = await receiveLivcComposition(state, d);
      log(d).info({ municipality: c.municipality, version: d.data.version, members: d.data.members.length }, "LIVC-R composition received");
    },
    "case.opened": async (d) => {
      if (!mine(d)) return;
      await checkCaseMessage(state, d);
      if (d.data.livc !== d.envelope.sender) throw new HandlerRefusal(`case.opened ${d.envelope.id}: "${d.envelope.sender}" opened a case in the LIVC-R of ${d.data.livc}; only that municipality opens its cases`);
      const file = await receiveCaseOpened(state, d);
      // A participant asks the municipality for the case key (the municipality made it and holds it).
      const asked = keys ? await requestCaseKey(keys.bus, keys.store, file) : false;
      log(d).info({ caseRef: d.data.caseRef, livc: d.data.livc, keyAsked: asked }, "case opened (sealed)");
    },
    "case.key.requested": async (d) => {
      if (!mine(d) || !keys) return;
      await checkCaseMessage(state, d);
      const outcome = await grantCaseKey(keys.bus, keys.store, (await state.cases.get(d.data.caseRef))?.value, d);
      log(d).info({ caseRef: d.data.caseRef, participant: d.envelope.sender, outcome }, "case key asked for");
    },
    "case.key.granted": async (d) => {
      if (!mine(d) || !keys) return;
      await checkCaseMessage(state, d);
      const outcome = receiveCaseKey(keys.bus, keys.store, d);
      log(d).info({ caseRef: d.data.caseRef, keyId: d.data.keyId, outcome }, "case key received");
    },
    "case.corrected": async (d) => {
      if (!mine(d)) return;
      await checkCaseMessage(state, d);
      const r = await receiveCaseCorrection(state, d);
      log(d).info({ caseRef: d.data.caseRef, field: d.data.field, kept: r !== undefined }, "case correction received (sealed)");
    },
    "case.erased": async (d) => {
      if (!mine(d)) return;
      const r = await recordErasure(state, keys?.store, d);
      log(d).warn({ caseRef: d.data.caseRef, reason: d.data.reason, known: r !== undefined }, "case erased: its key is destroyed");
    },
    "case.consultation.requested": async (d) => {
      if (!mine(d) || !d.data.recipients.includes(org)) return;
      await checkCaseMessage(state, d);
      const c = await receiveCaseConsultation(state, d);
      // Only metadata is logged: the content stays sealed until an official opens it.
      log(d).info({ consultationId: c.consultationId, caseRef: c.caseRef }, "case consultation received (sealed)");
    },
    "case.consultation.responded": async (d) => {
      if (!mine(d)) return;
      await checkCaseMessage(state, d);
      const r = await receiveCaseResponse(state, d);
      log(d).info({ consultationId: d.data.consultationId, caseRef: d.data.caseRef, known: r !== undefined }, "case consultation answered (sealed)");
    },
    "case.plan.set": async (d) => {
      if (!mine(d)) return;
      await checkCaseMessage(state, d);
      const r = await receiveCasePlan(state, d);
      log(d).info({ caseRef: d.data.caseRef, planVersion: d.data.planVersion, tasks: d.data.tasks.length, known: r !== undefined }, "case plan set (sealed)");
    },
    "case.task.reported": async (d) => {
      if (!mine(d)) return;
      await checkCaseMessage(state, d);
      const r = await receiveCaseTaskReport(state, d);
      log(d).info({ caseRef: d.data.caseRef, taskId: d.data.taskId, known: r !== undefined }, "case task reported (sealed)");
    },
    "case.closed": async (d) => {
      if (!mine(d)) return;
      await checkCaseMessage(state, d);
      const r = await receiveCaseClosed(state, d);
      log(d).info({ caseRef: d.data.caseRef, reason: d.data.reason, known: r !== undefined }, "case closed");
    },
    "case.transferred": async (d) => {
      if (!mine(d)) return;
      // The receiving municipality is not a member of the sender's LIVC-R: the hand-over is
      // sealed to it alone, and it must be the one named.
      if (d.data.toLivc !== org || d.data.livc !== d.envelope.sender) {
        throw new HandlerRefusal(`case.transferred ${d.envelope.id} from "${d.envelope.sender}" hands case ${d.data.caseRef} of ${d.data.livc} to ${d.data.toLivc}: a municipality hands over only its own cases, to the municipality it addresses`, {}, { reason: "not-a-member" });
      }
      await receiveCaseTransfer(state, d);
      log(d).warn({ caseRef: d.data.caseRef, from: d.envelope.sender }, "case handed over to this LIVC-R (sealed)");
    },
  };
}
