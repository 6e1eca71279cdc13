/** `schakel orgs list`: the organisations of the registry, their level and roles. */
import type { Command } from "commander";
import { loadRegistry } from "@schakel/infra";
import { emit } from "../output.ts";

export function registerOrgs(program: Command): void {
  const orgs = program.command("orgs").description("the organisations in the registry");
  orgs
    .command("list")
    .description("list organisations with their level and roles")
    .option("--json", "print JSON")
    .option("--registry <file>", "registry file (default: the demo registry)")
    .action((opts: { json?: boolean; registry?: string }) => {
      const registry = loadRegistry(opts.registry);
      emit(opts, registry.organisations, (list) =>
        list.map((o) => `${o.id.padEnd(12)} ${o.level.padEnd(10)} ${o.name} (${o.roles.join(", ")})`).join("\n"),
      );
    });
}
