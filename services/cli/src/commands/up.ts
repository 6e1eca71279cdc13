/**
 * `schakel up [--demo] [--data DIR] [--port N]`: the whole bus on this machine in one command —
 * nats-server (or the server at --server/NATS_URL), streams, every level service, the console and
 * the development sign-in (an OpenID Provider for the persons of the persons file).
 * Ctrl-C stops everything; a second `up` resumes with all data intact.
 */
import type { Command } from "commander";
import type { UpOptions } from "../up/run.ts";

export function registerUp(program: Command): void {
  program
    .command("up")
    .description("start the bus, every level service and the console; Ctrl-C stops them all")
    .option("--demo", "play a realistic round of coordination so you see the flows at once (once per data folder)")
    .option("--fresh", "start over: move the data folder aside to <data>.old-<time> first (nothing is deleted)")
    .option("--port <n>", "client port of the embedded nats-server (default: the previous run's port if free, else a free one; 4222 is never assumed)")
    .option("--console-port <n>", "port of the console (default: SCHAKEL_CONSOLE_PORT, else 8480; a taken port is replaced by a free one, printed)")
    .option("--idp-port <n>", "port of the development sign-in (OpenID Provider) on 127.0.0.1 (default: SCHAKEL_IDP_PORT, else 8481; a taken port is replaced by a free one, printed)")
    .option("--persons <file>", "persons file: who may sign in (default: SCHAKEL_PERSONS, else the demo persons beside the registry)")
    .option("--health-port <n>", "port of the health server on 127.0.0.1: /healthz, /readyz, /metrics (default: a free one, printed)")
    .option("--digest-window <duration>", "how long the platform collects policy updates into one digest (default 60s; 15s with --demo)")
    .option("--registry <file>", "organisation registry (default: the demo registry)")
    .option("--no-services", "start only the bus (run services yourself: npx tsx services/<level>/src/main.ts)")
    .option("--no-console", "do not start the console")
    .option("--json", "print the summary as one JSON line once ready")
    .addHelpText("after", `
The data folder (--data, SCHAKEL_DATA, default .schakel/) holds the identities, the JetStream store,
the generated server config, the logs and connection.json, through which every other command finds
the running bus. With --server URL or NATS_URL, up uses that server instead of starting one.
Other commands find the data folder as git finds .git: the nearest .schakel/ here or above.
The console signs people in through the development OpenID Provider that up starts (its issuer is
in connection.json); it signs in the persons of the persons file, and with --demo its login page
lets you pick one. \`schakel login\` signs the command line in through the same provider.
The demo is played once into a data folder (demo-played.json records when); start with --fresh
for a new one. Without nats-server installed, up stops with exit 2 and the command to install it
(as root on Debian it installs Debian's package itself, saying so first).`)
    .action(async (_o, cmd: Command) => {
      // Loaded on use: the services and the console are not needed by any other command.
      const { runUp } = await import("../up/run.ts");
      const code = await runUp(cmd.optsWithGlobals<UpOptions>());
      // After a failure, connections still waiting for a server that is gone would keep the process alive.
      if (code !== 0) process.exit(code);
      process.exitCode = code;
    });
}
