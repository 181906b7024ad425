// Envelope encryption as Node Transform streams: Model 1 / Model 2 / a caller's key through
// stream/promises.pipeline(); tampered and truncated streams error without releasing a
// failing frame; backpressure; and 1 GiB through encrypt and decrypt in constant memory.
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { test } from 'node:test'
import {
  Client,
  Model1,
  Model2,
  KmipkitIntegrityError,
  KmipkitFormatError,
  KmipkitCiphertextError,
  AbortError,
  createEncryptStreamWithKey,
  createDecryptStreamWithKey,
  openWithKey,
  sealWithKey,
  parseHeader,
} from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'

const { servers } = startServers(1)
const unique = `${process.pid}-${Date.now()}`
const FRAME = 64 * 1024

/** Collects a stream's output. @returns {[Writable, () => Buffer]} */
function collector() {
  /** @type {Buffer[]} */
  const parts = []
  const sink = new Writable({
    write(chunk, _enc, cb) {
      parts.push(chunk)
      cb()
    },
  })
  return [sink, () => Buffer.concat(parts)]
}

/** `data` as a Readable of chunks of `size` bytes. @param {Buffer} data @param {number} size */
function chunks(data, size) {
  return Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size)
    })(),
  )
}

/** @param {import('node:test').TestContext} t */
async function connect(t) {
  const client = await Client.connect(configObject(servers))
  t.after(() => client.close())
  return client
}

test('Model 1 streams: any chunk size, empty input, matches the in-memory format', async (t) => {
  const client = await connect(t)
  const model = new Model1(client, `node-skek-${unique}`)
  await model.ensureKek()
  const data = randomBytes(3 * FRAME + 123)
  for (const size of [1000, FRAME, 5 * FRAME]) {
    const [sink, out] = collector()
    await pipeline(chunks(data, size), model.createEncryptStream({ context: { file: 'a' } }), sink)
    const ciphertext = out()
    assert.equal(parseHeader(ciphertext).frameSize, FRAME)
    assert.deepEqual(await model.decrypt(ciphertext, { context: { file: 'a' } }), data)
    const [plainSink, plain] = collector()
    await pipeline(chunks(ciphertext, 777), model.createDecryptStream({ context: { file: 'a' } }), plainSink)
    assert.deepEqual(plain(), data)
  }
  const [sink, out] = collector()
  await pipeline(Readable.from([]), model.createEncryptStream(), sink)
  assert.deepEqual(await model.decrypt(out()), Buffer.alloc(0))
  // A data key the caller made: its protected form goes into the header.
  const dek = await model.createDek({ local: true })
  const [dekSink, dekOut] = collector()
  await pipeline(chunks(data, FRAME), model.createEncryptStream({ dataKey: dek }), dekSink)
  assert.deepEqual(parseHeader(dekOut()).wrappedDek, dek.protected)
  assert.deepEqual(await model.decrypt(dekOut()), data)
})

test('Model 2 streams round trip; wrong identifier or context fails', async (t) => {
  const client = await connect(t)
  const model = new Model2(client, `node-s2-${unique}:`)
  const data = randomBytes(2 * FRAME + 5)
  const [sink, out] = collector()
  await pipeline(chunks(data, 4096), model.createEncryptStream('alice', { context: { doc: '9' } }), sink)
  const ciphertext = out()
  assert.deepEqual(await model.decrypt('alice', ciphertext, { context: { doc: '9' } }), data)
  const [plainSink, plain] = collector()
  await pipeline(chunks(ciphertext, 10000), model.createDecryptStream('alice', { context: { doc: '9' } }), plainSink)
  assert.deepEqual(plain(), data)
  await assert.rejects(
    pipeline(chunks(ciphertext, FRAME), model.createDecryptStream('alice', { context: { doc: '8' } }), collector()[0]),
    KmipkitIntegrityError,
  )
  await assert.rejects(
    pipeline(chunks(ciphertext, FRAME), model.createDecryptStream('bob', { context: { doc: '9' } }), collector()[0]),
    KmipkitIntegrityError,
  )
})

test('tampered and truncated streams error; nothing of a failing frame is released', async () => {
  const key = randomBytes(32)
  const data = randomBytes(4 * FRAME)
  const ciphertext = sealWithKey(key, data, { context: { k: 'v' } })
  const bodyStart = parseHeader(ciphertext).headerLength
  const frameOnDisk = FRAME + 16

  // A flipped byte in the third frame: the first two frames (verified) may come out, never the third.
  const tampered = Buffer.from(ciphertext)
  tampered[bodyStart + 2 * frameOnDisk + 10] ^= 0x80
  const [sink, out] = collector()
  await assert.rejects(
    pipeline(chunks(tampered, 1000), createDecryptStreamWithKey(key, { context: { k: 'v' } }), sink),
    KmipkitIntegrityError,
  )
  assert.ok(out().length <= 2 * FRAME, `released ${out().length} bytes`)
  assert.deepEqual(out(), data.subarray(0, out().length))

  // Cut at a frame boundary, inside a frame, inside the header: each is an error at the end.
  for (const cut of [bodyStart + 2 * frameOnDisk, bodyStart + frameOnDisk + 100, 20]) {
    const [s, o] = collector()
    const err = await pipeline(chunks(ciphertext.subarray(0, cut), 4096), createDecryptStreamWithKey(key, { context: { k: 'v' } }), s).then(
      () => null,
      (e) => e,
    )
    assert.ok(err instanceof KmipkitCiphertextError, `cut at ${cut}: ${err}`)
    assert.ok(o().length < data.length)
  }
  const [s, o] = collector()
  await assert.rejects(
    pipeline(Readable.from([Buffer.from('PK\x03\x04 not ours')]), createDecryptStreamWithKey(key), s),
    KmipkitFormatError,
  )
  assert.equal(o().length, 0)
  // A wrong key fails on the header's key commitment, before any plaintext.
  const [w, wo] = collector()
  await assert.rejects(pipeline(chunks(ciphertext, FRAME), createDecryptStreamWithKey(randomBytes(32), { context: { k: 'v' } }), w), KmipkitIntegrityError)
  assert.equal(wo().length, 0)
})

test('streams with a caller key interoperate with the in-memory format both ways', async () => {
  const key = randomBytes(32)
  const data = randomBytes(FRAME + 1)
  const [sink, out] = collector()
  await pipeline(chunks(data, 3000), createEncryptStreamWithKey(key, { name: 'k', version: 3, uid: 'u', frameSize: 4096 }), sink)
  assert.deepEqual(parseHeader(out()).key, { name: 'k', version: 3, uid: 'u' })
  assert.equal(parseHeader(out()).frameSize, 4096)
  assert.deepEqual(openWithKey(key, out()), data)
  const [s2, o2] = collector()
  await pipeline(chunks(sealWithKey(key, data), 999), createDecryptStreamWithKey(key), s2)
  assert.deepEqual(o2(), data)
})

test('backpressure: a slow reader holds the encryptor back (bounded buffering)', async () => {
  const key = randomBytes(32)
  const encrypt = createEncryptStreamWithKey(key)
  let produced = 0
  const source = new Readable({
    read() {
      produced += FRAME
      this.push(produced > 64 * FRAME ? null : Buffer.alloc(FRAME))
    },
  })
  source.pipe(encrypt)
  // Nobody reads: the pipe stops after the buffers fill, far short of the 4 MiB on offer.
  await new Promise((resolve) => setTimeout(resolve, 200))
  assert.ok(produced <= 8 * FRAME, `produced ${produced} bytes with no reader`)
  const [sink, out] = collector()
  await pipeline(encrypt, createDecryptStreamWithKey(key), sink)
  assert.equal(out().length, 64 * FRAME)
})

test('an aborted signal destroys the stream with an AbortError', async (t) => {
  const client = await connect(t)
  const model = new Model2(client, `node-sab-${unique}:`)
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(
    pipeline(Readable.from([Buffer.from('x')]), model.createEncryptStream('a', { signal: controller.signal }), collector()[0]),
    (/** @type {any} */ e) => e.name === 'AbortError' || e instanceof AbortError,
  )
})

test('1 GiB through encrypt and decrypt streams in constant memory (RSS sampled)', async (t) => {
  const client = await connect(t)
  const model = new Model1(client, `node-big-${unique}`)
  await model.ensureKek()
  const total = 1024 * 1024 * 1024
  const block = randomBytes(FRAME)
  const inHash = createHash('sha256')
  let sent = 0
  // Generated as it is read: the same 64 KiB block with its offset stamped in, never held whole.
  const source = new Readable({
    read() {
      if (sent >= total) return this.push(null)
      const chunk = Buffer.from(block)
      chunk.writeUInt32LE(sent / FRAME, 0)
      sent += chunk.length
      inHash.update(chunk)
      this.push(chunk)
    },
  })
  const outHash = createHash('sha256')
  let received = 0
  const sink = new Writable({
    write(chunk, _enc, cb) {
      received += chunk.length
      outHash.update(chunk)
      cb()
    },
  })
  const started = Date.now()
  const baseline = process.memoryUsage().rss
  let peak = baseline
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 25)
  try {
    await pipeline(source, model.createEncryptStream({ context: { big: '1' } }), model.createDecryptStream({ context: { big: '1' } }), sink)
  } finally {
    clearInterval(sampler)
  }
  peak = Math.max(peak, process.memoryUsage().rss)
  const seconds = (Date.now() - started) / 1000
  const growth = peak - baseline
  t.diagnostic(`1 GiB encrypt+decrypt in ${seconds.toFixed(1)} s; RSS baseline ${(baseline / 2 ** 20).toFixed(0)} MiB, growth ${(growth / 2 ** 20).toFixed(1)} MiB`)
  assert.equal(received, total)
  assert.equal(outHash.digest('hex'), inHash.digest('hex'))
  // Constant memory: a few frames in the stream buffers and the core, plus allocator and GC
  // slack. Holding even a sixteenth of the data would exceed this bound.
  assert.ok(growth < 64 * 2 ** 20, `RSS grew by ${(growth / 2 ** 20).toFixed(1)} MiB`)
})
