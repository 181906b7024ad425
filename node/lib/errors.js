'use strict'
// kmipkit errors as JavaScript classes. The native addon rejects with an Error whose message is
// `kmipkit-error:<one line of JSON>\n<message>` (see bindings/node/src/errors.rs); fromNative()
// turns that into the KmipkitError subclass of its kind, with .code, .kmipkitCode, .kind and
// .reason. Messages never contain key bytes, passwords or plaintext.

const MARKER = 'kmipkit-error:'

/** Any failure reported by the kmipkit core. */
class KmipkitError extends Error {
  /**
   * @param {string} message
   * @param {object} [details] the fields the core reported (kind, kmipkitCode, reason, ...)
   */
  constructor(message, details = {}) {
    super(message)
    this.name = new.target.name
    /** The core's stable ErrorKind name, e.g. 'Integrity'. */
    this.kind = details.kind
    /** The kind's stable string code from the core, e.g. 'KMIPKIT_INTEGRITY', 'KMIPKIT_ALL_SERVERS_FAILED'. */
    this.code = details.symbol ?? 'KMIPKIT_ERROR'
    /** The ErrorKind's stable numeric code, e.g. 0x0501. */
    this.kmipkitCode = details.kmipkitCode
    /** The kind's category: 'codec', 'connection', 'authentication', 'server', ... */
    this.category = details.category
    /** The KMIP Result Reason name of a server refusal ('ItemNotFound'), else undefined. */
    this.reason = details.reason ?? undefined
    for (const key of ['operation', 'resultMessage', 'explanation', 'attempts', 'file', 'line']) {
      if (details[key] !== undefined && details[key] !== null) this[key] = details[key]
    }
  }
}

/** TTLV, KMIP XML/JSON or a value that cannot be read or written (bad attribute names too). */
class KmipkitCodecError extends KmipkitError {}
/** A key server could not be reached, the TLS handshake failed, or a request timed out. */
class KmipkitConnectionError extends KmipkitError {}
/** A certificate was rejected (the server's by kmipkit, or the client's by the server). */
class KmipkitCertificateError extends KmipkitConnectionError {}
/** The key server did not accept the client's identity. */
class KmipkitAuthenticationError extends KmipkitConnectionError {}
/** The key server refused an operation; `.reason` is the KMIP Result Reason. */
class KmipkitServerError extends KmipkitError {}
/** A reply that does not fit the request. */
class KmipkitProtocolError extends KmipkitError {}
/** A configuration file or setting is not usable (or a file is readable by other users). */
class KmipkitConfigError extends KmipkitError {}
/** A ciphertext that cannot be decrypted. */
class KmipkitCiphertextError extends KmipkitError {}
/** A ciphertext failed authentication: wrong key or context, modified or truncated. */
class KmipkitIntegrityError extends KmipkitCiphertextError {}
/** Bytes that are not a kmipkit ciphertext this version can read. */
class KmipkitFormatError extends KmipkitCiphertextError {}
/** A log, its chain state file or the audit trail failed. */
class KmipkitLogError extends KmipkitError {}

/** The class of each kind the core has, by its stable name. */
const KIND_CLASSES = {
  Decode: KmipkitCodecError,
  LimitExceeded: KmipkitCodecError,
  Syntax: KmipkitCodecError,
  Model: KmipkitCodecError,
  Encode: KmipkitCodecError,
  Connect: KmipkitConnectionError,
  Tls: KmipkitConnectionError,
  Certificate: KmipkitCertificateError,
  Authentication: KmipkitAuthenticationError,
  Timeout: KmipkitConnectionError,
  ConnectionLost: KmipkitConnectionError,
  AllServersFailed: KmipkitConnectionError,
  Server: KmipkitServerError,
  Protocol: KmipkitProtocolError,
  Config: KmipkitConfigError,
  Integrity: KmipkitIntegrityError,
  Format: KmipkitFormatError,
  Log: KmipkitLogError,
}

/** A kind newer than this file gets its category's class. */
const CATEGORY_CLASSES = {
  codec: KmipkitCodecError,
  connection: KmipkitConnectionError,
  authentication: KmipkitAuthenticationError,
  server: KmipkitServerError,
  protocol: KmipkitProtocolError,
  config: KmipkitConfigError,
  ciphertext: KmipkitCiphertextError,
  log: KmipkitLogError,
}

/** `this` is rejected when it is used after close(). */
class KmipkitClosedError extends Error {
  constructor() {
    super('this kmipkit client is closed; connect a new one with Client.connect()')
    this.name = 'KmipkitClosedError'
    this.code = 'ERR_KMIPKIT_CLOSED'
  }
}

/** The error an aborted call rejects with, like node:fs ('AbortError', code 'ABORT_ERR'). */
class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options)
    this.name = 'AbortError'
    this.code = 'ABORT_ERR'
  }
}

/** The JS error for an error from the native addon; other errors are returned unchanged. */
function fromNative(err) {
  if (!(err instanceof Error) || typeof err.message !== 'string') return err
  if (err.code === 'Closing') return new KmipkitClosedError()
  if (!err.message.startsWith(MARKER)) return err
  const newline = err.message.indexOf('\n')
  let details
  try {
    details = JSON.parse(err.message.slice(MARKER.length, newline < 0 ? undefined : newline))
  } catch {
    return err
  }
  const message = newline < 0 ? '' : err.message.slice(newline + 1)
  const Class = KIND_CLASSES[details.kind] ?? CATEGORY_CLASSES[details.category] ?? KmipkitError
  return new Class(message, details)
}

module.exports = {
  KmipkitError,
  KmipkitCodecError,
  KmipkitConnectionError,
  KmipkitCertificateError,
  KmipkitAuthenticationError,
  KmipkitServerError,
  KmipkitProtocolError,
  KmipkitConfigError,
  KmipkitCiphertextError,
  KmipkitIntegrityError,
  KmipkitFormatError,
  KmipkitLogError,
  KmipkitClosedError,
  AbortError,
  KIND_CLASSES,
  fromNative,
}
