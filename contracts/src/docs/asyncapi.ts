/**
 * The AsyncAPI 3.0 document of the bus, built from the catalog: one channel per message type
 * (subject pattern with `audience` and `sender` parameters), a send and a receive operation per
 * type, one message per type (envelope payload, NATS headers, a signed example), plus the
 * dead-letter and sandbox channels. Schemas are draft-07 (AsyncAPI's own schema dialect).
 */
import { CLOUDEVENTS_JSON } from "../bus/headers.ts";
import { catalog, MESSAGE_TYPES, type MessageType } from "../catalog.ts";
import { STREAMS, streamOfRoot } from "../streams.ts";
import { rootOfType } from "../subjects.ts";
import {
  channelAddress, DEAD_LETTER_HEADERS, DEAD_LETTER_MESSAGE, deadLetterAddress, MESSAGE_HEADERS, PARAMETERS, REPLAY_HEADERS, sandboxAddress,
} from "./asyncapi-parts.ts";
import { exampleMessage, EXAMPLE_KEY_LABEL, type ExampleMessage } from "./examples.ts";
import { exampleIdentity } from "./example-identity.ts";
import { dataJsonSchema, embedded, envelopeHeaderJsonSchema, type JsonSchema } from "./json-schema.ts";

/** `notice.posted` → `noticePosted` (channel, message and operation ids). */
export function camelId(type: string): string {
  return type.replace(/\.([a-z])/g, (_, c: string) => c.toUpperCase());
}
const pascal = (type: string): string => camelId(type).replace(/^./, (c) => c.toUpperCase());
const ref = (pointer: string) => ({ $ref: pointer });

const DESCRIPTION = `Schakel carries typed coordination messages between the local, Flemish and federal levels of government over NATS JetStream.

- **Envelope**: every body is a CloudEvents 1.0 structured JSON envelope plus Schakel's extensions (sender, audience, classification, correlation and causation ids, W3C trace context, signing key); \`data\` follows the schema of \`type\` at \`dataversion\`.
- **Signatures**: the \`Schakel-Signature\` header is an ed25519 signature by the sender's registered nkey over the subject and the exact body bytes. Receivers verify it against the public key directory before trusting any field.
- **Subjects**: \`<root>.<audience>.<sender>.<type>\`; root \`coord\` (stream ${STREAMS.coord.name}) or \`case\` for sealed case consultations (stream ${STREAMS.case.name}, shorter retention). The broker lets an organisation publish only as itself and read only what is addressed to it.
- **Delivery**: at least once through durable pull consumers; \`Nats-Msg-Id\` = envelope id, so retries are stored once. Refused messages and messages whose handler kept failing go to ${STREAMS.deadletter.name} with the reason.
- **Content mode**: CloudEvents NATS binding, structured mode: every message carries \`Content-Type: ${CLOUDEVENTS_JSON}\` and the body is the whole event (messages stored by releases before the binding was followed lack the header and are read as structured).
- **Senders**: \`x-schakel-senders\` on each message lists the roles the catalog allows to send it; a receiver refuses it from any other organisation (\`sender-not-allowed\`).
- **Acting person**: a message sent for a person carries the optional extensions \`actor\` (a pseudonym, \`p-\` and 16 base32 characters, keyed by the sender's seed) and \`actorrole\` (a person role the sender's organisation can have); one without the other, or a role the sender cannot have, is refused (\`actor-mismatch\`). Without them the organisation's service acted.
- **Examples**: signed with the documentation key \`${exampleIdentity().publicKey}\` (ed25519 seed = SHA-256 of "${EXAMPLE_KEY_LABEL}"), registered for no organisation on any bus; each message's description shows the exact bytes signed. The full wire contract, with test vectors: docs/WIRE.md and contracts/generated/test-vectors.
- **Versions**: a released version of a type keeps accepting what it accepted and keeps every field; a breaking change is a new version that readers of the previous one can still read, or a new type.`;

function channel(type: MessageType) {
  const e = catalog[type];
  const id = camelId(type);
  return {
    address: channelAddress(type),
    title: type,
    summary: e.description,
    description: `From ${e.from} to ${e.to}. Sent by organisations with role ${e.senders.join(", ")}. Stored in ${streamOfRoot(rootOfType(type))}. Default classification ${e.classification}.${e.sealed ? " Content is sealed to the named recipients; only the pseudonymous case reference is readable by others." : ""}`,
    parameters: { audience: ref("#/components/parameters/audience"), sender: ref("#/components/parameters/sender") },
    messages: { [id]: ref(`#/components/messages/${id}`) },
  };
}

function message(type: MessageType) {
  const e = catalog[type];
  const example = exampleMessage(type);
  return {
    name: type,
    title: `${type} v${e.version}`,
    summary: e.description,
    contentType: CLOUDEVENTS_JSON,
    "x-schakel-senders": [...e.senders],
    correlationId: ref("#/components/correlationIds/flow"),
    headers: ref("#/components/schemas/MessageHeaders"),
    payload: ref(`#/components/schemas/${pascal(type)}Message`),
    description: signedExample(example),
    examples: [{ name: camelId(type), summary: `${example.envelope.sender} → ${example.envelope.audience}`, headers: example.headers, payload: example.envelope }],
  };
}

/** What the example's signature covers: the key and the exact signing input (UTF-8, "\n" = LF). */
function signedExample(example: ExampleMessage): string {
  return [
    `The example is signed with the documentation key ${example.envelope.signingkey}. Signing input (UTF-8; each line break is one LF byte, the body is the exact payload bytes):`,
    "",
    "```",
    example.signingInput,
    "```",
  ].join("\n");
}

/** A type's whole message (envelope with its typed data), shared by its live and replayed messages. */
function messagePayload(type: MessageType) {
  const e = catalog[type];
  return {
    allOf: [
      ref("#/components/schemas/Envelope"),
      {
        type: "object",
        required: ["data"],
        properties: {
          type: { type: "string", const: type },
          dataversion: { type: "integer", minimum: 1, description: `Current version: ${e.version}.` },
          data: ref(`#/components/schemas/${pascal(type)}Data`),
        },
      },
    ],
  };
}

/** Builds the whole document; `version` is the contract package's version. */
export function buildAsyncApi(version: string): JsonSchema {
  const channels: JsonSchema = {};
  const operations: JsonSchema = {};
  const messages: JsonSchema = {};
  const schemas: JsonSchema = { Envelope: embedded(envelopeHeaderJsonSchema("draft-7")), MessageHeaders: MESSAGE_HEADERS, ReplayHeaders: REPLAY_HEADERS, DeadLetterHeaders: DEAD_LETTER_HEADERS };
  for (const type of MESSAGE_TYPES) {
    const id = camelId(type);
    const e = catalog[type];
    channels[id] = channel(type);
    messages[id] = message(type);
    schemas[`${pascal(type)}Data`] = embedded(dataJsonSchema(type, "draft-7"));
    schemas[`${pascal(type)}Message`] = messagePayload(type);
    const on = { channel: ref(`#/channels/${id}`), messages: [ref(`#/channels/${id}/messages/${id}`)] };
    operations[`send${pascal(type)}`] = { action: "send", ...on, title: `Send ${type}`, summary: `Roles ${e.senders.join(", ")} send ${type} (${e.from} → ${e.to}); the bus client validates, signs and publishes with an acknowledgement.` };
    operations[`receive${pascal(type)}`] = { action: "receive", ...on, title: `Receive ${type}`, summary: `The audience's inbox consumers deliver ${type}; the bus client verifies the signature and the schema before a handler sees it.` };
  }
  channels["deadLetter"] = {
    address: deadLetterAddress(),
    title: "dead letters",
    summary: `Refused messages with their reason (stream ${STREAMS.deadletter.name}).`,
    parameters: { consumer: ref("#/components/parameters/consumer"), reason: ref("#/components/parameters/reason") },
    messages: { deadLetter: ref("#/components/messages/deadLetter") },
  };
  operations["fileDeadLetter"] = { action: "send", channel: ref("#/channels/deadLetter"), messages: [ref("#/channels/deadLetter/messages/deadLetter")], summary: "A consumer files a message it refused, then terminates it." };
  operations["readDeadLetters"] = { action: "receive", channel: ref("#/channels/deadLetter"), messages: [ref("#/channels/deadLetter/messages/deadLetter")], summary: "Operators read refused messages and their reasons." };
  channels["sandbox"] = {
    address: sandboxAddress(),
    title: "sandbox replays",
    summary: `Replayed copies of live messages for services under development (stream ${STREAMS.sandbox.name}); never published back on live subjects.`,
    parameters: { sandbox: ref("#/components/parameters/sandbox"), liveSubject: ref("#/components/parameters/liveSubject") },
    messages: { replayedCopy: ref("#/components/messages/replayedCopy") },
  };
  operations["receiveReplay"] = { action: "receive", channel: ref("#/channels/sandbox"), messages: [ref("#/channels/sandbox/messages/replayedCopy")], summary: `A service in replay mode reads replayed copies; they carry the ${Object.keys(REPLAY_HEADERS.properties as object).slice(-3).join(", ")} headers.` };
  messages["deadLetter"] = DEAD_LETTER_MESSAGE;
  messages["replayedCopy"] = {
    name: "replayed-copy",
    title: "Replayed copy",
    summary: "A stored live message copied byte for byte (same envelope, id and signature) into a sandbox by an operator's replay.",
    description: "The body and signature are the original's, so the copy is verified against its live subject (the sandbox subject without `sandbox.<name>.`) and the original storage time (`Schakel-Replay-Original-Time`), without the clock check. Its `Nats-Msg-Id` names the replay run, not the envelope.",
    contentType: CLOUDEVENTS_JSON,
    "x-schakel-senders": ["operator"],
    headers: ref("#/components/schemas/ReplayHeaders"),
    payload: { anyOf: MESSAGE_TYPES.map((t) => ref(`#/components/schemas/${pascal(t)}Message`)) },
  };
  return {
    asyncapi: "3.0.0",
    id: "urn:schakel:bus",
    info: { title: "Schakel coordination bus", version, description: DESCRIPTION },
    defaultContentType: CLOUDEVENTS_JSON,
    servers: {
      bus: {
        host: "{host}:{port}",
        protocol: "nats",
        description: 'A Schakel bus. "schakel up" runs one on 127.0.0.1 on a free port (or `--port N`) and writes its client URL, `nats://127.0.0.1:<port>`, to the `url` field of `<data>/connection.json`; a deployment publishes its own host and port. Each organisation authenticates with its own nkey and uses its own reply-inbox prefix `_INBOX_<org>`.',
        variables: {
          host: { default: "127.0.0.1", description: "The broker's host: 127.0.0.1 for \"schakel up\", the deployment's host name otherwise." },
          port: { default: "4222", description: "The client port: NATS's usual 4222 for a deployment that keeps it; for \"schakel up\" the port in connection.json's `url` (a free one unless `--port` is given)." },
        },
        security: [ref("#/components/securitySchemes/nkey")],
      },
    },
    channels,
    operations,
    components: {
      schemas,
      messages,
      parameters: PARAMETERS,
      correlationIds: { flow: { description: "Groups all messages of one business flow, e.g. a notice and its acknowledgements.", location: "$message.payload#/correlationid" } },
      securitySchemes: { nkey: { type: "asymmetricEncryption", description: "NATS nkey authentication: the server challenges, the client signs the nonce with its ed25519 seed. The same key signs the messages." } },
    },
  };
}
