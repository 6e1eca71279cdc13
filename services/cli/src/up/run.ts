/**
 * `schakel up`: identities, the bus, provisioning, the stack (every level service, the auditor, the
 * development sign-in and the console, from @schakel/stack), the summary —
 * and on Ctrl-C (SIGINT), SIGTERM or SIGHUP everything stopped in the reverse order: demo, console,
 * services (stop consuming, drain), admin connection, nats-server (SIGTERM, so JetStream flushes).
 * A second signal exits at once; the server is killed with the process either way. A server that
 * dies on its own is started again on the same port (server-supervisor.ts); `up` stops with exit 1
 * only when it dies too often or does not come back.
 */
import { resolve } from "node:path";
import { KeyDirectory } from "@schakel/contracts/bus";
import { STREAMS } from "@schakel/contracts";
import { directoryPath, ensureIdentities, loadRegistry, observeLeafLinks, personsPath, type LeftoverOutcome } from "@schakel/infra";
import { notReady, startHealthServer, startMetrics, startTelemetry } from "@schakel/runtime";
import {
  DEMO_DIGEST_WINDOW_MS, demoServiceOptions, startLevelServices, startStackAuditor, startStackConsole, startStackIdentityProvider, watchedPersons,
} from "@schakel/stack";
import { dataDirOf, type Connection, type GlobalOptions } from "../context.ts";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, note } from "../output.ts";
import { startBus } from "./bus.ts";
import { consolePortOf, identityProviderPortOf } from "./console-port.ts";
import { removeConnection, writeConnection } from "./connection-file.ts";
import { prepareDataFolder } from "./preparation.ts";
import { progressLine } from "./progress.ts";
import { playDemoOnce } from "./demo/play-once.ts";
import { parseDuration } from "../input/time-input.ts";
import { parsePort } from "../input/port.ts";
import { STOP_SIGNALS } from "../stop-signals.ts";
import type { ServerBack, ServerDown } from "./server-supervisor.ts";
import { dataFlag, renderSummary, summarise } from "./summary.ts";
import { applyRegistryChange } from "./apply-registry.ts";
import { clearStaleRegistryChange, followRegistryChanges } from "./registry-change.ts";
import { configuredSmtp, removeNotificationSettings, smtpHost, startMailSink, writeNotificationSettings } from "./mail-sink.ts";
import { looseHeapWhileStarting } from "../starting-heap.ts";

export interface UpOptions extends GlobalOptions {
  demo?: boolean;
  port?: string;
  consolePort?: string;
  /** Port of the development sign-in (OpenID Provider). */
  idpPort?: string;
  /** The persons file (who may sign in). */
  persons?: string;
  healthPort?: string;
  digestWindow?: string;
  registry?: string;
  services?: boolean;
  console?: boolean;
  /** Move the data folder aside first (prepareDataFolder). */
  fresh?: boolean;
}

/** How long each part may take to stop once the server is gone for good. */
const STOP_GRACE_WITHOUT_SERVER_MS = 2_000;

function withinGrace(stopped: Promise<unknown>, what: string): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => (timer = setTimeout(() => {
    note(color.dim(`the ${what} did not stop within ${STOP_GRACE_WITHOUT_SERVER_MS / 1000} s without a server; leaving it`));
    resolve(undefined);
  }, STOP_GRACE_WITHOUT_SERVER_MS)));
  return Promise.race([stopped, late]).finally(() => clearTimeout(timer));
}

function leftoverNote(o: LeftoverOutcome): void {
  if (o.kind === "stopped") note(color.yellow(`stopped nats-server pid ${o.pid}, left running by an earlier "schakel up" on this data folder`));
  if (o.kind === "foreign") note(color.dim(`ignored a stale pid file: pid ${o.pid} is now another process (${o.command.slice(0, 60)})`));
}

/** What the services are started with: the demo's policies, a digest window. */
function serviceOptions(opts: UpOptions): Record<string, object> {
  const options = opts.demo ? demoServiceOptions() : {};
  const window = opts.digestWindow !== undefined ? parseDuration(opts.digestWindow) : opts.demo ? DEMO_DIGEST_WINDOW_MS : undefined;
  if (opts.digestWindow !== undefined && !window) throw new CliError(`--digest-window "${opts.digestWindow}" is not a duration (e.g. 15s, 2m)`, EXIT.usage);
  return window ? { ...options, flemish: { ...options.flemish, digestWindowMs: window } } : options;
}

/** Runs until a signal (exit 0) or until the server dies under it (exit 1). */
export async function runUp(opts: UpOptions): Promise<number> {
  const port = parsePort(opts.port);
  const consolePort = consolePortOf(opts);
  const idpPort = identityProviderPortOf(opts);
  const healthPort = parsePort(opts.healthPort, "--health-port");
  const options = serviceOptions(opts);
  const dataDir = dataDirOf(opts);
  // V8 grows the heap its own way until the summary, then as the process was started (starting-heap.ts).
  const settleHeap = looseHeapWhileStarting();
  await prepareDataFolder(dataDir, { fresh: opts.fresh === true, embedded: !(opts.server ?? process.env.NATS_URL) });
  const phases: Record<string, number> = {};
  let mark = performance.now();
  const lap = (name: string): void => {
    const now = performance.now();
    phases[name] = Math.round(now - mark);
    mark = now;
  };
  phases.load = Math.round(process.uptime() * 1000);
  const registry = loadRegistry(opts.registry);
  // Read before anything starts: an invalid persons file stops `up` with its problems, line by line.
  const persons = watchedPersons(opts.persons, registry, (line) => note(color.yellow(`persons: ${line}`)));
  const identities = await ensureIdentities(registry, dataDir);
  lap("identities");
  const directory = new KeyDirectory(identities.directory);
  // A rotation, a revocation or a new organisation reaches every service of this process without a restart.
  const unwatchDirectory = directory.watchFile(directoryPath(dataDir), (err) => note(color.yellow(`key directory: ${err.message} (the previous one stays in use)`)));
  // Narration goes to stdout for people; with --json stdout carries the one summary line only.
  const say = (line: string) => (opts.json ? note(line) : process.stdout.write(line + "\n"));

  const stops: { what: string; stop: () => Promise<void> }[] = [];
  const demoAbort = new AbortController();
  let signalled: (code: number) => void = () => {};
  const finished = new Promise<number>((resolve) => (signalled = resolve));
  let stopping = false;
  let serverGone = false;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stopping) {
      note(color.red(`${sig} again: exiting without waiting`));
      process.exit(1);
    }
    stopping = true;
    demoAbort.abort();
    signalled(0);
  };
  // SIGHUP too: a closed terminal should stop the bus cleanly, not orphan its server.
  for (const sig of STOP_SIGNALS) process.on(sig, onSignal);

  let code = EXIT.failure as number;
  let demoDone: Promise<unknown> = Promise.resolve();
  try {
    // Spans are exported only where an OTLP endpoint is configured; otherwise `up` stays lean.
    if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) {
      const telemetry = await startTelemetry({ serviceName: "schakel-up", orgs: registry.organisations.map((o) => o.id) });
      stops.push({ what: "telemetry", stop: () => telemetry.shutdown() });
    }
    // Metrics before anything connects; one health server for the process, each part probed as it
    // starts (a part not started yet is "starting", so /readyz is not 200 before the summary).
    const metrics = await startMetrics({ serviceName: "schakel-up", orgs: registry.organisations.map((o) => o.id) });
    stops.push({ what: "metrics", stop: () => metrics.shutdown() });
    const health = await startHealthServer({ ...(healthPort !== undefined ? { port: healthPort } : {}), metrics });
    stops.push({ what: "health server", stop: health.stop });
    for (const part of ["gate", ...(opts.services === false ? [] : ["services"]), "auditor", ...(opts.console === false ? [] : ["console"])]) {
      health.register(part, () => notReady("starting"));
    }
    // The sign-in needs nothing of the bus: its key pair and module are made while the bus starts.
    const idpStarting = startStackIdentityProvider({
      persons, port: idpPort, demo: opts.demo === true, onNote: (line) => note(color.dim(`sign-in: ${line}`)),
    });
    idpStarting.catch(() => undefined); // awaited below; a failure then ends `up` like any other
    stops.push({ what: "sign-in", stop: async () => (await idpStarting.catch(() => undefined))?.stop() });
    // The demo's mailbox, unless an SMTP server is configured: notifications become real mails under <data>/mail.
    const mailSink = configuredSmtp() ? undefined : await startMailSink(dataDir);
    const mailSettings = { ...(mailSink ? { smtpUrl: mailSink.url } : {}), personsFile: resolve(personsPath(opts.persons)) };
    await writeNotificationSettings(dataDir, mailSettings);
    stops.push({ what: "mail", stop: async () => {
      await mailSink?.stop();
      await removeNotificationSettings(dataDir);
    } });
    let connection: Connection | undefined;
    const supervision = {
      onDown: (d: ServerDown) => note(color.yellow(
        `the embedded nats-server stopped (${d.how}); restarting it on ${d.url} with the same store (restart ${d.restart} of ${d.maxRestarts} in ${d.windowMs / 1000} s)`)),
      onBack: (b: ServerBack) => {
        note(color.green(`nats-server is back on ${b.url} after ${(b.ms / 1000).toFixed(1)}s`));
        if (!connection || stopping) return;
        connection = { ...connection, natsPid: b.pid };
        writeConnection(dataDir, connection).catch((err) => note(color.red(`cannot update connection.json: ${(err as Error).message}`)));
      },
    };
    const bus = await startBus({ dataDir, registry, readRegistry: () => loadRegistry(opts.registry), identities, port, server: opts.server ?? process.env.NATS_URL, onLeftover: leftoverNote, supervision });
    stops.push({ what: "bus", stop: bus.stop });
    health.register("gate", () => bus.gateReadiness());
    // Leaf link gauges from the embedded server's /leafz (the server keeps its monitoring port across restarts).
    const monitorUrl = bus.embedded?.monitorUrl;
    if (monitorUrl) {
      const stopLeafLinks = observeLeafLinks({ monitorUrl });
      stops.push({ what: "leaf link metrics", stop: async () => stopLeafLinks() });
    }
    lap("bus");
    void bus.embedded?.gaveUp.then(({ reason, output }) => {
      if (stopping) return;
      note(color.red(`${reason}; its last lines:\n${output}`));
      serverGone = true;
      stopping = true;
      demoAbort.abort();
      signalled(EXIT.failure);
    });
    if (!stopping) {
      const progress = progressLine("starting services", { json: opts.json === true });
      // Each organisation's services start once its own consumers and bucket exist, while the others' are made.
      const services = opts.services === false ? undefined : await startLevelServices({
        dataDir, url: bus.url, directory, options, onProgress: progress.update, provisioned: bus.provisionedFor,
      }).finally(() => progress.end());
      if (services) stops.push({ what: "services", stop: services.stop });
      if (services) health.register("services", () => services.readiness());
      lap("services");
      await bus.provisioned;
      lap("provisioned");
      const auditor = await startStackAuditor({
        dataDir, url: bus.url, identities, onError: (err, stream) => note(color.yellow(`audit: ${stream}: ${err.message}`)),
      });
      stops.push({ what: "auditor", stop: auditor.stop });
      health.register("auditor", () => auditor.readiness());
      lap("auditor");
      const idp = await idpStarting;
      lap("sign-in");
      const consoleRun = opts.console === false ? { unavailable: "--no-console" } : await startStackConsole({
        dataDir, url: bus.url, port: consolePort, onNote: (line) => note(color.dim(`console: ${line}`)),
        signIn: { issuer: idp.issuer, ...idp.consoleClient, persons: idp.persons, demo: opts.demo === true },
      });
      if ("url" in consoleRun) idp.consoleAt(consoleRun.url);
      if ("url" in consoleRun) stops.push({ what: "console", stop: consoleRun.stop });
      if ("url" in consoleRun) health.register("console", consoleRun.readiness);
      if ("url" in consoleRun) await writeNotificationSettings(dataDir, { ...mailSettings, consoleUrl: consoleRun.url });
      lap("console");
      connection = {
        url: bus.url, pid: process.pid, startedAt: new Date().toISOString(), healthUrl: health.url,
        ...("url" in consoleRun ? { consoleUrl: consoleRun.url } : {}), issuer: idp.issuer, personsFile: resolve(personsPath(opts.persons)),
        ...(bus.embedded ? { natsPid: bus.embedded.pid, ...(bus.embedded.monitorUrl ? { monitorUrl: bus.embedded.monitorUrl } : {}) } : {}),
      };
      await writeConnection(dataDir, connection);
      const summary = await summarise({
        bus, services, console: consoleRun, registry, dataDir, phases, demo: opts.demo === true, healthUrl: health.url, issuer: idp.issuer, persons: idp.persons(),
      });
      process.stdout.write((opts.json ? JSON.stringify(summary) : renderSummary(summary)) + "\n");
      settleHeap();
      if (bus.embedded) {
        // Organisations added or removed by "schakel identities generate": applied here, where the server runs.
        await clearStaleRegistryChange(dataDir);
        const unfollow = followRegistryChanges(dataDir, (request) => applyRegistryChange({ dataDir, bus, directory, services, say }, request));
        stops.push({ what: "registry changes", stop: async () => unfollow() });
      }
      say(mailSink ? `mail: notifications go to ${mailSink.dir} (local mail sink ${mailSink.url})` : `mail: notifications go to the SMTP server ${smtpHost(configuredSmtp())}`);
      if (opts.demo && !stopping) {
        const storedMessages = summary.streams.find((s) => s.name === STREAMS.coord.name)?.messages ?? 0;
        demoDone = playDemoOnce({ url: bus.url, dataDir, directory, say, signal: demoAbort.signal, dataFlag: dataFlag(dataDir), storedMessages, ...(mailSink ? { mailDir: mailSink.dir } : {}) })
          .catch((err) => note(color.red(`demo stopped: ${(err as Error).message}`)));
      }
    }
    code = await finished;
  } finally {
    settleHeap();
    stopping = true;
    demoAbort.abort();
    await demoDone;
    for (const s of stops.reverse()) {
      const stopped = s.stop().catch((err) => note(color.red(`stopping the ${s.what} failed: ${(err as Error).message}`)));
      // Without a server, a connection can wait for it forever: give each part a moment, not more.
      await (serverGone ? withinGrace(stopped, s.what) : stopped);
    }
    unwatchDirectory();
    await removeConnection(dataDir);
    for (const sig of STOP_SIGNALS) process.removeListener(sig, onSignal);
  }
  note(color.dim(code === 0 ? "stopped; the data stays in " + dataDir : "stopped after a failure"));
  return code;
}
