/**
 * Case work in the console: the cases the signed-in person's organisation takes part in
 * (`GET /cases`, `GET /api/cases`: metadata only), one case (`GET /cases/:ref`,
 * `GET /api/cases/:ref`) and the LIVC-R compositions the organisation knows (`GET /livc`,
 * `GET /api/livc`). Cases and compositions are read from the organisation's own bucket through
 * the organisation library, never from the read model; the platform coordinator, whose
 * organisation takes part in no case, sees the case messages the platform read, as metadata.
 *
 * Who sees what: the case list is for persons whose role takes part in an LIVC-R for their
 * organisation (its compositions say which roles do) and for the platform coordinator; anyone else
 * gets 403. A case the organisation does not take part in is 404; an erased case is a page saying
 * so (410); a person whose role does not take part in the case's LIVC-R gets 403. A participant's
 * case page opens the content through `openCaseFile` with the person as reader (interface
 * "console"), which records the read before it opens anything; when recording fails nothing is
 * shown (503). Lists and metadata with case references are recorded through the read log first.
 *
 * A case page also lists the case's consultations the organisation asked or was asked (metadata,
 * with the question and answers opened for the participant, each opening recorded by the library
 * first; the platform coordinator sees the consultation messages as metadata). The cases handed
 * over to the municipality are listed under its cases; a hand-over's page (`/cases/:ref` of a
 * case handed over to it) opens the hand-over for a person whose role takes part in the
 * municipality's own LIVC-R, the read recorded first.
 */
import { Hono, type Context } from "hono";
import { html } from "hono/html";
import { ACTION_ROLES, CaseRef, SchakelError, type Person, type PersonRole } from "@schakel/contracts";
import { latestVersion, type CaseFile } from "@schakel/organisation";
import type { ShownRead } from "../audit/read-log.ts";
import { deny, isApiPath } from "../auth/denials.ts";
import { consultationsSection, handoverPage, handoversSection } from "../views/case-consultations.ts";
import { caseList, caseMetadataPage, erasedCasePage, openedCasePage } from "../views/cases.ts";
import { layout } from "../views/layout.ts";
import { livcPage } from "../views/livc.ts";
import {
  consultationRowsOf, handoverRowOf, platformConsultationRows, withContent, type ConsultationRow, type HandoverRow, type OpenedConsultationRow,
} from "./case-consultations.ts";
import { caseRowOf, platformCaseRows, shownFile, type CaseRow } from "./case-rows.ts";
import type { CaseWork } from "./case-work.ts";
import { frameOf, type ConsoleContext, type Env } from "./context.ts";
import { errorAnswer } from "./errors.ts";

/** How a person sees cases: as a participant (in these roles), as the platform (metadata), or not at all. */
type Access = { as: "participant" } | { as: "platform" } | { as: "none" };

const OPENING_ROLES: readonly PersonRole[] = ACTION_ROLES["open-case-content"];

export function caseRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  const directory = ctx.identities.directory;

  const work = (): CaseWork => {
    if (!ctx.caseWork) throw new SchakelError("unreachable", "this console runs without a bus connection, so it cannot read the organisations' cases: start it with the bus URL", {}, { retryable: false });
    if (ctx.busStatus?.down) throw new SchakelError("unreachable", `the bus at ${ctx.busStatus.state.url} cannot be reached, so the cases cannot be read now; try again when the banner is gone`, { url: ctx.busStatus.state.url });
    return ctx.caseWork;
  };
  const shown = (c: Context<Env>, what: ShownRead): Promise<void> => ctx.reads.shown(c.get("person"), what);

  /** A participant holds a role that may open case content and that an LIVC-R lists for the organisation. */
  const accessOf = async (person: Person): Promise<Access> => {
    const w = work();
    const taking = await w.participation(person.organisation);
    if (person.roles.some((r) => OPENING_ROLES.includes(r) && taking.has(r))) return { as: "participant" };
    return w.isPlatformCoordinator(person) ? { as: "platform" } : { as: "none" };
  };

  /** The role in which `person` opens content of the LIVC-R of `livc`: one that may open content and that its composition lists for the organisation. */
  const roleIn = async (person: Person, livc: string): Promise<PersonRole | undefined> => {
    const composition = (await work().compositions(person.organisation)).find((x) => x.municipality === livc);
    const listed = composition ? latestVersion(composition).members.find((m) => m.org === person.organisation)?.roles ?? [] : [];
    return OPENING_ROLES.find((r) => person.roles.includes(r) && listed.includes(r));
  };
  const roleFor = (person: Person, file: CaseFile): Promise<PersonRole | undefined> => roleIn(person, file.livc);

  /** The case's consultations for a participant: each opened for `reader` (recorded first by the library), metadata where it does not open. */
  const openedConsultations = async (org: string, caseRef: string, reader: { person: string; role: PersonRole; purpose: string }): Promise<(ConsultationRow | OpenedConsultationRow)[]> => {
    const { incoming, outgoing } = await work().consultations(org, caseRef);
    const rows: (ConsultationRow | OpenedConsultationRow)[] = [];
    for (const row of consultationRowsOf(org, incoming, outgoing)) {
      try {
        const opened = await work().openConsultation(org, row.consultationId, { ...reader, interface: "console" });
        rows.push(opened ? withContent(row, opened) : row);
      } catch (err) {
        // Sealed without this organisation, or under a key it no longer holds: the metadata stays.
        if (err instanceof SchakelError && err.code === "sealed") rows.push(row);
        else throw err;
      }
    }
    return rows;
  };

  const notTakingPart = (c: Context<Env>) => {
    const p = c.get("person");
    return deny(c, 403, "role-not-allowed", c.get("t").cases.notTakingPart(p.roles.join(", "), p.organisation));
  };

  const notFound = (c: Context<Env>, ref: string) => {
    if (isApiPath(c.req.path)) return errorAnswer(c, new SchakelError("not-found", `no case ${ref} is known to "${c.get("person").organisation}": it takes part only in the cases an LIVC-R opened for it`, { caseRef: ref }));
    const t = c.get("t");
    return c.html(layout(frameOf(ctx, c, t.cases.notFoundTitle, "cases"), html`<p data-not-found>${t.cases.notFound(ref)}</p>`), 404);
  };

  /** The case file as the organisation holds it, or undefined when it takes part in no such case. */
  const fileOf = async (org: string, ref: string): Promise<CaseFile | undefined> => {
    try {
      return await work().file(org, ref);
    } catch (err) {
      if (err instanceof SchakelError && err.code === "not-found") return undefined;
      throw err;
    }
  };

  /** The platform's metadata of one case, from the case messages it read. */
  const platformRow = (ref: string) => platformCaseRows(ctx.model.records.filter((r) => r.caseRef === ref));

  /** The rows of the case list for `access` (the read audit first). */
  const listRows = async (c: Context<Env>, access: Access, purpose: string): Promise<CaseRow[]> => {
    if (access.as === "platform") {
      const { rows, shown: records } = platformCaseRows(ctx.model.records);
      await shown(c, { kind: "record", purpose, records });
      return rows;
    }
    const files = await work().files(c.get("person").organisation);
    await shown(c, { kind: "record", purpose, records: files.map(shownFile) });
    const now = Date.now();
    return files.map((f) => caseRowOf(f, now));
  };

  /** The cases handed over to the person's municipality (metadata; the read audit first). */
  const handoverRows = async (c: Context<Env>, access: Access, purpose: string): Promise<HandoverRow[]> => {
    if (access.as !== "participant") return [];
    const transfers = await work().transfersIn(c.get("person").organisation);
    await shown(c, { kind: "record", purpose, records: transfers.map((t) => ({ id: t.message.id, caseRef: t.caseRef })) });
    return transfers.map((t) => handoverRowOf(t));
  };

  type CaseAnswer =
    | { kind: "not-found" } | { kind: "refused" }
    | { kind: "erased"; row: CaseRow }
    | { kind: "metadata"; row: CaseRow; consultations: ConsultationRow[] }
    | { kind: "handover"; row: HandoverRow; role: PersonRole }
    | { kind: "opened"; row: CaseRow; role: PersonRole; opened: Awaited<ReturnType<CaseWork["open"]>>; consultations: (ConsultationRow | OpenedConsultationRow)[] };

  /** One case for the signed-in person: opened (read recorded by the library first), metadata, erased, refused or unknown. */
  const caseFor = async (c: Context<Env>, ref: string, purpose: string): Promise<CaseAnswer> => {
    const person = c.get("person");
    // Not a case reference at all: no organisation holds such a case.
    if (!CaseRef.safeParse(ref).success) return { kind: "not-found" };
    const file = await fileOf(person.organisation, ref);
    if (!file) {
      const transfer = await work().transferIn(person.organisation, ref);
      if (transfer) {
        // Handed over to this municipality: its own LIVC-R decides who takes it up.
        const role = await roleIn(person, person.organisation);
        if (!role) return { kind: "refused" };
        const content = await work().openHandover(person.organisation, transfer, { person: person.id, role, interface: "console", purpose });
        return { kind: "handover", row: handoverRowOf(transfer, content), role };
      }
      if (!work().isPlatformCoordinator(person)) return { kind: "not-found" };
      const { rows, shown: records } = platformRow(ref);
      if (!rows[0]) return { kind: "not-found" };
      const consultations = platformConsultationRows(ctx.model.records, ref);
      await shown(c, { kind: "record", purpose, records: [...records, ...consultations.shown] });
      return { kind: "metadata", row: rows[0], consultations: consultations.rows };
    }
    const row = caseRowOf(file);
    if (file.erased) {
      await shown(c, { kind: "record", purpose, records: [shownFile(file), { id: file.erased.messageId, caseRef: ref }] });
      return { kind: "erased", row };
    }
    const role = await roleFor(person, file);
    if (!role) return { kind: "refused" };
    try {
      const opened = await work().open(person.organisation, ref, { person: person.id, role, interface: "console", purpose });
      const consultations = await openedConsultations(person.organisation, ref, { person: person.id, role, purpose });
      return { kind: "opened", row: caseRowOf(opened.file), role, opened, consultations };
    } catch (err) {
      // The composition or the case changed since it was read: refused or gone, as the library says.
      if (err instanceof SchakelError && err.code === "not-allowed") return { kind: "refused" };
      if (err instanceof SchakelError && err.code === "not-found") return { kind: "not-found" };
      throw err;
    }
  };

  app.get("/cases", async (c) => {
    const access = await accessOf(c.get("person"));
    if (access.as === "none") return notTakingPart(c);
    const rows = await listRows(c, access, "case list");
    const handovers = await handoverRows(c, access, "case list");
    const t = c.get("t");
    const org = c.get("person").organisation;
    return c.html(layout(frameOf(ctx, c, t.cases.title, "cases"), html`${caseList(rows, { org, platform: access.as === "platform", directory, t })}${handoversSection(handovers, { org, directory, t })}`));
  });

  app.get("/api/cases", async (c) => {
    const access = await accessOf(c.get("person"));
    if (access.as === "none") return notTakingPart(c);
    const items = await listRows(c, access, "GET /api/cases");
    const transfersIn = await handoverRows(c, access, "GET /api/cases");
    return c.json({ organisation: c.get("person").organisation, view: access.as, items, ...(access.as === "participant" ? { transfersIn } : {}) });
  });

  app.get("/cases/:ref", async (c) => {
    const ref = c.req.param("ref");
    const t = c.get("t");
    const answer = await caseFor(c, ref, "case page");
    switch (answer.kind) {
      case "not-found":
        return notFound(c, ref);
      case "refused":
        return notTakingPart(c);
      case "erased":
        return c.html(layout(frameOf(ctx, c, t.cases.erasedTitle(ref), "cases"), erasedCasePage(answer.row, { directory, t })), 410);
      case "metadata":
        return c.html(layout(frameOf(ctx, c, t.cases.caseTitle(ref), "cases"), caseMetadataPage(answer.row, { directory, t, consultations: consultationsSection(answer.consultations, { content: false, directory, t }) })));
      case "handover":
        return c.html(layout(frameOf(ctx, c, t.cases.handoverTitle(ref), "cases"), handoverPage(answer.row, { org: c.get("person").organisation, role: answer.role, directory, t })));
      case "opened":
        return c.html(layout(frameOf(ctx, c, t.cases.caseTitle(ref), "cases"), openedCasePage(answer.opened, answer.row, { role: answer.role, directory, t, consultations: consultationsSection(answer.consultations, { content: true, directory, t }) })));
    }
  });

  app.get("/api/cases/:ref", async (c) => {
    const ref = c.req.param("ref");
    const answer = await caseFor(c, ref, "GET /api/cases/:ref");
    switch (answer.kind) {
      case "not-found":
        return notFound(c, ref);
      case "refused":
        return notTakingPart(c);
      case "erased": {
        const error = new SchakelError("not-found", `case ${ref} was erased at ${answer.row.erased!.at}: its key is destroyed, its content opens nowhere any more`, { caseRef: ref, case: answer.row });
        return c.json({ error: error.toData() }, 410);
      }
      case "metadata":
        return c.json({ view: "platform", case: answer.row, consultations: answer.consultations });
      case "handover":
        return c.json({ view: "handover", role: answer.role, handover: answer.row });
      case "opened": {
        const { summary, tasks } = answer.opened;
        return c.json({ view: "participant", role: answer.role, case: answer.row, ...(summary !== undefined ? { summary } : {}), tasks, consultations: answer.consultations });
      }
    }
  });

  app.get("/livc", async (c) => {
    const org = c.get("person").organisation;
    const t = c.get("t");
    return c.html(layout(frameOf(ctx, c, t.livc.title, "livc"), livcPage(await work().compositions(org), { org, directory, t })));
  });

  app.get("/api/livc", async (c) => {
    const org = c.get("person").organisation;
    const items = (await work().compositions(org)).sort((a, b) => a.municipality.localeCompare(b.municipality));
    return c.json({ organisation: org, items });
  });

  return app;
}
