/**
 * `schakel orgs list`: the organisations, their level and roles — those of the running bus (the
 * data folder's key directory, written by `schakel up` from its registry), or of a registry file.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { Organisation } from "@schakel/contracts";
import { directoryPath, loadRegistry } from "@schakel/infra";
import { dataDirOf, loadDirectory, type GlobalOptions } from "../context.ts";
import { emit } from "../output.ts";

/** The organisations of `--registry`, else of the data folder, else of the demo registry. */
function organisations(opts: GlobalOptions & { registry?: string }): Organisation[] {
  if (opts.registry === undefined && existsSync(directoryPath(dataDirOf(opts)))) {
    return loadDirectory(opts).organisations.map(({ id, name, level, roles, domain }) => ({ id, name, level, roles, ...(domain ? { domain } : {}) }));
  }
  return loadRegistry(opts.registry).organisations;
}

export function registerOrgs(program: Command): void {
  const orgs = program.command("orgs").description("the organisations in the registry");
  orgs
    .command("list")
    .description("list organisations with their level and roles")
    .option("--json", "print JSON")
    .option("--registry <file>", "a registry file (default: the bus of the data folder, else the demo registry)")
    .action((_o, cmd: Command) => {
      const opts = cmd.optsWithGlobals<GlobalOptions & { registry?: string }>();
      emit(opts, organisations(opts), (list) =>
        list.map((o) => `${o.id.padEnd(12)} ${o.level.padEnd(10)} ${o.name} (${o.roles.join(", ")})`).join("\n"),
      );
    });
}
