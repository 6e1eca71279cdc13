/**
 * JetStream API subjects as nats-server 2.9 defines them, for the permissions generated from the
 * registry. Only exact grants are built here: never `$JS.>` or `$JS.API.>` for an organisation.
 */
export const JS_API = {
  info: "$JS.API.INFO",
  streamInfo: (stream: string) => `$JS.API.STREAM.INFO.${stream}`,
  streamNames: "$JS.API.STREAM.NAMES",
  streamList: "$JS.API.STREAM.LIST",
  streamMsgGet: (stream: string) => JS_API.streamMsgGetAt("$JS.API", stream),
  /** The same at a client's own API prefix (`$JS.API`, or another domain's at a leaf). */
  streamMsgGetAt: (apiPrefix: string, stream: string) => `${apiPrefix}.STREAM.MSG.GET.${stream}`,
  directGet: (stream: string) => `$JS.API.DIRECT.GET.${stream}`,
  directGetAny: (stream: string) => `$JS.API.DIRECT.GET.${stream}.>`,
  /** Create with the filter in the subject (2.9+): the broker checks the body's filter against it. */
  consumerCreateFiltered: (stream: string, name: string, filter: string) => `$JS.API.CONSUMER.CREATE.${stream}.${name}.${filter}`,
  consumerCreateNamed: (stream: string, name: string) => `$JS.API.CONSUMER.CREATE.${stream}.${name}`,
  consumerCreateAny: (stream: string) => [`$JS.API.CONSUMER.CREATE.${stream}`, `$JS.API.CONSUMER.CREATE.${stream}.>`],
  consumerDurableCreate: (stream: string, name: string) => `$JS.API.CONSUMER.DURABLE.CREATE.${stream}.${name}`,
  consumerInfo: (stream: string, name: string) => `$JS.API.CONSUMER.INFO.${stream}.${name}`,
  consumerNext: (stream: string, name: string) => `$JS.API.CONSUMER.MSG.NEXT.${stream}.${name}`,
  consumerDelete: (stream: string, name: string) => `$JS.API.CONSUMER.DELETE.${stream}.${name}`,
  consumerNames: (stream: string) => `$JS.API.CONSUMER.NAMES.${stream}`,
  ack: (stream: string, name: string) => `$JS.ACK.${stream}.${name}.>`,
  flowControl: (stream: string) => `$JS.FC.${stream}.>`,
  kvStream: (bucket: string) => `KV_${bucket}`,
  kvKeys: (bucket: string) => `$KV.${bucket}.>`,
  /** The API prefix of another JetStream domain (a hub or leaf node), for sources and domain clients. */
  domainApi: (domain: string) => `$JS.${domain}.API`,
  /** Everything (admin only). */
  all: ">",
} as const;
