/**
 * Live fragments: an element with `data-live-fragment` subscribes to server-sent events at that
 * URL; each `fragment` event carries the element's new HTML, rendered by the server (e.g. a
 * notice's recipients matrix after an acknowledgement). Focus inside is kept where possible.
 * Returns the streams it opened.
 */
export function startLiveFragments(root: Document): EventSource[] {
  const sources: EventSource[] = [];
  for (const el of root.querySelectorAll<HTMLElement>("[data-live-fragment]")) {
    const source = new EventSource(el.dataset.liveFragment!);
    sources.push(source);
    source.addEventListener("fragment", (e) => {
      const focusedId = document.activeElement && el.contains(document.activeElement) ? document.activeElement.id : "";
      el.innerHTML = (e as MessageEvent<string>).data;
      el.dataset.updated = String(Date.now());
      if (focusedId) document.getElementById(focusedId)?.focus();
    });
    window.addEventListener("pagehide", () => source.close());
  }
  return sources;
}
