/**
 * A notice posted a moment ago that the console has not read into its record yet: its page
 * (`[data-pending-notice]`, the notice's live stream) loads itself again at the stream's first
 * `fragment`, which comes once the notice is read in (at once, if it was read in while the page
 * loaded), so the poster sees the notice without reloading by hand. Returns the stream it opened
 * (the bus banner listens on it too).
 */
export function watchPendingNotice(root: Document): EventSource[] {
  const el = root.querySelector<HTMLElement>("[data-pending-notice]");
  if (!el) return [];
  const source = new EventSource(el.dataset.pendingNotice!);
  source.addEventListener("fragment", () => {
    source.close();
    window.location.reload();
  });
  window.addEventListener("pagehide", () => source.close());
  return [source];
}
