/** The reader's handle on the publisher process (publisher.ts): start it, run commands, stop it. */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { PublishCommand, PublisherSetup, PublishReport } from "./publisher.ts";

export interface PublisherProcess {
  /** Publishes per `cmd`; resolves with each message's send time (monotonic ms) and the sender's lag. */
  run(cmd: PublishCommand): Promise<{ sentAt: number[]; lateMs: number }>;
  stop(): Promise<void>;
}

export async function startPublisher(setup: PublisherSetup): Promise<PublisherProcess> {
  const child: ChildProcess = fork(fileURLToPath(new URL("./publisher.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "pipe", "ipc"],
  });
  let stderr = "";
  child.stderr?.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2_000)));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  const next = (): Promise<PublishReport & { ready?: boolean }> =>
    new Promise((resolve, reject) => {
      const onExit = () => reject(new Error(`the latency publisher exited: ${stderr.trim().slice(-400)}`));
      child.once("exit", onExit);
      child.once("message", (m: PublishReport & { ready?: boolean }) => {
        child.off("exit", onExit);
        resolve(m);
      });
    });
  const ready = next();
  child.send(setup);
  const first = await ready;
  if (first.error) throw new Error(`the latency publisher could not start: ${first.error}`);
  return {
    async run(cmd) {
      const reply = next();
      child.send(cmd);
      const r = await reply;
      if (r.error || !r.sentAt) throw new Error(`publishing for the ${cmd.side} side failed: ${r.error ?? "no send times"}`);
      return { sentAt: r.sentAt, lateMs: r.lateMs ?? 0 };
    },
    async stop() {
      if (child.exitCode === null) child.send("exit");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
