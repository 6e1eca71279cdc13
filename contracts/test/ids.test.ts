/**
 * Ids draw their random bits from a pool that the CSPRNG refills: across many refills every id
 * keeps its format and its random bits, and no bytes are ever handed out twice.
 */
import { describe, expect, it } from "vitest";
import { MessageId, newMessageId, newSpanId, newTraceId, TraceId } from "../src/ids.ts";

describe("ids from the random pool", () => {
  it("makes UUIDv7 message ids with the time in front, version 7 and the RFC variant", () => {
    const now = Date.UTC(2026, 10, 28, 12, 0, 0, 123);
    const id = newMessageId(now);
    expect(MessageId.safeParse(id).success).toBe(true);
    expect(Number.parseInt(id.replace(/-/g, "").slice(0, 12), 16)).toBe(now);
    expect(id[14]).toBe("7");
    expect("89ab").toContain(id[19]);
  });

  it("never repeats an id or its random bits across many pool refills", () => {
    const now = Date.now();
    const ids = new Set<string>();
    const randomParts = new Set<string>();
    const traces = new Set<string>();
    const spans = new Set<string>();
    // 3 × 5,000 draws of 40 bytes: dozens of 4 KB refills, interleaved like a publish draws them.
    for (let i = 0; i < 5_000; i++) {
      const id = newMessageId(now);
      ids.add(id);
      randomParts.add(id.slice(14));
      const trace = newTraceId();
      expect(TraceId.safeParse(trace).success).toBe(true);
      traces.add(trace);
      const span = newSpanId();
      expect(span).toMatch(/^[0-9a-f]{16}$/);
      spans.add(span);
    }
    expect(ids.size).toBe(5_000);
    expect(randomParts.size).toBe(5_000);
    expect(traces.size).toBe(5_000);
    expect(spans.size).toBe(5_000);
    // No trace id shares bytes with a span id drawn before or after it.
    const spanHex = [...spans].join(" ");
    for (const t of [...traces].slice(0, 200)) expect(spanHex.includes(t.slice(0, 16))).toBe(false);
  });

  it("spreads the random bits (no stuck or zeroed bytes)", () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 2_000; i++) for (const ch of newTraceId()) counts[Number.parseInt(ch, 16)]!++;
    // 64,000 hex digits, 4,000 expected per digit.
    for (const c of counts) expect(c).toBeGreaterThan(3_400);
  });
});
