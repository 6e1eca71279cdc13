/**
 * The `schakel` program: global options, error handling and exit codes. Each command lives in
 * its own file under commands/ and is registered in commands/index.ts.
 */
import { Command, CommanderError } from "commander";
import { SchakelError } from "@schakel/contracts";
import { registerCommands } from "./commands/index.ts";
import { CliError, EXIT, exitCodeFor } from "./exit-codes.ts";
import { color } from "./output.ts";
import { startCommandTelemetry } from "./telemetry.ts";

export function buildProgram(): Command {
  const program = new Command("schakel")
    .description("Schakel: the coordination bus between the local, Flemish and federal levels")
    .option("--data <dir>", "data folder of the bus (default: SCHAKEL_DATA, else the nearest .schakel/ here or above)")
    .option("--server <url>", "NATS server URL (default: NATS_URL, or what `schakel up` wrote)")
    .option("--wait <duration>", "how long to keep trying while the bus cannot be reached (default 30s; 0 to fail at once)")
    .configureHelp({ showGlobalOptions: true })
    // One line per problem, so scripts and people see exactly what was wrong (exit 2).
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd()} (see --help)\n`) })
    .exitOverride()
    // Spans of the command go to OTLP only when it is configured (telemetry.ts); main.ts flushes them.
    .hook("preAction", (_program, command) => startCommandTelemetry(command));
  registerCommands(program);
  return program;
}

/** Maps any error to one clear line on stderr and an exit code (Schakel errors by their code: exit-codes.ts). */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) {
    if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.exitCode === 0) return EXIT.ok;
    return EXIT.usage;
  }
  if (err instanceof CliError) {
    process.stderr.write(`${color.red("error:")} ${err.message}\n`);
    return err.exitCode;
  }
  if (err instanceof SchakelError) {
    process.stderr.write(`${color.red("error:")} ${err.message}\n`);
    return exitCodeFor(err);
  }
  process.stderr.write(`${color.red("error:")} ${(err as Error)?.stack ?? String(err)}\n`);
  return EXIT.failure;
}
