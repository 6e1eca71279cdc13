/**
 * The audit log file: one JSON record per line, append-only, fsync'ed before the messages it
 * records are acknowledged (so a crash can repeat a record's message, never lose it — repeats are
 * recognised by stream sequence). Lives under the data folder: `<data>/audit/chain.jsonl`.
 */
import { createReadStream, existsSync } from "node:fs";
import { mkdir, open, type FileHandle } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { AuditRecord, GENESIS, toLine } from "./record.ts";

export const auditLogPath = (dataDir: string): string => join(dataDir, "audit", "chain.jsonl");

/** Where the chain stands: the next index, the last hash, and the last sequence seen per stream. */
export interface ChainHead {
  next: number;
  hash: string;
  lastSeq: Map<string, number>;
}

/** Reads a log line by line (for recovery and verification); yields raw lines with their numbers. */
export async function* logLines(path: string): AsyncGenerator<{ line: number; text: string }> {
  if (!existsSync(path)) return;
  const rl = createInterface({ input: createReadStream(path, { encoding: "utf8" }), crlfDelay: Infinity });
  let line = 0;
  for await (const text of rl) {
    line++;
    if (text.trim() !== "") yield { line, text };
  }
}

/**
 * The head of an existing log. The auditor refuses to extend a log that does not verify: a chain
 * appended to a tampered log would launder the tampering.
 */
export async function readHead(path: string): Promise<ChainHead> {
  const head: ChainHead = { next: 0, hash: GENESIS, lastSeq: new Map() };
  for await (const { line, text } of logLines(path)) {
    const parsed = AuditRecord.safeParse(JSON.parse(text));
    if (!parsed.success || parsed.data.i !== head.next || parsed.data.prev !== head.hash) {
      throw new Error(`the audit log ${path} is damaged at line ${line}: run "schakel audit verify ${path}" and keep the file as evidence; start a new log in another data folder`);
    }
    head.next++;
    head.hash = parsed.data.hash;
    head.lastSeq.set(parsed.data.stream, parsed.data.seq);
  }
  return head;
}

/** An open log: append records, then `sync()` before acknowledging what they record. */
export class AuditLogWriter {
  private constructor(private readonly fh: FileHandle) {}

  static async open(path: string): Promise<AuditLogWriter> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    return new AuditLogWriter(await open(path, "a", 0o600));
  }

  async append(records: readonly AuditRecord[]): Promise<void> {
    if (records.length) await this.fh.write(records.map(toLine).join(""));
  }

  async sync(): Promise<void> {
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}
