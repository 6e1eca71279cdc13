/**
 * An optional policy that answers coordination requests without an official, used by the demo
 * so that a request sent to the federal level gets its answer while people watch.
 */
import type { COORDINATION_OUTCOMES } from "@schakel/contracts";
import { respondToCoordination, type IncomingRequest } from "@schakel/organisation";
import type { OrgContext } from "@schakel/runtime";

export type AutoAnswer = { outcome: (typeof COORDINATION_OUTCOMES)[number]; body: string };

/** Decides the answer to a request, or undefined to leave it to an official. */
export type AutoAnswerPolicy = (request: IncomingRequest) => AutoAnswer | undefined;

/** The demo policy: agree to align or act, confirm being informed. */
export const demoAutoAnswer: AutoAnswerPolicy = (request) => {
  switch (request.ask) {
    case "align":
      return { outcome: "agreed", body: `Agreed to align on "${request.topic}"; the liaison joins the next coordination meeting.` };
    case "inform":
      return { outcome: "informed", body: `Taken note of "${request.topic}"; shared with the federal services concerned.` };
    case "act":
      return { outcome: "agreed", body: `The federal services will act on "${request.topic}" and report back.` };
  }
};

/** The inbox hook that applies a policy to each new request. */
export function autoAnswering(policy: AutoAnswerPolicy) {
  return async (request: IncomingRequest, ctx: OrgContext): Promise<void> => {
    const answer = policy(request);
    if (!answer) return;
    const r = await respondToCoordination(ctx.bus, { requestId: request.requestId, ...answer });
    ctx.log.info({ requestId: request.requestId, outcome: answer.outcome, result: r.outcome }, "coordination request answered by policy");
  };
}
