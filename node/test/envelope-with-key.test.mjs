// sealWithKey / openWithKey in memory (a caller's 32-byte key, no key server): round trips at
// the frame boundaries, Uint8Array views as input, header fields, and every failure a
// KmipkitError (a tampered ciphertext, a wrong key or context, a malformed one, a short key).
// The native side writes into Buffers the wrapper allocates; these check that what comes back
// is exactly the message, and that a failed open returns nothing.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import {
  KmipkitError,
  KmipkitIntegrityError,
  KmipkitCiphertextError,
  KmipkitCodecError,
  sealWithKey,
  openWithKey,
  parseHeader,
} from 'kmipkit'

const key = randomBytes(32)

test('round trips at 0, 1, 65535, 65536, 65537 and 1048577 bytes, with and without a context', () => {
  for (const size of [0, 1, 65535, 65536, 65537, 1048577]) {
    const plain = randomBytes(size)
    for (const context of [undefined, { table: 'orders' }]) {
      const sealed = sealWithKey(key, plain, { context })
      assert.ok(Buffer.isBuffer(sealed))
      // One 16-byte tag per 64 KiB frame (at least one frame) after the header.
      const frames = Math.max(1, Math.ceil(size / 65536))
      assert.equal(sealed.length, parseHeader(sealed).headerLength + size + 16 * frames)
      const back = openWithKey(key, sealed, { context })
      assert.ok(Buffer.isBuffer(back))
      assert.equal(back.length, size)
      assert.ok(back.equals(plain), `round trip at ${size} bytes`)
    }
  }
})

test('two seals of one plaintext differ (fresh salt each); both open', () => {
  const plain = Buffer.from('the same message')
  const a = sealWithKey(key, plain)
  const b = sealWithKey(key, plain)
  assert.ok(!a.equals(b))
  assert.deepEqual(openWithKey(key, a), plain)
  assert.deepEqual(openWithKey(key, b), plain)
})

test('Uint8Array views at an offset, as key, plaintext and ciphertext', () => {
  const backing = new Uint8Array(40 + 70000)
  backing.set(key, 3)
  const k = backing.subarray(3, 35)
  const plain = backing.subarray(40)
  plain.set(randomBytes(plain.length))
  const sealed = sealWithKey(k, plain)
  const view = new Uint8Array(sealed.length + 5)
  view.set(sealed, 5)
  assert.deepEqual(openWithKey(k, view.subarray(5)), Buffer.from(plain))
})

test('header fields and frame size are written; the frame size shapes the body', () => {
  const plain = randomBytes(10000)
  const sealed = sealWithKey(key, plain, { name: 'orders', version: 3, uid: '42', wrappedDek: Buffer.from([1, 2, 3]), frameSize: 4096 })
  const header = parseHeader(sealed)
  assert.deepEqual(header.key, { name: 'orders', version: 3, uid: '42' })
  assert.equal(header.frameSize, 4096)
  assert.deepEqual(header.wrappedDek, Buffer.from([1, 2, 3]))
  assert.equal(sealed.length, header.headerLength + 10000 + 16 * 3)
  assert.deepEqual(openWithKey(key, sealed), plain)
})

test('a tampered ciphertext is refused with KMIPKIT_INTEGRITY, at every size, and no plaintext comes back', () => {
  for (const size of [0, 1, 65536, 1048577]) {
    const plain = Buffer.alloc(size, 0x41)
    const sealed = sealWithKey(key, plain)
    for (const at of [sealed.length - 1, parseHeader(sealed).headerLength, Math.floor(sealed.length / 2)]) {
      const tampered = Buffer.from(sealed)
      tampered[at] ^= 0x01
      const err = (() => {
        try {
          openWithKey(key, tampered)
        } catch (e) {
          return e
        }
        return undefined
      })()
      assert.ok(err instanceof KmipkitError, `size ${size}, byte ${at}: ${err}`)
      assert.ok(err instanceof KmipkitCiphertextError, String(err))
      // A byte in the header's bound part fails the key commitment, one in a frame its tag: both
      // are integrity failures.
      if (at >= parseHeader(sealed).headerLength) {
        assert.ok(err instanceof KmipkitIntegrityError, String(err))
        assert.equal(err.code, 'KMIPKIT_INTEGRITY')
      }
      assert.ok(!String(err.message).includes('AAAA'))
    }
  }
})

test('a wrong key or context is an integrity failure', () => {
  const sealed = sealWithKey(key, Buffer.from('secret'), { context: { a: 'b' } })
  assert.throws(() => openWithKey(randomBytes(32), sealed, { context: { a: 'b' } }), KmipkitIntegrityError)
  assert.throws(() => openWithKey(key, sealed, { context: { a: 'c' } }), KmipkitIntegrityError)
  assert.throws(() => openWithKey(key, sealed), KmipkitIntegrityError)
})

test('a truncated or malformed ciphertext is refused as a ciphertext error', () => {
  const sealed = sealWithKey(key, randomBytes(70000))
  for (const cut of [sealed.subarray(0, 10), sealed.subarray(0, sealed.length - 1), sealed.subarray(0, parseHeader(sealed).headerLength), Buffer.from('not a ciphertext')]) {
    assert.throws(() => openWithKey(key, cut), KmipkitCiphertextError)
  }
})

test('a key that is not 32 bytes is refused on both sides', () => {
  assert.throws(() => sealWithKey(Buffer.alloc(31), Buffer.from('x')), KmipkitCodecError)
  const sealed = sealWithKey(key, Buffer.from('x'))
  assert.throws(() => openWithKey(Buffer.alloc(33), sealed), KmipkitCodecError)
  // @ts-expect-error not bytes
  assert.throws(() => sealWithKey('key', Buffer.from('x')), TypeError)
  // After a refused call the next one still works (nothing left half prepared).
  assert.deepEqual(openWithKey(key, sealWithKey(key, Buffer.from('y'))), Buffer.from('y'))
})
