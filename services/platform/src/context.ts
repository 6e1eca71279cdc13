/** What the platform's parts share, and the events they report (for logs, metrics and tests). */
import type { TriageDecision } from "@schakel/contracts";
import type { Bus, KeyDirectory } from "@schakel/contracts/bus";
import type { Logger } from "@schakel/runtime";
import type { PlatformStores } from "./stores.ts";

export type PlatformEvent =
  | { kind: "obligation-opened"; key: string; owedBy: string; owedTo: string; deadline: string }
  | { kind: "obligation-closed"; key: string; late: boolean }
  | { kind: "escalation-decided"; key: string; escalationId: string }
  | { kind: "escalation-published"; key: string; escalationId: string; audience: string; messageId: string; duplicate: boolean }
  | { kind: "escalated"; key: string; escalationId: string }
  | { kind: "digest-item"; municipality: string; updateId: string }
  | { kind: "digest-closed"; municipality: string; digestId: string; items: number }
  | { kind: "digest-published"; municipality: string; digestId: string; items: number; messageId: string; duplicate: boolean }
  | { kind: "signal-queued"; signalId: string; raisedBy: string; proposal: TriageDecision }
  | { kind: "signal-triaged"; signalId: string; decision: TriageDecision; partner?: string }
  | { kind: "signal-info-provided"; signalId: string; state: string }
  | { kind: "watch-error"; watcher: string; key?: string; error: string };

export interface PlatformContext {
  org: string;
  bus: Bus;
  directory: KeyDirectory;
  log: Logger;
  stores: PlatformStores;
  /** Reports an event; never throws (an observer's error is logged and ignored). */
  emit(event: PlatformEvent): void;
}

/** Wraps an observer so that its errors cannot break the platform. */
export function safeEmitter(log: Logger, observer?: (e: PlatformEvent) => void): (e: PlatformEvent) => void {
  return (e) => {
    if (!observer) return;
    try {
      observer(e);
    } catch (err) {
      log.warn({ err: (err as Error)?.message ?? String(err), event: e.kind }, "platform event observer failed");
    }
  };
}
