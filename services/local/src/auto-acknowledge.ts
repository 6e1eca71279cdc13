/**
 * Demo only: a police zone's duty officer acknowledging, played by its service. Each notice
 * addressed to the zone that asks for an acknowledgement is acknowledged once the service has
 * recorded it, so the demo shows police zones taking notices up while people watch. Off unless
 * the service is started with `autoAcknowledge` (`schakel up --demo`, or `--auto-acknowledge`);
 * a real zone acknowledges through an official (`schakel notice ack`, the console).
 */
import type { Handlers } from "@schakel/contracts/bus";
import { acknowledgeNotice, isAddressedTo } from "@schakel/organisation";
import type { OrgContext } from "@schakel/runtime";

/** Who the automatic acknowledgement says acknowledged (visible to the sender: never mistaken for a person). */
export const DEMO_ACKNOWLEDGED_BY = "duty officer (automatic, demo)";

/** The handler, run after the inbox handlers recorded the notice, that acknowledges it. */
export function autoAcknowledging(ctx: Pick<OrgContext, "bus" | "org" | "directory" | "log">): Handlers {
  return {
    "notice.posted": async (d) => {
      if (!d.data.ackRequired || !isAddressedTo(ctx.directory, ctx.org, d.envelope)) return;
      const done = await acknowledgeNotice(ctx.bus, { noticeId: d.data.noticeId, by: DEMO_ACKNOWLEDGED_BY, remark: "Taken up by the duty officer of the zone." });
      ctx.log.info({ noticeId: d.data.noticeId, outcome: done.outcome }, "notice acknowledged by the demo policy");
    },
  };
}
