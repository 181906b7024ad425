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
  const out = {}
  if (name !== undefined) out.name = name
  if (version !== undefined) out.version = version
  if (uid !== undefined) out.uid = uid
  if (wrappedDek !== undefined) out.wrappedDek = bytes(wrappedDek, 'wrappedDek')
  if (frameSize !== undefined) out.frameSize = frameSize
  return out
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
  return sync(() => native.sealWithKey(k, p, ctx, sealParams(options)))
}

/** `sealWithKey` under a chosen salt: ONLY to reproduce test vectors (a reused salt reuses nonces). */
function sealWithFixedSaltForTestVectors(key, plaintext, salt, options = {}) {
  const args = [bytes(key, 'key'), bytes(plaintext, 'plaintext'), contextBytes(options?.context), bytes(salt, 'salt')]
  return sync(() => native.sealWithFixedSaltForTestVectors(args[0], args[1], args[2], args[3], sealParams(options)))
}

/** Decrypts a ciphertext under `key` (32 bytes). */
function openWithKey(key, ciphertext, options = {}) {
  const k = bytes(key, 'key')
  const c = bytes(ciphertext, 'ciphertext')
  const ctx = contextBytes(options?.context)
  return sync(() => native.openWithKey(k, c, ctx))
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
