/**
 * What `schakel up` does with a registry change that added or removed organisations (asked for by
 * `schakel identities generate`, registry-change.ts): the directory is read again (so every service
 * verifies the new organisations' keys; the auditor follows the file itself), the services of the
 * organisations that left are stopped while the server still serves them, the server restarts on
 * the same ports with the same store (the services, the gate and the auditor reconnect on their
 * own), the new organisations' consumers and bucket are provisioned and their services started.
 * Their data stays when organisations leave: erasure is its own step (`schakel case erase`).
 */
import type { KeyDirectory } from "@schakel/contracts/bus";
import { directoryPath, loadRegistry } from "@schakel/infra";
import type { LevelServices } from "@schakel/stack";
import type { RunningBus } from "./bus.ts";
import { OrganisationsProvisioned } from "./organisations-provisioned.ts";
import type { RegistryChangeAnswer, RegistryChangeRequest } from "./registry-change.ts";

export interface RunningParts {
  dataDir: string;
  bus: RunningBus;
  directory: KeyDirectory;
  services: LevelServices | undefined;
  say: (line: string) => void;
}

export async function applyRegistryChange(parts: RunningParts, request: RegistryChangeRequest): Promise<Omit<RegistryChangeAnswer, "id">> {
  const registry = loadRegistry(request.registry);
  parts.directory.replaceFromFile(directoryPath(parts.dataDir));
  const stopped = (await parts.services?.stopDeparted()) ?? [];
  if (stopped.length) parts.say(`registry change: stopped the services of ${stopped.join(", ")}`);
  const organisations = new OrganisationsProvisioned(registry.organisations.map((o) => o.id));
  const { restartMs, provisioned } = await parts.bus.applyRegistry(registry, (org) => organisations.done(org));
  parts.say(`registry change: nats-server restarted in ${(restartMs / 1000).toFixed(1)} s to wire ${registry.organisations.length} organisations' accounts`);
  provisioned.catch((err: unknown) => organisations.failed(err));
  const started = (await parts.services?.startArrived((org) => organisations.of(org))) ?? [];
  await provisioned;
  if (started.length) parts.say(`registry change: started the services of ${started.join(", ")}`);
  return { restartMs: Math.round(restartMs), started, stopped };
}
