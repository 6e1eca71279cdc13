/**
 * Where the provider keeps its state (sessions, interactions, codes, tokens, grants): in memory,
 * as a development provider may — `schakel up` restarting ends every provider session, and the
 * console's own sessions and the CLI's session file say so by expiring or asking to sign in again.
 *
 * Clients are not stored: the model "Client" asks `clients(id)` on every lookup, so the console's
 * redirect URI, known only once the console listens (its port may fall back to a free one), is
 * read when a request arrives. oidc-provider caches a client by the hash of its metadata, so a
 * changed redirect URI makes a new client and an unchanged one costs nothing.
 */
import type { Adapter, AdapterPayload } from "oidc-provider";

interface Entry {
  payload: AdapterPayload;
  /** ms since the epoch; undefined: until the process ends. */
  expiresAt: number | undefined;
}

/** One store shared by every model, with the indexes oidc-provider looks things up by. */
class Store {
  readonly entries = new Map<string, Entry>();
  readonly sessionByUid = new Map<string, string>();
  readonly byUserCode = new Map<string, string>();
  readonly byGrant = new Map<string, Set<string>>();

  private writes = 0;

  /** Every 500 writes, drops what has expired, so a long-running `up` does not grow without end. */
  wrote(): void {
    if (++this.writes % 500 !== 0) return;
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt !== undefined && entry.expiresAt <= now) this.entries.delete(key);
    for (const [grant, members] of this.byGrant) {
      for (const key of members) if (!this.entries.has(key)) members.delete(key);
      if (members.size === 0) this.byGrant.delete(grant);
    }
    for (const [uid, id] of this.sessionByUid) if (!this.entries.has(`Session:${id}`)) this.sessionByUid.delete(uid);
    for (const [code, id] of this.byUserCode) if (!this.entries.has(`DeviceCode:${id}`)) this.byUserCode.delete(code);
  }

  get(key: string): AdapterPayload | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt !== undefined && entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.payload;
  }
}

/** The models whose entries belong to a grant (revoked together). */
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest"]);

class MemoryAdapter implements Adapter {
  constructor(private readonly model: string, private readonly store: Store) {}

  private key(id: string): string {
    return `${this.model}:${id}`;
  }

  async upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    const key = this.key(id);
    this.store.wrote();
    this.store.entries.set(key, { payload, expiresAt: typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : undefined });
    if (this.model === "Session" && payload.uid) this.store.sessionByUid.set(payload.uid, id);
    if (payload.userCode) this.store.byUserCode.set(payload.userCode, id);
    if (GRANTABLE.has(this.model) && payload.grantId) {
      const members = this.store.byGrant.get(payload.grantId) ?? new Set<string>();
      members.add(key);
      this.store.byGrant.set(payload.grantId, members);
    }
  }

  async find(id: string): Promise<AdapterPayload | undefined> {
    return this.store.get(this.key(id));
  }

  async findByUid(uid: string): Promise<AdapterPayload | undefined> {
    const id = this.store.sessionByUid.get(uid);
    return id === undefined ? undefined : this.find(id);
  }

  async findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    const id = this.store.byUserCode.get(userCode);
    return id === undefined ? undefined : this.find(id);
  }

  async consume(id: string): Promise<void> {
    const payload = this.store.get(this.key(id));
    if (payload) payload.consumed = Math.floor(Date.now() / 1000);
  }

  async destroy(id: string): Promise<void> {
    const key = this.key(id);
    const payload = this.store.get(key);
    this.store.entries.delete(key);
    if (payload?.uid && this.store.sessionByUid.get(payload.uid) === id) this.store.sessionByUid.delete(payload.uid);
    if (payload?.userCode && this.store.byUserCode.get(payload.userCode) === id) this.store.byUserCode.delete(payload.userCode);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    for (const key of this.store.byGrant.get(grantId) ?? []) this.store.entries.delete(key);
    this.store.byGrant.delete(grantId);
  }
}

/** Client metadata as oidc-provider reads it (client_id, redirect_uris, …). */
export type ClientLookup = (id: string) => AdapterPayload | undefined;

/** Reads clients through `clients`; refuses to store one (there is no dynamic registration). */
class ClientAdapter extends MemoryAdapter {
  constructor(store: Store, private readonly clients: ClientLookup) {
    super("Client", store);
  }

  override async find(id: string): Promise<AdapterPayload | undefined> {
    return this.clients(id);
  }
}

/** The adapter factory for the provider's configuration: one store per provider. */
export function memoryAdapter(clients: ClientLookup): (model: string) => Adapter {
  const store = new Store();
  return (model) => (model === "Client" ? new ClientAdapter(store, clients) : new MemoryAdapter(model, store));
}
