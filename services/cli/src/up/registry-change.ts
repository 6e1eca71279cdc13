/**
 * A registry change applied to a running `schakel up`. `schakel identities generate` writes the keys,
 * the directory and the server config; a change that adds or removes organisations (accounts) also
 * needs nats-server to restart, because nats-server 2.9 wires an account's imports only at start —
 * and the server belongs to `up`. So the command leaves a request in the data folder's run
 * directory (private to its owner, like the keys) and waits for the answer; `up` restarts its server
 * on the same ports with the same store, provisions the new organisations' consumers and buckets,
 * starts their services and stops (drains) those of the organisations that left, then answers.
 * One request at a time; a request that nobody answers times out with what to do.
 */
import { randomUUID } from "node:crypto";
import { existsSync, unwatchFile, watchFile } from "node:fs";
import { readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { embeddedPaths, writeWhole } from "@schakel/infra";

const Request = z.object({
  id: z.string(),
  /** The registry file to apply (absolute); absent: the default registry. */
  registry: z.string().optional(),
  requestedAt: z.string(),
});
export type RegistryChangeRequest = z.infer<typeof Request>;

const Answer = z.object({
  id: z.string(),
  /** How long the server was away, ms. */
  restartMs: z.number(),
  /** Organisations whose services started, and whose services stopped. */
  started: z.array(z.string()),
  stopped: z.array(z.string()),
  /** Why the change could not be applied in full; absent when it was. */
  error: z.string().optional(),
});
export type RegistryChangeAnswer = z.infer<typeof Answer>;

const requestFile = (dataDir: string): string => join(embeddedPaths(dataDir).runDir, "registry-change.request.json");
const answerFile = (dataDir: string): string => join(embeddedPaths(dataDir).runDir, "registry-change.answer.json");

/** Written whole or not at all: a reader never sees half a file. */
const writeJson = (path: string, value: object): Promise<void> => writeWhole(path, JSON.stringify(value) + "\n", 0o600);

/** The file's content as `schema` reads it; undefined when it is missing, not JSON or not that shape. */
async function readParsed<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await readFile(path, "utf8").catch(() => undefined);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** The command's side: asks the running `up` to apply `registry` and waits for its answer. */
export async function requestRegistryChange(dataDir: string, registry: string | undefined, timeoutMs: number): Promise<RegistryChangeAnswer> {
  const id = randomUUID();
  await rm(answerFile(dataDir), { force: true });
  await writeJson(requestFile(dataDir), { id, ...(registry ? { registry } : {}), requestedAt: new Date().toISOString() });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const answer = await readParsed(answerFile(dataDir), Answer);
    if (answer?.id === id) return answer;
    await new Promise((r) => setTimeout(r, 100));
  }
  await rm(requestFile(dataDir), { force: true });
  throw new Error(`"schakel up" did not apply the registry change within ${Math.round(timeoutMs / 1000)} s: see its output and ${embeddedPaths(dataDir).logFile}; stopping and starting it again applies the change too`);
}

/** A request left from before this `up` started is stale: its command has given up waiting. */
export async function clearStaleRegistryChange(dataDir: string): Promise<void> {
  await rm(requestFile(dataDir), { force: true });
}

/**
 * `up`'s side: takes each request as it arrives (the file is polled every `intervalMs`), applies it
 * with `apply` and answers. Returns a function that stops following.
 */
export function followRegistryChanges(
  dataDir: string,
  apply: (request: RegistryChangeRequest) => Promise<Omit<RegistryChangeAnswer, "id">>,
  intervalMs = 250,
): () => void {
  const path = requestFile(dataDir);
  let busy = false;
  const take = async (): Promise<void> => {
    if (busy || !existsSync(path)) return;
    busy = true;
    try {
      const request = await readParsed(path, Request);
      await rm(path, { force: true });
      if (!request) return;
      const answer = await apply(request).catch((err: unknown) => ({ restartMs: 0, started: [], stopped: [], error: (err as Error).message }));
      await writeJson(answerFile(dataDir), { id: request.id, ...answer });
    } finally {
      busy = false;
    }
  };
  const listener = (): void => void take();
  watchFile(path, { interval: intervalMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}
