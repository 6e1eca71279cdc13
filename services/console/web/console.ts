/**
 * The console's only script, progressive enhancement over server-rendered pages: live rows in
 * the feed, live fragments (a notice's matrix), the bus banner, whole-row links, a notice still
 * being read in, and small conveniences. Every page works without it; with it, nothing needs a
 * reload.
 */
import { startBusBanner } from "./bus-banner.ts";
import { startLiveFeeds } from "./live-feed.ts";
import { startLiveFragments } from "./live-fragment.ts";
import { enhanceRowLinks, enhanceForms } from "./enhance.ts";
import { watchPendingNotice } from "./pending-notice.ts";

function start(): void {
  startBusBanner(document, [...startLiveFeeds(document), ...startLiveFragments(document), ...watchPendingNotice(document)]);
  enhanceRowLinks(document);
  enhanceForms(document);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
