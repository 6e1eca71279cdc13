/**
 * Messages too large for the broker: refused before sending with an error that names the type,
 * the audience, the size and the limit and says what to do — whether the limit is the server's
 * max_payload (headers included) or the stream's max_msg_size — and nothing is stored.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SchakelError, sampleData, STREAMS } from "@schakel/contracts";
import { HEADERS, type Bus } from "@schakel/contracts/bus";
import { headerBytes as headerBytesOf } from "../src/bus/headers.ts";
import { startSchakelServer, type SchakelServer } from "@schakel/harness";
import { storedCount } from "./helpers.ts";

const MAX_PAYLOAD = 8_192;

describe("bus - payload limits", () => {
  let s: SchakelServer;
  let ocam: Bus;
  beforeAll(async () => {
    s = await startSchakelServer({ server: { maxPayload: MAX_PAYLOAD } });
    ocam = await s.connectAs("fed-ocam");
  });
  afterAll(() => s?.cleanup());

  /** A notice whose envelope body is exactly `bytes` long. */
  function noticeOfSize(bytes: number) {
    const data = (n: number) => ({ ...sampleData("notice.posted"), body: "x".repeat(n) });
    const overhead = ocam.prepare("notice.posted", data(1), { to: "mechelen" }).body.length - 1;
    const notice = data(bytes - overhead);
    expect(ocam.prepare("notice.posted", notice, { to: "mechelen" }).body.length).toBe(bytes);
    return notice;
  }

  const refusal = (p: Promise<unknown>) => p.then(() => undefined, (e: unknown) => e as SchakelError);

  it("bus - a message over max_payload is refused before sending, naming type, audience, size and limit", async () => {
    const jsm = await s.jsm();
    const before = await storedCount(jsm, STREAMS.coord.name);
    const error = await refusal(ocam.publish("notice.posted", noticeOfSize(12_000), { to: "mechelen" }));
    expect(error).toBeInstanceOf(SchakelError);
    expect(error!.code).toBe("payload-too-large");
    for (const part of ["notice.posted", '"mechelen"', `${MAX_PAYLOAD}`, "shorten"]) expect(error!.message).toContain(part);
    expect(await storedCount(jsm, STREAMS.coord.name)).toBe(before);
  });

  it("bus - the headers count: a body under the limit whose headers push it over is refused the same way", async () => {
    const error = await refusal(ocam.publish("notice.posted", noticeOfSize(MAX_PAYLOAD - 40), { to: "mechelen" }));
    expect(error?.code).toBe("payload-too-large");
    expect(error!.message).toContain(`${MAX_PAYLOAD}`);
    // Exactly at the limit, headers included, it is stored: the check is exact, not a safety margin.
    const probe = ocam.prepare("notice.posted", noticeOfSize(1_000), { to: "mechelen" });
    probe.headers.set(HEADERS.msgId, probe.envelope.id);
    const headerBytes = headerBytesOf(probe.headers);
    const fits = ocam.prepare("notice.posted", noticeOfSize(MAX_PAYLOAD - headerBytes), { to: "mechelen" });
    const ack = await ocam.send(fits);
    expect(ack.duplicate).toBe(false);
    const stored = await (await s.jsm()).streams.getMessage(STREAMS.coord.name, { seq: ack.seq });
    expect(stored!.data.length).toBe(MAX_PAYLOAD - headerBytes);
    // One byte more and it is refused.
    const over = await refusal(ocam.publish("notice.posted", noticeOfSize(MAX_PAYLOAD - headerBytes + 1), { to: "mechelen" }));
    expect(over?.code).toBe("payload-too-large");
  });

  it("bus - a stream whose max_msg_size is below max_payload refuses with a payload-too-large error naming the stream limit", async () => {
    const jsm = await s.jsm();
    const { config } = await jsm.streams.info(STREAMS.coord.name);
    await jsm.streams.update(STREAMS.coord.name, { ...config, max_msg_size: 4_096 });
    try {
      const before = await storedCount(jsm, STREAMS.coord.name);
      const error = await refusal(ocam.publish("notice.posted", noticeOfSize(5_000), { to: "mechelen" }));
      expect(error?.code).toBe("payload-too-large");
      expect(error!.message).toContain("max_msg_size");
      expect(error!.message).toContain("notice.posted");
      expect(await storedCount(jsm, STREAMS.coord.name)).toBe(before);
    } finally {
      await jsm.streams.update(STREAMS.coord.name, config);
    }
  });
});
