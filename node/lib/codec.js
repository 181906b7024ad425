'use strict'
// The KMIP codec (Python's kmipkit.ttlv, the CLI's `kmipkit codec`): TTLV bytes <-> KMIP JSON
// and XML text, a readable dump, and the typed message model; and verifyLog(), the CLI's
// `kmipkit log verify`. All of it is the core's; errors are KmipkitError subclasses
// (KmipkitCodecError for input that does not decode, KmipkitLogError for a log it cannot read).

const native = require('../native.js')
const { fromNative } = require('./errors')

/** Runs a synchronous native call, its error converted. */
function sync(fn) {
  try {
    return fn()
  } catch (err) {
    throw fromNative(err)
  }
}

/** @param {unknown} value @param {string} what */
function bytes(value, what) {
  if (value instanceof Uint8Array) return value
  throw new TypeError(`${what} must be a Buffer or a Uint8Array`)
}

/** @param {unknown} value @param {string} what */
function text(value, what) {
  if (typeof value === 'string') return value
  throw new TypeError(`${what} must be a string`)
}

/**
 * Converts between TTLV bytes and KMIP XML/JSON text. Test-case placeholders ($NOW,
 * $UNIQUE_IDENTIFIER_0, ...) read from text are written back as the same placeholders by the
 * same codec, so use one codec per test case.
 */
class TextCodec {
  #native = new native.NativeTextCodec()

  /** One KMIP XML element to TTLV bytes. */
  xmlToTtlv(xml) {
    return sync(() => this.#native.xmlToTtlv(text(xml, 'xml')))
  }

  /** Every message of a KMIP XML test case, as TTLV bytes. */
  xmlMessagesToTtlv(xml) {
    return sync(() => this.#native.xmlMessagesToTtlv(text(xml, 'xml')))
  }

  /** TTLV bytes to KMIP XML. */
  ttlvToXml(ttlv) {
    return sync(() => this.#native.ttlvToXml(bytes(ttlv, 'ttlv')))
  }

  /** KMIP JSON to TTLV bytes. */
  jsonToTtlv(json) {
    return sync(() => this.#native.jsonToTtlv(text(json, 'json')))
  }

  /** TTLV bytes to KMIP JSON; `{ compact: true }` writes one line. */
  ttlvToJson(ttlv, options = {}) {
    return sync(() => this.#native.ttlvToJson(bytes(ttlv, 'ttlv'), options?.compact === true))
  }

  /** How many placeholders this codec has read. */
  get placeholders() {
    return this.#native.placeholders
  }
}

/** A readable tree of TTLV bytes; byte strings show only their length. */
function dump(ttlv) {
  return sync(() => native.dumpTtlv(bytes(ttlv, 'ttlv')))
}

/** Decodes (bounded, checked) and re-encodes TTLV bytes: the canonical form. */
function normalize(ttlv) {
  return sync(() => native.normalizeTtlv(bytes(ttlv, 'ttlv')))
}

/**
 * Reads a request or response message into the typed model: `{ kind, version, operations,
 * results, reencoded }` (results: each response item's `{ status, reason? }`).
 */
function parseMessage(ttlv) {
  const m = sync(() => native.parseMessage(bytes(ttlv, 'ttlv')))
  return {
    kind: m.kind,
    version: m.version,
    operations: m.operations.map((o) => o ?? undefined),
    results: m.results.map((r) => (r.reason == null ? { status: r.status } : { status: r.status, reason: r.reason })),
    reencoded: m.reencoded,
  }
}

const codec = Object.freeze({ TextCodec, dump, normalize, parseMessage })

/**
 * Verifies a log's hash chain (the log written by `[log]` with `destination = 'file'`): the
 * path of the current file, or it and its rotated files (any order). Resolves `{ intact, lines, firstSerial,
 * lastSerial, findings }`; a changed, removed, added or reordered line is a finding.
 */
async function verifyLog(paths) {
  const list = typeof paths === 'string' || paths instanceof URL ? [paths] : paths
  if (!Array.isArray(list) || list.length === 0) {
    throw new TypeError('verifyLog takes the path of a log file or a list of paths')
  }
  const files = list.map((p) => (p instanceof URL ? require('node:url').fileURLToPath(p) : text(p, 'a log path')))
  let report
  try {
    report = await native.verifyLog(files)
  } catch (err) {
    throw fromNative(err)
  }
  const out = { intact: report.intact, lines: report.lines, findings: report.findings }
  if (report.firstSerial != null) out.firstSerial = report.firstSerial
  if (report.lastSerial != null) out.lastSerial = report.lastSerial
  return out
}

module.exports = { codec, verifyLog }
