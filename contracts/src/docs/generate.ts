/**
 * Everything under contracts/generated/, as a pure function of the catalog: the AsyncAPI
 * document, JSON Schema per type (data and full envelope), the shared envelope schema and an
 * index page. Pure, so the drift test can compare it with the committed files.
 */
import { readFileSync } from "node:fs";
import { catalog, dataSchemaUri, MESSAGE_TYPES } from "../catalog.ts";
import { streamOfRoot } from "../streams.ts";
import { rootOfType } from "../subjects.ts";
import { channelAddress } from "./asyncapi-parts.ts";
import { buildAsyncApi } from "./asyncapi.ts";
import { dataJsonSchema, envelopeHeaderJsonSchema, envelopeJsonSchema } from "./json-schema.ts";
import { testVectorFiles } from "./test-vectors.ts";

/** The contracts package folder (generated/ and schemas/ live in it). */
export const CONTRACTS_DIR = new URL("../../", import.meta.url);
export const GENERATED_DIR = new URL("generated/", CONTRACTS_DIR);

/** Stable text form of a JSON document: two-space indent, final newline. */
export const jsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const ASYNCAPI_FILE = "asyncapi.json";
export const dataSchemaFile = (type: string): string => `json-schema/${type}.data.json`;
export const envelopeSchemaFile = (type: string): string => `json-schema/${type}.envelope.json`;

function contractsVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("package.json", CONTRACTS_DIR), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "0.0.0";
}

function indexPage(): string {
  const rows = MESSAGE_TYPES.map((type) => {
    const e = catalog[type];
    const files = `[data](${dataSchemaFile(type)}), [message](${envelopeSchemaFile(type)})`;
    return `| \`${type}\` | v${e.version} | \`${channelAddress(type)}\` | ${streamOfRoot(rootOfType(type))} | ${e.from} → ${e.to} | ${e.senders.join(", ")} | ${e.classification}${e.sealed ? ", sealed" : ""} | ${files} |`;
  });
  return [
    "# Schakel message catalog (generated)",
    "",
    "Generated from `contracts/src/catalog.ts` by `npm run docs -w @schakel/contracts`; do not edit by hand.",
    "A test fails when these files differ from what the generator produces.",
    "",
    `- [asyncapi.json](${ASYNCAPI_FILE}): AsyncAPI 3.0 document of every channel, operation and message, with signed examples.`,
    "- [json-schema/envelope.json](json-schema/envelope.json): the envelope attributes every message carries.",
    "- JSON Schema per type: `data` alone (`$id` = the envelope's `dataschema`) and the whole message.",
    "- Released versions of each data schema are kept in `contracts/schemas/<type>/v<N>.json`.",
    "- [test-vectors/](test-vectors): stored messages with the receiver's key directory and the verdict it must reach (accepted, or refused with its reason), for clients in other languages; the format is in docs/WIRE.md.",
    "",
    "| type | version | subject | stream | from → to | sender roles | classification | schemas |",
    "|---|---|---|---|---|---|---|---|",
    ...rows,
    "",
    `Data schema URIs look like \`${dataSchemaUri("notice.posted")}\`.`,
    "",
  ].join("\n");
}

/** Every generated file: path relative to generated/ → its exact text. */
export function generateDocs(): Map<string, string> {
  const files = new Map<string, string>();
  files.set("README.md", indexPage());
  files.set(ASYNCAPI_FILE, jsonText(buildAsyncApi(contractsVersion())));
  files.set("json-schema/envelope.json", jsonText(envelopeHeaderJsonSchema()));
  for (const type of MESSAGE_TYPES) {
    files.set(dataSchemaFile(type), jsonText(dataJsonSchema(type)));
    files.set(envelopeSchemaFile(type), jsonText(envelopeJsonSchema(type)));
  }
  for (const [path, text] of testVectorFiles(jsonText)) files.set(path, text);
  return files;
}
