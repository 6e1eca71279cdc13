/**
 * The bus banner, live: every server-sent stream carries `bus` events with the bus's state and
 * the banner rendered by the server. The page listens on the streams it already has open (a live
 * feed, a live fragment) and opens the banner's own stream only when it has none, so the banner
 * appears and clears without a reload on every page. A live feed says it is paused meanwhile.
 */
import { setStatus } from "./live-feed.ts";

interface BusEvent {
  bus: "up" | "down";
  html: string;
}

/** Shows the state of `event` in every banner of `root` and on the live feed's badge. */
function show(root: Document, event: BusEvent): void {
  setStatus(root, event.bus === "down" ? "paused" : "live");
  const next = document.createElement("template");
  next.innerHTML = event.html;
  for (const banner of root.querySelectorAll<HTMLElement>("[data-bus-banner]")) {
    // The same words again (a stream reconnected) are not replaced: an alert is read out anew.
    if (banner.dataset.state === event.bus && banner.textContent === next.content.textContent) continue;
    banner.dataset.state = event.bus;
    banner.innerHTML = event.html;
  }
}

/** Follows the bus's state on `sources`, or on the banner's own stream when there are none. */
export function startBusBanner(root: Document, sources: EventSource[]): void {
  const banner = root.querySelector<HTMLElement>("[data-bus-banner]");
  if (!banner) return;
  const watched = sources.length ? sources : [new EventSource(banner.dataset.busBanner!)];
  for (const source of watched) {
    source.addEventListener("bus", (e) => show(root, JSON.parse((e as MessageEvent<string>).data) as BusEvent));
  }
  if (!sources.length) window.addEventListener("pagehide", () => watched[0]!.close());
}
