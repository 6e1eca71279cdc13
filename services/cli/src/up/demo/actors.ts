/**
 * The organisations that act in the demo, each on its own connection with its own credentials —
 * exactly as their officials would through the CLI — opened on first use and closed at the end.
 */
import { connectBus, readCredentials, type Bus, type KeyDirectory } from "@schakel/contracts/bus";
import { credentialsPath } from "@schakel/infra";
import { caseKeyStoreAt, nameNewestGlossary, orgState, useCaseKeys } from "@schakel/organisation";

export class Actors {
  #buses = new Map<string, Promise<Bus>>();
  constructor(private readonly url: string, private readonly dataDir: string, readonly directory: KeyDirectory) {}

  /** The connection of `org` (opened once). */
  as(org: string): Promise<Bus> {
    let bus = this.#buses.get(org);
    if (!bus) {
      bus = readCredentials(credentialsPath(this.dataDir, org)).then((credentials) =>
        connectBus({ servers: this.url, credentials, directory: this.directory, name: `schakel-demo:${org}` }))
        .then((b) => (useCaseKeys(b, caseKeyStoreAt(this.dataDir, org)), b));
      this.#buses.set(org, bus);
    }
    return bus;
  }

  /**
   * Makes every open connection name the newest glossary version its organisation holds now, as a
   * connection opened afresh (a CLI command) would: the demo's connections outlive an adoption.
   */
  async nameNewestGlossary(): Promise<void> {
    await Promise.allSettled([...this.#buses.values()].map(async (b) => {
      const bus = await b;
      await nameNewestGlossary(bus, (await orgState(bus)).notices.kv);
    }));
  }

  async close(): Promise<void> {
    const all = [...this.#buses.values()];
    this.#buses.clear();
    await Promise.allSettled(all.map(async (b) => (await b).close()));
  }
}
