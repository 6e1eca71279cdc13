/** Small conveniences: whole table rows as links, and focus on an error summary. */

/** A click anywhere on a `tr[data-href]` follows it (the link inside stays the keyboard path). */
export function enhanceRowLinks(root: Document): void {
  root.addEventListener("click", (e) => {
    const target = e.target as HTMLElement;
    if (target.closest("a, button, input, select, label")) return;
    const row = target.closest<HTMLTableRowElement>("tr[data-href]");
    if (!row || window.getSelection()?.toString()) return;
    window.location.assign(row.dataset.href!);
  });
}

/** An error summary (after a refused form) takes focus, so it is read out first. */
export function enhanceForms(root: Document): void {
  root.querySelector<HTMLElement>("[data-focus]")?.focus();
}
