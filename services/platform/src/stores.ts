/**
 * The platform's buckets, opened with the platform identity (it alone has full use of them).
 * The CLI and the console open them the same way to read the platform's view.
 */
import { BUCKETS } from "@schakel/contracts";
import type { Bus } from "@schakel/contracts/bus";
import { openBucket, RecordBucket } from "@schakel/contracts/bus";
import { DeliveryReceipt, DigestState, NoticeRecord, Obligation } from "./records.ts";

export interface PlatformStores {
  obligations: RecordBucket<typeof Obligation>;
  /** Delivery records of notices: key = notice id (each recipient's receipts: {@link deliveryReceipts}). */
  deliveries: RecordBucket<typeof NoticeRecord>;
  /** Digest windows: key = municipality id. */
  digests: RecordBucket<typeof DigestState>;
}

/**
 * Opens the platform's buckets. `bus` must be connected as the platform organisation; another
 * identity gets a permissions error from the broker on first use.
 */
export async function openPlatformStores(bus: Bus): Promise<PlatformStores> {
  const [obligations, deliveries, digests] = await Promise.all([
    openBucket(bus, BUCKETS.obligations), openBucket(bus, BUCKETS.deliveries), openBucket(bus, BUCKETS.digests),
  ]);
  return {
    obligations: new RecordBucket(obligations, Obligation, "obligation"),
    deliveries: new RecordBucket(deliveries, NoticeRecord, "notice delivery", "notice"),
    digests: new RecordBucket(digests, DigestState, "digest window", "municipality"),
  };
}

const receiptViews = new WeakMap<RecordBucket<typeof NoticeRecord>, RecordBucket<typeof DeliveryReceipt>>();

/**
 * Each recipient's receipts of the notices (`receipt.<noticeId>.<recipient>`), in the same bucket
 * as the notices' delivery records: whoever opened the platform's stores reads them too.
 */
export function deliveryReceipts(stores: Pick<PlatformStores, "deliveries">): RecordBucket<typeof DeliveryReceipt> {
  let view = receiptViews.get(stores.deliveries);
  if (!view) {
    view = new RecordBucket(stores.deliveries.kv, DeliveryReceipt, "delivery receipt", "receipt");
    receiptViews.set(stores.deliveries, view);
  }
  return view;
}
