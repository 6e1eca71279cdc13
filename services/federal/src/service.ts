/**
 * The federal liaison service (OCAM, federal police), one instance per liaison: it follows the
 * receipts and acknowledgements of the notices it posted, records the signals the platform
 * escalates to it (logged as warnings), and keeps the coordination requests addressed to it —
 * answered by an official through `respondToCoordination`, or by an auto-answer policy.
 */
import type { ConsumeEvent } from "@schakel/contracts/bus";
import { caseKeysFor, inboxHandlers, keepCaseState, orgState } from "@schakel/organisation";
import { consumeWithLogs, type ServiceDefinition } from "@schakel/runtime";
import { autoAnswering, demoAutoAnswer, type AutoAnswerPolicy } from "./auto-answer.ts";

export interface FederalOptions {
  /** Answers coordination requests without an official (the demo uses `demoAutoAnswer`). */
  autoAnswer?: AutoAnswerPolicy;
  onEvent?: (event: ConsumeEvent) => void;
}

export const federalService: ServiceDefinition<FederalOptions> = {
  name: "federal",
  description: "federal liaisons: notices and their receipts, escalated signals, coordination answers",
  organisations: (directory) => directory.organisations.filter((o) => o.level === "federal").map((o) => o.id),
  flags: { "auto-answer": { type: "boolean", description: "answer coordination requests with the demo policy" } },
  optionsFromFlags: (v) => (v["auto-answer"] ? { autoAnswer: demoAutoAnswer } : {}),
  async start(ctx, options) {
    const handlers = inboxHandlers(ctx, await orgState(ctx.bus), {
      caseKeys: caseKeysFor(ctx), ...(options.autoAnswer ? { onCoordinationRequest: autoAnswering(options.autoAnswer) } : {}),
    });
    const consumption = consumeWithLogs(ctx, handlers, options.onEvent ? { onEvent: options.onEvent } : {});
    // The cases it takes part in stay in its case state bucket while they are open.
    const cases = keepCaseState(ctx);
    const stop = async () => {
      cases.stop();
      await consumption.stop();
    };
    return { stop, kill: stop };
  },
};
