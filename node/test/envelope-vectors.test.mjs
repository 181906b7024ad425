// The frozen vectors of conformance/vectors/envelope (made by the core and checked by every
// binding): the Node package reproduces each ciphertext byte for byte, decrypts it in memory and
// as a stream, rejects every negative vector with its error class, and encodes contexts as the
// core does. No key server is needed.
import assert from 'node:assert/strict'
import { readFileSync, readdirSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import {
  KmipkitIntegrityError,
  KmipkitFormatError,
  sealWithFixedSaltForTestVectors,
  openWithKey,
  parseHeader,
  createDecryptStreamWithKey,
  encodeContext,
  decodeContext,
} from 'kmipkit'

const here = dirname(fileURLToPath(import.meta.url))
const vectors = resolve(here, '..', '..', 'conformance', 'vectors', 'envelope')
/** @param {string} file @returns {any} */
const load = (file) => JSON.parse(readFileSync(join(vectors, file), 'utf8'))
/** @param {string} hex */
const hex = (hex) => Buffer.from(hex, 'hex')
const positive = readdirSync(vectors).filter((f) => f.endsWith('.json')).sort()
const negative = readdirSync(join(vectors, 'negative')).filter((f) => f.endsWith('.json')).sort()

/** Decrypts through a DecryptStream fed `size`-byte chunks. @param {any} v @param {number} size */
async function streamOpen(v, size) {
  const ciphertext = hex(v.ciphertext)
  /** @type {Buffer[]} */
  const parts = []
  const source = Readable.from(
    (function* () {
      for (let i = 0; i < ciphertext.length; i += size) yield ciphertext.subarray(i, i + size)
    })(),
  )
  const sink = new Writable({
    write(chunk, _e, cb) {
      parts.push(chunk)
      cb()
    },
  })
  await pipeline(source, createDecryptStreamWithKey(hex(v.dek), { context: hex(v.context) }), sink)
  return Buffer.concat(parts)
}

test('there are vectors to check', () => {
  assert.ok(positive.length >= 7, positive.join())
  assert.ok(negative.length >= 16, negative.join())
})

for (const file of positive) {
  test(`vector ${file}: reproduced byte for byte, opened in memory and as a stream`, async () => {
    const v = load(file)
    const options = {
      context: hex(v.context),
      name: v.key_name,
      version: v.key_version,
      uid: v.key_uid,
      wrappedDek: hex(v.wrapped_dek),
      frameSize: v.frame_size,
    }
    const made = sealWithFixedSaltForTestVectors(hex(v.dek), hex(v.plaintext), hex(v.salt), options)
    assert.equal(made.toString('hex'), v.ciphertext)
    assert.equal(openWithKey(hex(v.dek), hex(v.ciphertext), { context: hex(v.context) }).toString('hex'), v.plaintext)
    const header = parseHeader(hex(v.ciphertext))
    assert.deepEqual(header.key, { name: v.key_name, version: v.key_version, uid: v.key_uid })
    assert.equal(header.frameSize, v.frame_size)
    assert.equal(header.wrappedDek.toString('hex'), v.wrapped_dek)
    for (const size of [1, 7, 4096]) assert.equal((await streamOpen(v, size)).toString('hex'), v.plaintext)
    if (v.context_pairs) {
      assert.equal(encodeContext(v.context_pairs).toString('hex'), v.context)
      const made2 = sealWithFixedSaltForTestVectors(hex(v.dek), hex(v.plaintext), hex(v.salt), {
        ...options,
        context: Object.fromEntries(v.context_pairs),
      })
      assert.equal(made2.toString('hex'), v.ciphertext)
    }
  })
}

for (const file of negative) {
  test(`negative vector ${file}: refused in memory and as a stream`, async () => {
    const v = load(join('negative', file))
    const Expected = v.error === 'format' ? KmipkitFormatError : KmipkitIntegrityError
    assert.throws(() => openWithKey(hex(v.dek), hex(v.ciphertext), { context: hex(v.context) }), Expected)
    for (const size of [1, 4096]) {
      const err = await streamOpen(v, size).then(
        () => null,
        (e) => e,
      )
      assert.ok(err instanceof Expected, `${file} (${size}-byte chunks): ${err}`)
    }
  })
}

test('context encodings: valid pairs encode to the frozen bytes in any order; refused ones throw', () => {
  const { valid, refused } = load(join('contexts', 'encodings.json'))
  for (const { pairs, bytes } of valid) {
    assert.equal(encodeContext(pairs).toString('hex'), bytes)
    assert.equal(encodeContext([...pairs].reverse()).toString('hex'), bytes)
    assert.deepEqual(decodeContext(hex(bytes)), Object.fromEntries(pairs))
  }
  for (const { pairs } of refused) assert.throws(() => encodeContext(pairs), /./, JSON.stringify(pairs))
})
