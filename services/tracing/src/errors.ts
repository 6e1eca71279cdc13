/** Errors of the traceability tools that are not contract errors. */

/** The id given is not (yet) in the trace index: a typo, or the indexer has not seen it. */
export class NotIndexedError extends Error {
  override name = "NotIndexedError";
  constructor(readonly id: string) {
    super(`no trace, message or notice "${id}" in the trace index: check the id (a 32-hex trace id or a message/notice UUID), or wait for the platform's indexer`);
  }
}
