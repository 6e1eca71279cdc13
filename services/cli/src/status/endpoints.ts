/**
 * Where the services' readiness and nats-server's monitoring are: `healthUrl` and `monitorUrl` in
 * the data folder's `connection.json`, written by `schakel up`. Read on every round (a restarted
 * `up` may listen elsewhere), and used only when the file describes the bus the command reads: a
 * `--server` elsewhere has endpoints nobody wrote down. A missing or unreadable file gives none.
 */
import { existsSync, readFileSync } from "node:fs";
import { z } from "zod";
import { connectionPath, dataDirOf, type GlobalOptions } from "../context.ts";
import type { Endpoints } from "./gather.ts";

const Written = z.object({ url: z.string(), monitorUrl: z.string().optional(), healthUrl: z.string().optional() }).passthrough();

export function readEndpoints(opts: GlobalOptions, busUrl: string): Endpoints {
  const path = connectionPath(dataDirOf(opts));
  if (!existsSync(path)) return {};
  let parsed;
  try {
    parsed = Written.safeParse(JSON.parse(readFileSync(path, "utf8")));
  } catch {
    return {};
  }
  if (!parsed.success || parsed.data.url !== busUrl) return {};
  return { monitorUrl: parsed.data.monitorUrl, healthUrl: parsed.data.healthUrl };
}
