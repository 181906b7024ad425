'use strict'
// The ciphertext format with the caller's own 32-byte data key, no key manager: for keys
// managed elsewhere, for benchmarks, and for the frozen vectors of conformance/vectors/envelope.
// The header names whatever key reference the caller gives (`{ name, version, uid }`).

const native = require('../../native.js')
const { fromNative } = require('../errors')
const { contextBytes, bytes } = require('./context')
const { EncryptStream, DecryptStream } = require('./streams')

function sync(work) {
  try {
    return work()
  } catch (err) {
    throw fromNative(err)
  }
}

/** `work()`, then `key` zeroed whatever happened. */
function wiping(key, work) {
  try {
    return work()
  } finally {
    key.fill(0)
  }
}

/** The header fields a caller may set: key reference, wrapped data key, frame size. */
function sealParams(options) {
  const { name, version, uid, wrappedDek, frameSize } = options ?? {}
  // None given (the usual case): nothing for the native side to convert.
  if ([name, version, uid, wrappedDek, frameSize].every((v) => v === undefined)) return undefined
  const out = {}
  if (name !== undefined) out.name = name
  if (version !== undefined) out.version = version
  if (uid !== undefined) out.uid = uid
  if (wrappedDek !== undefined) out.wrappedDek = bytes(wrappedDek, 'wrappedDek')
  if (frameSize !== undefined) out.frameSize = frameSize
  return out
}

// The native side seals and opens straight into a Buffer allocated here, at the exact length
// it names (two native calls, no copy, no external Buffer and no finalizer per message; see
// node/bench/RESULTS.md). Buffer.allocUnsafe does not clear memory: a ciphertext buffer is
// returned only once sealTo has written every byte of it, and a plaintext buffer only once every
// frame verified; on failure it is zeroed and dropped. Plaintext goes into allocUnsafeSlow, an
// ArrayBuffer of its own, never a slice of Node's shared pool that other Buffers can reach.
// Once returned, a plaintext Buffer belongs to JS and the garbage collector: we cannot wipe it
// (the same as node:crypto's decipher output); a caller can fill(0) it when done.
const slot = new native.SealWithKeySlot()

/** Seals into a fresh Buffer of the length `prepare` gave. */
function sealInto(k, p, ctx, params, salt) {
  return sync(() => {
    const len = slot.prepare(k, p.length, ctx, params, salt)
    let out
    try {
      out = Buffer.allocUnsafe(len)
    } catch (err) {
      slot.clear()
      throw err
    }
    slot.sealTo(p, out)
    return out
  })
}

/**
 * Encrypts `plaintext` under `key` (32 bytes) with a fresh random salt.
 * @param {Uint8Array} key
 * @param {Uint8Array} plaintext
 * @param {{ context?: object | Uint8Array, name?: string, version?: number, uid?: string, wrappedDek?: Uint8Array, frameSize?: number }} [options]
 */
function sealWithKey(key, plaintext, options = {}) {
  const k = bytes(key, 'key')
  const p = bytes(plaintext, 'plaintext')
  const ctx = contextBytes(options?.context)
  return sealInto(k, p, ctx, sealParams(options), undefined)
}

/** `sealWithKey` under a chosen salt: ONLY to reproduce test vectors (a reused salt reuses nonces). */
function sealWithFixedSaltForTestVectors(key, plaintext, salt, options = {}) {
  const k = bytes(key, 'key')
  const p = bytes(plaintext, 'plaintext')
  const ctx = contextBytes(options?.context)
  return sealInto(k, p, ctx, sealParams(options), bytes(salt, 'salt'))
}

/** Decrypts a ciphertext under `key` (32 bytes). */
function openWithKey(key, ciphertext, options = {}) {
  const k = bytes(key, 'key')
  const c = bytes(ciphertext, 'ciphertext')
  const ctx = contextBytes(options?.context)
  return sync(() => {
    const out = Buffer.allocUnsafeSlow(native.openedLen(c))
    try {
      native.openWithKeyTo(k, c, ctx, out)
    } catch (err) {
      out.fill(0)
      throw err
    }
    return out
  })
}

/** The header of a ciphertext, no key needed: `{ frameSize, key: { name, version, uid }, wrappedDek, headerLength }`. */
function parseHeader(ciphertext) {
  const c = bytes(ciphertext, 'ciphertext')
  return sync(() => native.parseHeader(c))
}

/** A Transform encrypting under `key` (32 bytes). */
function createEncryptStreamWithKey(key, options = {}) {
  const k = Buffer.from(bytes(key, 'key'))
  const ctx = contextBytes(options?.context)
  const params = sealParams(options)
  // The copy is wiped once the native sealer holds the key.
  return new EncryptStream(() => wiping(k, () => native.sealerWithKey(k, ctx, params)), options)
}

/** A Transform decrypting a ciphertext under `key` (32 bytes). */
function createDecryptStreamWithKey(key, options = {}) {
  const k = Buffer.from(bytes(key, 'key'))
  const ctx = contextBytes(options?.context)
  return new DecryptStream((reader) => wiping(k, () => native.openerWithKey(reader, k, ctx)), options)
}

module.exports = {
  sealWithKey,
  sealWithFixedSaltForTestVectors,
  openWithKey,
  parseHeader,
  createEncryptStreamWithKey,
  createDecryptStreamWithKey,
}
