/** How `schakel signal list|show` print signals: one line per signal, message text made terminal-safe. */
import type { SignalRecord } from "@schakel/organisation";
import type { TriageItem } from "@schakel/platform";
import { color, readableTime as time } from "../output.ts";
import { safeText } from "../safe-text.ts";

const STATE_COLOUR: Record<TriageItem["state"], (s: string) => string> = {
  open: color.yellow, forwarded: color.cyan, monitoring: color.blue, "awaiting-information": color.magenta, closed: color.dim,
};

/** One line of the platform's triage queue. */
export function queueLine(i: TriageItem): string {
  const proposal = i.state === "open" && i.proposal ? color.dim(` (proposed: ${i.proposal.decision}${i.proposal.partner ? ` to ${i.proposal.partner}` : ""})`) : "";
  const last = i.decisions.at(-1);
  const partner = last?.partner ? ` to ${last.partner}` : "";
  return `${STATE_COLOUR[i.state](i.state.padEnd(20))} ${color.bold(i.signalId)} ${time(i.raisedAt)} ${i.raisedBy} ${i.kind}/${i.severity}${partner} "${safeText(i.title)}"${proposal}`;
}

/** One line of an organisation's own signals. */
export function signalLine(s: SignalRecord): string {
  const routing = s.routing?.at(-1);
  const status = s.reportBack ? color.green("reported back") : routing ? color.cyan(`${routing.decision}${routing.partner ? ` to ${routing.partner}` : ""}`)
    : s.acknowledgement ? color.green("acknowledged") : color.yellow(s.direction === "raised" ? "sent" : "to acknowledge");
  const who = s.direction === "raised" ? `to ${s.to}` : `from ${s.raisedBy}`;
  return `${s.direction.padEnd(15)} ${color.bold(s.signalId)} ${time(s.at)} ${who} ${s.kind}/${s.severity} "${safeText(s.title)}" — ${status}`;
}

/** Who acted, for people: the person's name where `nameOf` knows the pseudonym, else the pseudonym. */
export type ActorNames = (pseudonym: string) => string | undefined;

/** The whole of one triage item. */
export function queueItemText(i: TriageItem, nameOf: ActorNames = () => undefined): string {
  const lines = [
    `${color.bold(i.signalId)} ${STATE_COLOUR[i.state](i.state)} — ${i.kind}/${i.severity} from ${i.raisedBy} to ${i.to}, ${time(i.raisedAt)}`,
    `"${safeText(i.title)}"`,
    ...(i.description ? [safeText(i.description)] : []),
    ...(i.extremismForms?.length || i.preventionTier ? [`forms: ${(i.extremismForms ?? []).join(", ") || "none"}; tier: ${i.preventionTier ?? "-"}`] : []),
    ...(i.proposal ? [color.dim(`proposed by rule ${i.proposal.rule}: ${i.proposal.decision}${i.proposal.partner ? ` to ${i.proposal.partner}` : ""} — ${safeText(i.proposal.reason)}`)] : []),
    ...i.decisions.map((d) => `decided ${time(d.decidedAt)}${d.actor ? ` by ${nameOf(d.actor.pseudonym) ?? d.actor.pseudonym} (${d.actor.role})` : ""}: ${color.bold(d.decision)}${d.partner ? ` to ${d.partner}, acknowledge by ${time(d.acknowledgeBy!)}, report back by ${time(d.reportBackBy!)}` : ""} — ${safeText(d.reason)}`),
    ...(i.information ?? []).map((x) => `information from ${i.raisedBy} ${time(x.at)}${x.actor ? ` by ${nameOf(x.actor.pseudonym) ?? x.actor.pseudonym} (${x.actor.role})` : ""}: ${safeText(x.information)}`),
    ...(i.acknowledgement ? [`acknowledged by ${i.acknowledgement.by} at ${time(i.acknowledgement.at)}`] : []),
    ...(i.reportBack ? [`reported back by ${i.reportBack.by} at ${time(i.reportBack.at)}: ${safeText(i.reportBack.outcome)}`] : []),
  ];
  return lines.join("\n");
}

/** The whole of one of an organisation's signals. */
export function signalText(s: SignalRecord): string {
  return [
    signalLine(s),
    ...(s.description ? [safeText(s.description)] : []),
    ...(s.routing ?? []).map((d) => `routing ${time(d.decidedAt)}: ${color.bold(d.decision)}${d.partner ? ` to ${d.partner}${d.reportBackBy ? `, report back by ${time(d.reportBackBy)}` : ""}` : ""} — ${safeText(d.reason)}`),
    ...(s.information ?? []).map((x) => `information given ${time(x.at)}: ${safeText(x.information)}`),
    ...(s.direction === "raised" && s.routing?.at(-1)?.decision === "ask-info" && !s.information?.some((x) => x.decisionId === s.routing!.at(-1)!.decisionId)
      ? [color.magenta(`the platform asks for more information: schakel signal info ${s.signalId} --as ${s.raisedBy} --information "…"`)] : []),
    ...(s.acknowledgement ? [`acknowledged by ${s.acknowledgement.by} at ${time(s.acknowledgement.at)}${s.acknowledgement.remark ? `: ${safeText(s.acknowledgement.remark)}` : ""}`] : []),
    ...(s.reportBack ? [`reported back by ${s.reportBack.by} at ${time(s.reportBack.at)}: ${safeText(s.reportBack.outcome)}`] : []),
  ].join("\n");
}
