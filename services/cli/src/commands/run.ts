/**
 * `schakel run --org <id> --server URL --creds FILE`: one organisation deployed on its own, against
 * a bus someone else runs. It hosts the level service that serves the organisation with the
 * credentials file it is handed (and no other organisation's keys), a health server (/healthz,
 * /readyz, /metrics), with `--console` its own console, and stays in the foreground until Ctrl-C
 * or SIGTERM.
 */
import type { Command } from "commander";
import type { RunOptions } from "../run/run-organisation.ts";

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run one organisation's services on their own, against a bus run elsewhere; Ctrl-C stops them")
    .requiredOption("--org <id>", "the organisation to run (a municipality, a Flemish or a federal organisation)")
    .option("--creds <file>", "its credentials file, <org>.creds.json (default: <data>/identities/<org>.creds.json)")
    .option("--directory <file>", "the bus's key directory, directory.json (default: <data>/directory.json)")
    .option("--health-port <n>", "port of the health server on 127.0.0.1: /healthz, /readyz, /metrics (default: a free one, printed)")
    .option("--console", "also serve the organisation's own console: its credentials only, its people only")
    .option("--console-port <n>", "port of the console (default: SCHAKEL_CONSOLE_PORT, else 8480; a taken port is replaced by a free one)")
    .option("--issuer <url>", "the organisation's OpenID provider (default: a development provider started here, port --idp-port)")
    .option("--client-id <id>", "the console's client id at --issuer")
    .option("--client-secret-file <file>", "a file holding the console's client secret at --issuer (or SCHAKEL_CLIENT_SECRET)")
    .option("--person-claim <claim>", "the ID token claim that holds the person id of the persons file (default: sub)")
    .option("--persons <file>", "the persons file (default: SCHAKEL_PERSONS, else the one beside the registry)")
    .option("--idp-port <n>", "port of the development provider (default: SCHAKEL_IDP_PORT, else 8481; a taken port is replaced by a free one)")
    .option("--json", "print one JSON line once ready (the organisation, its services, the health URL, the console)")
    .addHelpText("after", `
The server comes from --server URL, NATS_URL, or the connection.json of a running "schakel up".
The data folder (--data, default the nearest .schakel/) keeps this deployment's log,
logs/<org>.log (owner-only; ids, never titles or bodies).
Exit codes: 0 after Ctrl-C or SIGTERM, 2 for bad options or files, 1 when start-up fails.`)
    .action(async (_o, cmd: Command) => {
      const { runOrganisation } = await import("../run/run-organisation.ts");
      const code = await runOrganisation(cmd.optsWithGlobals<RunOptions>());
      // A stop before the bus was reached leaves a connection attempt pending: end the process.
      process.exit(code);
    });
}
