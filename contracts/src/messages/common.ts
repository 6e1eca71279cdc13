/** Field schemas shared by several message types. */
import { z } from "zod";

/** An ISO-8601 timestamp with an offset, e.g. 2026-11-28T10:00:00Z. */
export const Timestamp = z.iso.datetime({ offset: true });

export const Title = z.string().trim().min(3, "a title needs at least 3 characters").max(200);
export const Body = z.string().trim().min(1, "the text may not be empty").max(20_000);
export const Remark = z.string().trim().max(2_000);
