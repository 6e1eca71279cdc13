/**
 * `schakel login`, `schakel logout`, `schakel whoami`: the person at the command line. `login`
 * signs in through the OpenID Provider (device flow: a code to enter in a browser), and from then
 * on the commands that act for a person — acknowledge or post a notice, raise a signal, request or
 * answer coordination — carry that person on the message. Without a sign-in they act as the
 * organisation's service. The session is `<data>/session.json`, owner-only.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import type { Person } from "@schakel/contracts";
import { directoryPath } from "@schakel/infra";
import { dataDirOf, type GlobalOptions } from "../context.ts";
import { EXIT } from "../exit-codes.ts";
import { color, emit, note } from "../output.ts";
import { cliPersons, signedInPerson } from "../session/acting-person.ts";
import type { DevicePrompt } from "../session/sign-in.ts";
import { readSession, removeSession, sessionExpired, sessionPath, writeSession, type CliSession } from "../session/store.ts";

interface LoginOptions extends GlobalOptions { issuer?: string }

const clock = (iso: string): string => new Date(iso).toLocaleString("en-GB", { dateStyle: "medium", timeStyle: "short" });

/** Where to go and which code to enter: on stdout for people; on stderr with --json (stdout: the result). */
function showPrompt(opts: GlobalOptions, p: DevicePrompt): void {
  const say = opts.json ? note : (line: string) => process.stdout.write(line + "\n");
  say(`Open ${color.bold(p.verificationUri)} and enter the code ${color.bold(p.userCode)}`);
  if (p.verificationUriComplete) say(color.dim(`(or open ${p.verificationUriComplete})`));
}

/** A line every few seconds on stderr while waiting (on a terminal: one line rewritten in place). */
function waiting(expiresInS: number): () => void {
  const started = Date.now();
  const tty = process.stderr.isTTY;
  const tick = () => {
    const left = Math.max(0, Math.round(expiresInS - (Date.now() - started) / 1000));
    const line = `waiting for the approval in the browser… (the code expires in ${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")})`;
    if (tty) process.stderr.write(`\r${line}\x1b[K`);
    else note(line);
  };
  tick();
  const timer = setInterval(tick, tty ? 1000 : 15_000);
  return () => {
    clearInterval(timer);
    if (tty) process.stderr.write("\r\x1b[K");
  };
}

/** The OpenID client (openid-client), loaded only by the commands that talk to the provider. */
const signIn = () => import("../session/sign-in.ts");

async function login(opts: LoginOptions): Promise<void> {
  const { deviceSignIn, discoverProvider, issuerOf } = await signIn();
  const dataDir = dataDirOf(opts);
  const issuer = issuerOf(opts);
  const config = await discoverProvider(issuer);
  let stopWaiting = () => {};
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  process.once("SIGINT", onSignal);
  let session: CliSession;
  try {
    session = await deviceSignIn(config, issuer, (p) => {
      showPrompt(opts, p);
      stopWaiting = waiting(p.expiresInS);
    }, abort.signal);
  } finally {
    stopWaiting();
    process.removeListener("SIGINT", onSignal);
  }
  // The provider signs in persons of the persons file; still, check before keeping the session.
  // Without a data folder (a provider given by --issuer, no bus yet) the provider's word stands.
  const person = existsSync(directoryPath(dataDir)) ? signedInPerson(session, cliPersons(opts)) : undefined;
  writeSession(dataDir, session);
  emit(opts, { ...describeSession(session, person), file: sessionPath(dataDir) }, (s) =>
    `${color.green("signed in")} as ${color.bold(s.name ?? s.person)} (${s.person})${s.organisation ? ` of ${s.organisation}, ${s.roles!.join(", ")}` : ""} until ${clock(s.expiresAt)}`);
}

function describeSession(session: CliSession, person: Person | undefined) {
  return {
    signedIn: !sessionExpired(session), person: session.person, name: person?.name ?? session.name ?? null,
    ...(person ? { organisation: person.organisation, roles: [...person.roles] } : {}),
    issuer: session.issuer, signedInAt: session.signedInAt, expiresAt: session.expiresAt, expired: sessionExpired(session),
  };
}

async function logout(opts: GlobalOptions): Promise<void> {
  const dataDir = dataDirOf(opts);
  const session = readSession(dataDir);
  if (!session) {
    emit(opts, { signedOut: false, reason: "not signed in" }, () => color.dim("not signed in: nothing to do"));
    return;
  }
  const revoked = await (await signIn()).revokeSession(session);
  removeSession(dataDir);
  emit(opts, { signedOut: true, person: session.person, revoked }, (r) =>
    `${color.green("signed out")} ${r.person}${r.revoked ? "" : color.dim(" (the provider could not be reached to revoke the token; it ends by itself at " + clock(session.expiresAt) + ")")}`);
}

async function whoami(opts: GlobalOptions): Promise<void> {
  const session = readSession(dataDirOf(opts));
  if (!session) {
    emit(opts, { signedIn: false }, () => `not signed in: commands act as the organisation's service ${color.dim("(npx schakel login to act as yourself)")}`);
    return;
  }
  const person = sessionExpired(session) ? undefined : signedInPerson(session, cliPersons(opts));
  const d = describeSession(session, person);
  emit(opts, d, (s) => s.expired
    ? color.yellow(`the sign-in as ${s.person} ended at ${clock(s.expiresAt)}: run "npx schakel login" again`)
    : [`${color.bold(s.name ?? s.person)} (${s.person}) of ${s.organisation} — ${s.roles!.join(", ")}`,
      color.dim(`signed in through ${s.issuer} until ${clock(s.expiresAt)}`)].join("\n"));
  if (d.expired) process.exitCode = EXIT.failure;
}

export function registerLogin(program: Command): void {
  program
    .command("login")
    .description("sign in as yourself (a code to enter in the browser); commands that act for a person then carry your name")
    .option("--issuer <url>", "the OpenID Provider (default: the one `schakel up` runs, from connection.json)")
    .option("--json", "print the result as JSON (the code and the address go to stderr)")
    .addHelpText("after", `
Signing in uses the OAuth device flow: open the address shown, enter the code, sign in. The
sign-in is kept in <data>/session.json (readable by you only) until it ends (8 hours on the
development provider) or "schakel logout". Acknowledging or posting notices, raising signals and
requesting or answering coordination then name you (pseudonymously) on the message; the person
must work for the organisation given with --as.`)
    .action((_o, cmd: Command) => login(cmd.optsWithGlobals<LoginOptions>()));
  program
    .command("logout")
    .description("end the sign-in: revoke the token at the provider and remove the session")
    .option("--json", "print the result as JSON")
    .action((_o, cmd: Command) => logout(cmd.optsWithGlobals<GlobalOptions>()));
  program
    .command("whoami")
    .description("who is signed in at this command line (exit 1 when the sign-in ended)")
    .option("--json", "print as JSON")
    .action((_o, cmd: Command) => whoami(cmd.optsWithGlobals<GlobalOptions>()));
}
