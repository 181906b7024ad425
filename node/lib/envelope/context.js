'use strict'
// Encryption contexts: a plain object of text keys and values, encoded canonically by the core
// (docs/FORMAT.md §3.1), so `{ table: 'orders', row: '7' }` binds the same bytes as the CLI's
// `-C table=orders -C row=7` and Python's dict; or raw bytes (Buffer/Uint8Array), used as they are.

const native = require('../../native.js')
const { fromNative } = require('../errors')

/**
 * The canonical bytes of a key-value context (an object, or [key, value] pairs, where a key
 * given twice is refused); throws KmipkitCodecError for an empty key or a key
 * holding `=` or a line feed.
 * @param {Record<string, string> | Array<[string, string]>} context
 */
function encodeContext(context) {
  if (context === null || typeof context !== 'object') {
    throw new TypeError('a context is a plain object of string keys and string values (or a list of [key, value] pairs)')
  }
  const entries = Array.isArray(context) ? context : Object.entries(context)
  const pairs = entries.map((pair) => {
    if (!Array.isArray(pair) || pair.length !== 2) throw new TypeError('a context list holds [key, value] pairs')
    const [key, value] = pair
    if (typeof key !== 'string' || typeof value !== 'string') {
      throw new TypeError(`context keys and values are strings; ${JSON.stringify(String(key))} has a ${typeof value}`)
    }
    return [key, value]
  })
  try {
    return native.encodeContext(pairs)
  } catch (err) {
    throw fromNative(err)
  }
}

/** The object whose canonical encoding is `data`, or null when it is no such encoding. */
function decodeContext(data) {
  return native.decodeContext(bytes(data, 'data')) ?? null
}

/** A context argument as bytes: absent is empty, bytes as they are, an object encoded. */
function contextBytes(context) {
  if (context === undefined || context === null) return EMPTY
  if (context instanceof Uint8Array) return bytes(context, 'context')
  if (Array.isArray(context)) return encodeContext(context)
  return encodeContext(context)
}

const EMPTY = Buffer.alloc(0)

/** Buffer or Uint8Array as a Buffer over the same memory (no copy). */
function bytes(value, what) {
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new TypeError(`${what} must be a Buffer or a Uint8Array`)
}

module.exports = { encodeContext, decodeContext, contextBytes, bytes }
