/**
 * An organisation's credentials file, followed while its process runs. After `schakel identities
 * rotate` the file holds a new signing seed and the broker refuses the old one: a bus connected
 * with a {@link CredentialsSource} (bus.ts, `credentialsSource`) asks it again before every
 * authentication and signs with what it holds now, so the process goes on without a restart.
 * A file that does not read as this organisation's credentials (half-written, another
 * organisation's) is reported and ignored: the credentials held so far stay.
 */
import { readFileSync, unwatchFile, watchFile, type Stats } from "node:fs";
import { SchakelError } from "../errors.ts";
import { OrgCredentials } from "./credentials.ts";
import { fileChanged } from "./directory.ts";

/** An organisation's credentials, which may change while a connection lives (a rotated key). */
export interface CredentialsSource {
  /** The organisation; it never changes. */
  readonly org: string;
  /** The credentials held now. Cheap: asked for every message signed. */
  current(): OrgCredentials;
  /** Looks at the source again and returns the credentials held then: asked before every authentication. */
  refresh(): OrgCredentials;
}

export interface FollowCredentialsOptions {
  /** Told when new credentials (another seed) were taken up. */
  onChange?: (credentials: OrgCredentials) => void;
  /** Told once per problem when the file cannot be taken up (the credentials held so far stay). */
  onError?: (err: SchakelError) => void;
  /** How often the file's status is polled, in ms (default 1000). */
  intervalMs?: number;
}

/** A credentials file followed by polling its status (fs.watchFile: works where file events do not, e.g. network mounts). */
export class CredentialsFile implements CredentialsSource {
  #current: OrgCredentials;
  /** The last problem reported, so that each one is reported once and not at every reconnect. */
  #problem: string | undefined;
  readonly #opts: FollowCredentialsOptions;
  // fs.watchFile also reports reads (access time): only a changed file is read again.
  readonly #listener = (now: Stats, before: Stats): void => void (fileChanged(now, before) && this.refresh());

  private constructor(readonly path: string, initial: OrgCredentials, opts: FollowCredentialsOptions) {
    this.#current = initial;
    this.#opts = opts;
  }

  /**
   * Follows `path`, starting from `initial` (the credentials already read from it and checked,
   * e.g. with readCredentials). Call {@link stop} when done; the polling does not keep the process alive.
   */
  static follow(path: string, initial: OrgCredentials, opts: FollowCredentialsOptions = {}): CredentialsFile {
    const file = new CredentialsFile(path, initial, opts);
    watchFile(path, { interval: opts.intervalMs ?? 1_000, persistent: false }, file.#listener);
    return file;
  }

  /**
   * The file read only when the bus authenticates (a connect or reconnect), never polled: for a
   * process that runs hundreds of organisations (`schakel up`). After a rotation the server closes
   * the connection with the old key, and the reconnect takes up the new file.
   */
  static onDemand(path: string, initial: OrgCredentials, opts: Omit<FollowCredentialsOptions, "intervalMs"> = {}): CredentialsFile {
    return new CredentialsFile(path, initial, opts);
  }

  get org(): string {
    return this.#current.org;
  }

  current(): OrgCredentials {
    return this.#current;
  }

  /** Reads the file now; takes up valid credentials of the same organisation, else reports why and keeps the ones held. */
  refresh(): OrgCredentials {
    const read = this.#read();
    if (read instanceof SchakelError) {
      if (read.message !== this.#problem) this.#opts.onError?.(read);
      this.#problem = read.message;
      return this.#current;
    }
    this.#problem = undefined;
    if (read.seed !== this.#current.seed || read.curveSeed !== this.#current.curveSeed) {
      this.#current = read;
      this.#opts.onChange?.(read);
    }
    return this.#current;
  }

  /** Stops following the file (the credentials held stay readable). */
  stop(): void {
    unwatchFile(this.path, this.#listener);
  }

  #read(): OrgCredentials | SchakelError {
    const org = this.#current.org;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(this.path, "utf8"));
    } catch (cause) {
      return new SchakelError("schema", `credentials file ${this.path} cannot be read as JSON (${(cause as Error).message}): keeping the credentials of ${org} held so far; put the complete file in place`, { path: this.path, org }, { cause });
    }
    const parsed = OrgCredentials.safeParse(raw);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((i) => i.path.join(".") || "(file)").join(", ");
      return new SchakelError("schema", `credentials file ${this.path} is invalid (${fields}): keeping the credentials of ${org} held so far; put the file "schakel identities" wrote in place`, { path: this.path, org });
    }
    if (parsed.data.org !== org) {
      return new SchakelError("unknown-organisation", `credentials file ${this.path} now holds the credentials of "${parsed.data.org}", not "${org}": keeping the ones held so far; put ${org}'s file back`, { path: this.path, org });
    }
    return parsed.data;
  }
}
