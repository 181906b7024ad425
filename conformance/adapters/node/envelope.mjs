// The envelope actions of conformance/scenarios/README.md through the package: Model 1 and
// Model 2 in memory and as Transform streams, rotation, the key cache, ciphertext headers.
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BadRequest } from './line.mjs'
import { kmipkit } from './session.mjs'

const { Model1, Model2, Model1Rotation, Model2Rotation, parseHeader } = kmipkit

/** The step's context: raw bytes (`ctx_raw`) or key-value pairs in order; none: undefined. */
function context(r) {
  if (r.has('ctx_raw')) return r.bytes('ctx_raw')
  const keys = r.list('ctx_key'), values = r.list('ctx_value')
  if (keys.length !== values.length) throw new BadRequest('ctx_key and ctx_value differ in number')
  return keys.length ? keys.map((k, i) => [k, values[i]]) : undefined
}

/** `data` through a Transform in 4096-byte writes (several chunks, as a file would come). */
async function through(transform, data) {
  const chunks = []
  for (let at = 0; at < data.length; at += 4096) chunks.push(data.subarray(at, at + 4096))
  const out = []
  await pipeline(Readable.from(chunks), transform, new Writable({
    write(chunk, _encoding, done) {
      out.push(chunk)
      done()
    },
  }))
  return Buffer.concat(out)
}

// ---- Model 1 -----------------------------------------------------------------------------

/** The model of KEK `kek` (default: the step's) at its current version. */
async function model1(s, r, kek = r.text('kek')) {
  if (!kek) throw new BadRequest('missing argument kek')
  return Model1.fromConfig(await s.client(r), { kek, cache: s.cacheIf(r) })
}

async function model1Kek(s, r, reply) {
  const ref = await (await model1(s, r)).ensureKek()
  reply.int('version', ref.version)
  reply.text('id', ref.uid)
}

async function model1Crypt(s, r, reply) {
  const encrypting = r.action === 'model1_encrypt'
  const input = r.bytes(encrypting ? 'plaintext' : 'ciphertext') ?? Buffer.alloc(0)
  const ctx = context(r)
  // Decrypting without a `kek`: the KEK the ciphertext names.
  const kek = !encrypting && !r.has('kek') ? parseHeader(input).key.name : r.text('kek')
  const m = await model1(s, r, kek)
  let out
  if (r.has('stream')) {
    out = await through(encrypting ? m.createEncryptStream({ context: ctx }) : m.createDecryptStream({ context: ctx }), input)
  } else {
    out = await (encrypting ? m.encrypt(input, { context: ctx }) : m.decrypt(input, { context: ctx }))
  }
  reply.bytes(encrypting ? 'ciphertext' : 'plaintext', out)
}

// A new KEK version after the current one (as `kmipkit key rotate --kek` does).
async function model1Rotate(s, r, reply) {
  const current = await model1(s, r)
  const next = new Model1(await s.client(r), current.kekName, { version: current.kekVersion + 1, cache: s.cacheIf(r) })
  reply.int('version', (await next.ensureKek()).version)
}

async function model1Rotation(s, r, reply) {
  const rotation = new Model1Rotation(await model1(s, r))
  const ct = r.bytes('ciphertext') ?? Buffer.alloc(0)
  if (r.action === 'model1_rewrap') reply.bytes('ciphertext', await rotation.rewrap(ct))
  else reply.bool('current', rotation.isCurrent(ct))
}

// ---- Model 2 -----------------------------------------------------------------------------

async function model2(s, r) {
  return new Model2(await s.client(r), r.text('prefix') ?? '', { cache: s.cacheIf(r) })
}

async function model2Crypt(s, r, reply) {
  const encrypting = r.action === 'model2_encrypt'
  const input = r.bytes(encrypting ? 'plaintext' : 'ciphertext') ?? Buffer.alloc(0)
  const prefix = r.text('prefix') ?? ''
  let id = r.text('id')
  if (id === undefined && encrypting) throw new BadRequest('missing argument id')
  if (id === undefined) {
    // Decrypting without an `id`: the one the ciphertext names (its key name is prefix + id).
    const named = parseHeader(input).key.name
    id = named.startsWith(prefix) ? named.slice(prefix.length) : named
  }
  const ctx = context(r)
  const m = await model2(s, r)
  let out
  if (r.has('stream')) {
    out = await through(encrypting ? m.createEncryptStream(id, { context: ctx }) : m.createDecryptStream(id, { context: ctx }), input)
  } else {
    out = await (encrypting ? m.encrypt(id, input, { context: ctx }) : m.decrypt(id, input, { context: ctx }))
  }
  reply.bytes(encrypting ? 'ciphertext' : 'plaintext', out)
}

// model2_key: the id's current version (created on first use); model2_rotate: a new version,
// promoted to the one that encrypts.
async function model2Version(s, r, reply) {
  const m = await model2(s, r)
  const id = r.need('id')
  if (r.action === 'model2_key') {
    const ref = await m.currentKey(id)
    reply.text('id', ref.uid)
    reply.int('version', ref.version)
  } else {
    const rotation = new Model2Rotation(m)
    const ref = await rotation.addVersion(id)
    await rotation.promote(id, ref.version)
    reply.int('version', ref.version)
  }
}

// One ciphertext re-encrypted under the id's current version; one already current comes back
// unchanged (the sink is not called for it).
async function model2Reencrypt(s, r, reply) {
  const ct = r.bytes('ciphertext') ?? Buffer.alloc(0)
  const rotation = new Model2Rotation(await model2(s, r))
  let out = ct
  await rotation.reencryptTo(r.need('id'), [{ item: 0, ciphertext: ct, context: context(r) }], (_item, next) => {
    out = next
  })
  reply.bytes('ciphertext', out)
}

async function cacheStats(s, _r, reply) {
  const stats = s.cache().stats()
  reply.int('hits', stats.hits)
  reply.int('misses', stats.misses)
  reply.int('entries', stats.entries)
}

// The header's key reference; the model by FORMAT.md §2: only Model 1 carries a wrapped DEK.
async function header(_s, r, reply) {
  const h = parseHeader(r.bytes('ciphertext') ?? Buffer.alloc(0))
  reply.int('model', h.wrappedDek.length > 0 ? 1 : 2)
  reply.text('key_name', h.key.name)
  reply.int('key_version', h.key.version)
}

export const ENVELOPE = {
  model1_kek: model1Kek, model1_encrypt: model1Crypt, model1_decrypt: model1Crypt, model1_rotate: model1Rotate,
  model1_rewrap: model1Rotation, model1_is_current: model1Rotation,
  model2_encrypt: model2Crypt, model2_decrypt: model2Crypt, model2_key: model2Version, model2_rotate: model2Version,
  model2_reencrypt: model2Reencrypt, cache_stats: cacheStats, header,
}
