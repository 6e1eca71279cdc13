/**
 * `schakel contracts list|show TYPE|asyncapi`: the shared vocabulary as the contract package
 * defines it — every message type, who sends it to whom, its subject and its JSON Schema, and the
 * AsyncAPI document generated from the catalog.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Command } from "commander";
import { catalog, dataSchemaUri, isMessageType, MESSAGE_TYPES, messageSubject, rootOfType, streamOfRoot, type MessageType } from "@schakel/contracts";
import { CliError, EXIT } from "../exit-codes.ts";
import { color, emit } from "../output.ts";

/** A file of the contract package's generated documents (committed beside its source). */
function generated(file: string): unknown {
  const contractsSrc = dirname(createRequire(import.meta.url).resolve("@schakel/contracts"));
  const path = join(contractsSrc, "..", "generated", file);
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch (cause) {
    throw new CliError(`cannot read the generated contract document ${path} (${(cause as Error).message}): run "npm run docs:contracts"`, EXIT.failure);
  }
}

/** The subject pattern of a type, built by the contract's own subject builder. */
export function subjectPattern(type: MessageType): string {
  return messageSubject(type, "audience", "sender").replace(".audience.sender.", ".{audience}.{sender}.");
}

function summary(type: MessageType) {
  const e = catalog[type];
  return {
    type, version: e.version, description: e.description, from: e.from, to: e.to, senders: [...e.senders],
    classification: e.classification, sealed: e.sealed, subject: subjectPattern(type),
    stream: streamOfRoot(rootOfType(type)), dataschema: dataSchemaUri(type),
  };
}

function requireType(type: string): MessageType {
  if (!isMessageType(type)) throw new CliError(`unknown message type "${type}"; known: ${MESSAGE_TYPES.join(", ")}`, EXIT.usage);
  return type;
}

export function registerContracts(program: Command): void {
  const contracts = program.command("contracts").description("the message catalog: types, subjects, schemas, AsyncAPI");
  contracts
    .command("list")
    .description("every message type with its version, sender and addressee")
    .option("--json", "print JSON")
    .action((o: { json?: boolean }) => {
      emit(o, MESSAGE_TYPES.map(summary), (list) => {
        const w = Math.max(...list.map((s) => s.type.length));
        return list.map((s) => `${color.cyan(s.type.padEnd(w))}  v${s.version}  ${s.from} → ${s.to}${s.sealed ? color.yellow(" (sealed)") : ""}\n${" ".repeat(w + 6)}${color.dim(s.description)}`).join("\n");
      });
    });
  contracts
    .command("show")
    .description("one type: description, subject, senders, and the JSON Schema of its data")
    .argument("<type>", "a message type, e.g. notice.posted")
    .option("--json", "print JSON")
    .action((typeArg: string, o: { json?: boolean }) => {
      const type = requireType(typeArg);
      const schema = generated(`json-schema/${type}.data.json`);
      emit(o, { ...summary(type), schema }, (s) => [
        `${color.bold(s.type)} v${s.version} — ${s.description}`,
        `from      ${s.from} (roles ${s.senders.join(", ")})`,
        `to        ${s.to}`,
        `subject   ${s.subject}  (stream ${s.stream})`,
        `class     ${s.classification}${s.sealed ? ", content sealed to named recipients" : ""}`,
        `schema    ${s.dataschema}`,
        JSON.stringify(s.schema, null, 2),
      ].join("\n"));
    });
  contracts
    .command("asyncapi")
    .description("print the AsyncAPI 3.0 document of every channel and message (JSON)")
    .action(() => {
      process.stdout.write(JSON.stringify(generated("asyncapi.json"), null, 2) + "\n");
    });
}
