/**
 * Live feed rows: each `tbody[data-live-feed]` subscribes to the server-sent events at its URL
 * (the server applies the page's filters and the viewpoint) and puts each new row on top. Rows
 * arrive already rendered by the server, so live and reloaded rows look the same.
 */
interface RowEvent {
  pos: number;
  html: string;
}

const DEFAULT_MAX_ROWS = 200;

function setStatus(root: ParentNode, state: "live" | "reconnecting"): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-live-status]")) {
    el.dataset.state = state;
    el.textContent = state === "live" ? "live" : "reconnecting…";
  }
}

/** Subscribes every live feed table in `root`. */
export function startLiveFeeds(root: Document): void {
  for (const body of root.querySelectorAll<HTMLTableSectionElement>("tbody[data-live-feed]")) {
    const url = body.dataset.liveFeed!;
    const max = Number(body.dataset.maxRows ?? DEFAULT_MAX_ROWS);
    const source = new EventSource(url);
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
      const total = root.querySelector<HTMLElement>("[data-total]");
      if (total) {
        const n = Number(total.dataset.total ?? "0") + 1;
        total.dataset.total = String(n);
        total.textContent = n.toLocaleString("en-GB");
      }
    });
    window.addEventListener("pagehide", () => source.close());
  }
}
