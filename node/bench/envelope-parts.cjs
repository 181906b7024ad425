'use strict'
// What one sealWithKey/openWithKey message costs, part by part, beside node:crypto: the native
// halves into a Buffer reused across calls (the format's work alone), the Buffer allocation
// alone and with its pages touched (what every call returning a new Buffer pays, node:crypto's
// update() included), and the whole two-step call as the package makes it. Internal: it calls
// the addon (native.js) directly, not the public API. Mean µs per call over N calls after 50
// warm-up calls; MB/s of plaintext where it applies.
//   node bench/envelope-parts.cjs
const native = require('../native.js')
const { randomBytes, createCipheriv } = require('node:crypto')

const key = randomBytes(32)
const ctx = Buffer.alloc(0)
const slot = new native.SealWithKeySlot()

function time(name, n, bytes, fn) {
  for (let i = 0; i < 50; i++) fn()
  const start = process.hrtime.bigint()
  for (let i = 0; i < n; i++) fn()
  const us = Number(process.hrtime.bigint() - start) / 1e3 / n
  console.log(`${name.padEnd(48)} ${us.toFixed(2).padStart(9)} us${bytes ? ` ${(bytes / us).toFixed(0).padStart(6)} MB/s` : ''}`)
}

console.log(`node ${process.version}, load ${require('node:os').loadavg().map((l) => l.toFixed(2)).join(' ')}`)
for (const size of [1024, 65536, 1048576]) {
  const plain = randomBytes(size)
  const len = slot.prepare(key, size, ctx, undefined, undefined)
  const reused = Buffer.allocUnsafe(len)
  slot.sealTo(plain, reused)
  const sealed = Buffer.from(reused)
  const opened = Buffer.allocUnsafeSlow(size)
  const n = size >= 1 << 20 ? 300 : 3000
  time(`${size} B seal into a reused Buffer`, n, size, () => {
    slot.prepare(key, size, ctx, undefined, undefined)
    slot.sealTo(plain, reused)
  })
  time(`${size} B prepare alone (salt, HKDF, key setup)`, n, 0, () => slot.prepare(key, size, ctx, undefined, undefined))
  time(`${size} B Buffer.allocUnsafe alone`, n, 0, () => Buffer.allocUnsafe(len))
  time(`${size} B Buffer.allocUnsafe + fill`, n, size, () => Buffer.allocUnsafe(len).fill(1))
  time(`${size} B seal into a new Buffer (as sealWithKey)`, n, size, () => {
    slot.sealTo(plain, Buffer.allocUnsafe(slot.prepare(key, size, ctx, undefined, undefined)))
  })
  time(`${size} B open into a reused Buffer`, n, size, () => native.openWithKeyTo(key, sealed, ctx, opened))
  time(`${size} B open into a new Buffer (as openWithKey)`, n, size, () => {
    native.openWithKeyTo(key, sealed, ctx, Buffer.allocUnsafeSlow(native.openedLen(sealed)))
  })
  time(`${size} B node:crypto GCM encrypt`, n, size, () => {
    const c = createCipheriv('aes-256-gcm', key, randomBytes(12))
    c.update(plain)
    c.final()
    c.getAuthTag()
  })
}
