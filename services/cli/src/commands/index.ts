/**
 * Registers every command. Each command is one file exporting `register<Name>(program)`;
 * add one import and one call here per command.
 */
import type { Command } from "commander";
import { registerOrgs } from "./orgs.ts";

export function registerCommands(program: Command): void {
  registerOrgs(program);
}
