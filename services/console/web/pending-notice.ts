/**
 * A notice posted a moment ago that the console has not read into its record yet: its page
 * (`[data-pending-notice]`, the address that says whether it is read in) asks every two seconds and
 * loads itself again once it is, so the poster sees the notice without reloading by hand. Once the
 * console no longer knows it as on its way (two minutes), the page loads again to say so.
 */
const EVERY_MS = 2_000;

export function watchPendingNotice(root: Document): void {
  const el = root.querySelector<HTMLElement>("[data-pending-notice]");
  if (!el) return;
  const url = el.dataset.pendingNotice!;
  const look = async (): Promise<void> => {
    try {
      const res = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
      const answer = res.ok ? ((await res.json()) as { state?: string }) : undefined;
      if (res.status === 404 || answer?.state === "read-in") return window.location.reload();
    } catch {
      // The bus banner tells about an outage; asking again is all there is to do.
    }
    setTimeout(look, EVERY_MS);
  };
  setTimeout(look, EVERY_MS);
}
