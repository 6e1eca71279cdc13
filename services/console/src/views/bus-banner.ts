/**
 * The banner every page carries while the bus cannot be reached: which bus, since when, that the
 * console keeps trying, and how current the record on screen is. Rendered here for fresh page
 * loads and for the live `bus` event, so both look the same. Empty while the bus is up.
 */
import { html } from "hono/html";
import type { BusState } from "../ingest/bus-status.ts";
import type { Messages } from "../i18n/messages.ts";
import { time, type Html } from "./format.ts";

/** Where open pages without a live stream of their own learn about the bus. */
export const BUS_STREAM = "/live/bus";

/** The banner's text, or "" while the bus is up. */
export function busBannerText(state: BusState, t: Messages): Html | string {
  if (state.bus === "up") return "";
  const record = state.lastMessageAt === undefined ? t.bus.noMessage : t.bus.recordAsOf(time(state.lastMessageAt, t));
  return html`<p><span class="sign" aria-hidden="true">!</span> ${t.bus.down(state.url, time(state.since, t), record)}</p>`;
}

/** The banner region (an alert, announced when its text appears), or nothing without a bus. */
export function busBanner(state: BusState | undefined, t: Messages): Html | string {
  if (!state) return "";
  return html`<div class="bus-banner" id="bus-banner" role="alert" data-bus-banner="${BUS_STREAM}" data-state="${state.bus}">${busBannerText(state, t)}</div>`;
}
