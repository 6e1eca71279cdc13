/**
 * The console's only script, progressive enhancement over server-rendered pages: live rows in
 * the feed, live fragments (a notice's matrix), whole-row links, and small conveniences. Every
 * page works without it; with it, nothing needs a reload.
 */
import { startLiveFeeds } from "./live-feed.ts";
import { startLiveFragments } from "./live-fragment.ts";
import { enhanceRowLinks, enhanceForms } from "./enhance.ts";

function start(): void {
  startLiveFeeds(document);
  startLiveFragments(document);
  enhanceRowLinks(document);
  enhanceForms(document);
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
