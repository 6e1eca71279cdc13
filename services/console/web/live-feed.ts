/**
 * Live feed rows: each `tbody[data-live-feed]` subscribes to the server-sent events at its URL
 * (the server applies the page's filters and the viewpoint) and puts each new row on top. Rows
 * arrive already rendered by the server (in the page's language), so live and reloaded rows look
 * the same. Screen readers hear a short summary ("3 new messages") in a polite status region, at
 * most once every few seconds, never each row.
 */
interface RowEvent {
  pos: number;
  html: string;
}

const DEFAULT_MAX_ROWS = 200;

const ANNOUNCE_EVERY_MS = 5_000;

type LiveState = "live" | "reconnecting" | "paused";
const DATA_KEY = { live: "textLive", reconnecting: "textReconnecting", paused: "textPaused" } as const;

/** Shows whether the feed is live, its stream reconnecting, or the bus away (nothing can arrive). */
export function setStatus(root: ParentNode, state: LiveState): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-live-status]")) {
    el.dataset.state = state;
    el.textContent = el.dataset[DATA_KEY[state]] ?? state;
  }
}

/** Gathers new rows and tells screen readers how many arrived, at most every few seconds. */
function announcer(root: Document): () => void {
  const region = root.querySelector<HTMLElement>("[data-live-announce]");
  let pending = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    if (!region || pending === 0) return;
    region.textContent = (region.dataset.liveAnnounce ?? "{n}").replace("{n}", pending.toLocaleString(root.documentElement.lang));
    pending = 0;
  };
  return () => {
    pending++;
    timer ??= setTimeout(flush, ANNOUNCE_EVERY_MS);
  };
}

/** Subscribes every live feed table in `root`; returns their streams. */
export function startLiveFeeds(root: Document): EventSource[] {
  const sources: EventSource[] = [];
  const announce = announcer(root);
  for (const body of root.querySelectorAll<HTMLTableSectionElement>("tbody[data-live-feed]")) {
    const url = body.dataset.liveFeed!;
    const max = Number(body.dataset.maxRows ?? DEFAULT_MAX_ROWS);
    const source = new EventSource(url);
    sources.push(source);
    source.addEventListener("open", () => setStatus(root, "live"));
    source.addEventListener("error", () => setStatus(root, "reconnecting"));
    source.addEventListener("row", (e) => {
      const row = JSON.parse((e as MessageEvent<string>).data) as RowEvent;
      if (body.querySelector(`tr[data-pos="${row.pos}"]`)) return;
      const template = document.createElement("template");
      template.innerHTML = row.html.trim();
      const tr = template.content.firstElementChild;
      if (!tr) return;
      tr.classList.add("fresh");
      body.prepend(tr);
      while (body.rows.length > max) body.deleteRow(body.rows.length - 1);
      body.closest("section, main")?.querySelector(".empty")?.remove();
      announce();
      const total = root.querySelector<HTMLElement>("[data-total]");
      if (total) {
        const n = Number(total.dataset.total ?? "0") + 1;
        total.dataset.total = String(n);
        total.textContent = n.toLocaleString(root.documentElement.lang);
      }
    });
    window.addEventListener("pagehide", () => source.close());
  }
  return sources;
}
