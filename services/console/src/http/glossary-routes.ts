/**
 * The glossary in the console (`GET /glossary[?version=N]`, `GET /api/glossary[?version=N]`): the
 * versions the console read from the bus (`model/glossary.ts`), and those the signed-in person's
 * organisation recorded when the console holds its connection.
 */
import { Hono, type Context } from "hono";
import { SchakelError, type GlossaryRecord } from "@schakel/contracts";
import { glossaryShelf, orgState } from "@schakel/organisation";
import { consoleGlossary, learnGlossary } from "../model/glossary.ts";
import { layout } from "../views/layout.ts";
import { glossaryPage } from "../views/glossary.ts";
import { frameOf, intParam, type ConsoleContext, type Env } from "./context.ts";
import { asSchakelError, errorAnswer } from "./errors.ts";

export function glossaryRoutes(ctx: ConsoleContext): Hono<Env> {
  const app = new Hono<Env>();
  /** Organisations whose recorded versions were read: once each, as later versions reach the console at ingest (again after a failure). */
  const learned = new Map<string, Promise<void>>();
  const learnRecorded = (org: string): Promise<void> | undefined => {
    const publisher = ctx.publisher;
    if (!publisher || learned.has(org)) return learned.get(org);
    const reading = (async () => {
      const own = await glossaryShelf(await orgState(await publisher.connection(org)));
      for (const n of own.versions()) learnGlossary(own.at(n)!);
    })().catch(() => {
      // The console's own reading of the bus still answers; the records are read again next time.
      learned.delete(org);
    });
    learned.set(org, reading);
    return reading;
  };
  /** The version asked (default the newest held). @throws SchakelError `not-found` naming the versions held */
  const versionOf = async (c: Context<Env>): Promise<GlossaryRecord> => {
    await learnRecorded(c.get("person").organisation);
    const asked = c.req.query("version");
    if (asked === undefined) return consoleGlossary.latest!;
    const n = intParam(c, "version");
    const g = n === undefined ? undefined : consoleGlossary.at(n);
    if (!g) throw new SchakelError("not-found", `glossary version "${asked}" is not held; held: ${consoleGlossary.versions().join(", ")}`, { version: asked });
    return g;
  };

  app.get("/glossary", async (c) => {
    try {
      const glossary = await versionOf(c);
      const body = glossaryPage({ glossary, versions: consoleGlossary.versions(), locale: c.get("locale"), t: c.get("t") });
      return c.html(layout(frameOf(ctx, c, c.get("t").glossary.title, "glossary"), body));
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "glossary"));
    }
  });

  app.get("/api/glossary", async (c) => {
    try {
      return c.json({ glossary: await versionOf(c), versions: consoleGlossary.versions() });
    } catch (err) {
      return errorAnswer(c, asSchakelError(err, "glossary"));
    }
  });
  return app;
}
