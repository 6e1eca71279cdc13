/**
 * Registers every command. Each command is one file exporting `register<Name>(program)`;
 * add one import and one call here per command.
 */
import type { Command } from "commander";
import { registerAudit } from "./audit.ts";
import { registerBackup } from "./backup.ts";
import { registerCase } from "./case.ts";
import { registerContracts } from "./contracts.ts";
import { registerCoordination } from "./coordination.ts";
import { registerDeadletter } from "./deadletter.ts";
import { registerDigest } from "./digest.ts";
import { registerFeed } from "./feed.ts";
import { registerGlossary } from "./glossary.ts";
import { registerIdentities } from "./identities.ts";
import { registerKnowledge } from "./knowledge.ts";
import { registerLivc } from "./livc.ts";
import { registerLogin } from "./login.ts";
import { registerNotify } from "./notify.ts";
import { registerNotice } from "./notice.ts";
import { registerObligations } from "./obligations.ts";
import { registerOrgs } from "./orgs.ts";
import { registerPersons } from "./persons.ts";
import { registerPolicy } from "./policy.ts";
import { registerReplay } from "./replay.ts";
import { registerRun } from "./run.ts";
import { registerSignal } from "./signal.ts";
import { registerStatus } from "./status.ts";
import { registerTrace } from "./trace.ts";
import { registerUp } from "./up.ts";

export function registerCommands(program: Command): void {
  registerUp(program);
  registerRun(program);
  registerOrgs(program);
  registerNotice(program);
  registerObligations(program);
  registerSignal(program);
  registerPolicy(program);
  registerDigest(program);
  registerKnowledge(program);
  registerGlossary(program);
  registerCoordination(program);
  registerLivc(program);
  registerCase(program);
  registerFeed(program);
  registerContracts(program);
  registerTrace(program);
  registerReplay(program);
  registerIdentities(program);
  registerAudit(program);
  registerStatus(program);
  registerBackup(program);
  registerDeadletter(program);
  registerPersons(program);
  registerLogin(program);
  registerNotify(program);
}
