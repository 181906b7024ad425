// Model 1 and Model 2 in memory against a live PyKMIP server: round trips with plain-object
// contexts, wrong context, a tampered byte, a destroyed key, data keys, the key cache, abort.
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { test } from 'node:test'
import {
  Client,
  Model1,
  Model2,
  KeyCache,
  Model2Rotation,
  KmipkitIntegrityError,
  KmipkitCiphertextError,
  KmipkitCodecError,
  KmipkitError,
  AbortError,
  encodeContext,
  decodeContext,
  parseHeader,
} from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'

const { servers } = startServers(1)
const unique = `${process.pid}-${Date.now()}`

/** @param {import('node:test').TestContext} t @param {object} [overrides] */
async function connect(t, overrides = {}) {
  const client = await Client.connect(configObject(servers, overrides))
  t.after(() => client.close())
  return client
}

test('contexts: a plain object is encoded canonically by the core, in any key order', () => {
  const a = encodeContext({ table: 'orders', row: '7' })
  const b = encodeContext({ row: '7', table: 'orders' })
  assert.deepEqual(a, b)
  assert.equal(a.toString(), 'row=7\ntable=orders')
  assert.deepEqual(decodeContext(a), { row: '7', table: 'orders' })
  assert.equal(decodeContext(Buffer.from('no equals sign')), null)
  assert.throws(() => encodeContext({ 'a=b': 'x' }), KmipkitCodecError)
  // @ts-expect-error a value that is not a string
  assert.throws(() => encodeContext({ a: 1 }), TypeError)
})

test('Model 1: encrypt and decrypt in memory with a context object; wrong context and tampering fail', async (t) => {
  const client = await connect(t)
  const model = new Model1(client, `node-kek-${unique}`)
  const kek = await model.ensureKek()
  assert.equal(kek.name, `node-kek-${unique}`)
  assert.equal(kek.version, 1)
  assert.equal(model.kekKeyName, `node-kek-${unique}/v1`)

  const plaintext = Buffer.from('card 4111 1111 1111 1111')
  const context = { table: 'orders', row: '7' }
  const ciphertext = await model.encrypt(plaintext, { context })
  assert.ok(!ciphertext.includes(plaintext))
  const header = parseHeader(ciphertext)
  assert.equal(header.key.name, `node-kek-${unique}`)
  assert.ok(header.wrappedDek.length > 0)
  assert.deepEqual(await model.decrypt(ciphertext, { context: { row: '7', table: 'orders' } }), plaintext)
  // The same context as its canonical bytes.
  assert.deepEqual(await model.decrypt(ciphertext, { context: encodeContext(context) }), plaintext)

  await assert.rejects(model.decrypt(ciphertext, { context: { table: 'orders', row: '8' } }), KmipkitIntegrityError)
  await assert.rejects(model.decrypt(ciphertext), KmipkitIntegrityError)
  const tampered = Buffer.from(ciphertext)
  tampered[tampered.length - 20] ^= 0x01
  const err = await model.decrypt(tampered, { context }).catch((e) => e)
  assert.ok(err instanceof KmipkitIntegrityError, String(err))
  assert.equal(err.code, 'KMIPKIT_INTEGRITY')
  assert.ok(!String(err.message).includes('4111'))
  await assert.rejects(model.decrypt(Buffer.from('not a ciphertext')), KmipkitCiphertextError)
})

test('Model 1: data keys from the key manager and local ones, unlock, protect; inspect hides the key', async (t) => {
  const client = await connect(t)
  const model = new Model1(client, `node-dek-${unique}`)
  await model.ensureKek()
  for (const local of [false, true]) {
    const dek = await model.createDek({ local })
    assert.equal(dek.expose().length, 32)
    assert.ok(!inspect(dek).includes(dek.expose().toString('hex')))
    assert.deepEqual(Object.keys(dek), ['protected'])
    const sealed = dek.seal(Buffer.from('row'), { context: { a: 'b' } })
    assert.deepEqual(await model.decrypt(sealed, { context: { a: 'b' } }), Buffer.from('row'))
    const unlocked = await model.unlock(dek.protected)
    assert.deepEqual(unlocked.expose(), dek.expose())
  }
  const own = Buffer.alloc(32, 9)
  const protectedKey = await model.protect(own)
  assert.deepEqual((await model.unlock(protectedKey)).expose(), own)
  await assert.rejects(model.protect(Buffer.alloc(31)), KmipkitCodecError)
})

test('Model 1 from the configuration: [key] name, and an argument overriding it', async (t) => {
  const client = await connect(t, { key: { name: `node-cfg-${unique}`, version: 1 } })
  const configured = await Model1.fromConfig(client)
  assert.equal(configured.kekName, `node-cfg-${unique}`)
  assert.equal(configured.kekVersion, 1)
  await configured.ensureKek()
  const named = await Model1.fromConfig(client, { kek: `node-arg-${unique}` })
  assert.equal(named.kekName, `node-arg-${unique}`)
  const bare = await connect(t)
  await assert.rejects(Model1.fromConfig(bare), /no KEK named/)
})

test('Model 2: per-identifier keys, versions, current key; wrong identifier and context fail', async (t) => {
  const client = await connect(t)
  const model = new Model2(client, `node-m2-${unique}:`)
  assert.equal(model.keyName('alice'), `node-m2-${unique}:alice`)
  assert.equal(await model.findKey('alice'), null)
  const ciphertext = await model.encrypt('alice', Buffer.from('hello alice'), { context: { doc: '1' } })
  const current = await model.currentKey('alice')
  assert.equal(current.version, 1)
  assert.deepEqual(await model.findKey('alice'), current)
  const versions = await model.versions('alice')
  assert.equal(versions.length, 1)
  assert.equal(versions[0].state, 'Active')
  assert.deepEqual(await model.decrypt('alice', ciphertext, { context: { doc: '1' } }), Buffer.from('hello alice'))
  await assert.rejects(model.decrypt('alice', ciphertext, { context: { doc: '2' } }), KmipkitIntegrityError)
  await assert.rejects(model.decrypt('bob', ciphertext, { context: { doc: '1' } }), KmipkitIntegrityError)
})

test('Model 2: a destroyed key version no longer decrypts', async (t) => {
  const client = await connect(t)
  const model = new Model2(client, `node-gone-${unique}:`)
  const ciphertext = await model.encrypt('carol', Buffer.from('secret'))
  const key = await model.currentKey('carol')
  await client.revoke(key.uid, 'KeyCompromise')
  await client.destroy(key.uid)
  model.forget('carol')
  const err = await model.decrypt('carol', ciphertext).catch((e) => e)
  assert.ok(err instanceof Error && err.name.startsWith('Kmipkit'), String(err))
  assert.ok(!(await model.decrypt('carol', ciphertext).then(() => true, () => false)))
})

test('the key cache: shared by models, counts hits, purges', async (t) => {
  const client = await connect(t)
  const cache = new KeyCache({ maxAge: 60, maxUses: 1000, maxBytes: 4096 })
  const model = new Model2(client, `node-cache-${unique}:`, { cache })
  const ciphertext = await model.encrypt('dave', Buffer.from('x'))
  for (let i = 0; i < 3; i++) await model.decrypt('dave', ciphertext)
  const stats = cache.stats()
  assert.ok(stats.hits >= 2, JSON.stringify(stats))
  assert.ok(cache.size >= 1)
  assert.ok(stats.bytes >= 32)
  assert.match(inspect(cache), /KeyCache \{ entries: \d+/)
  cache.purge()
  assert.equal(cache.size, 0)
  assert.throws(() => new KeyCache({ maxAge: -1 }), /maxAge/)
  assert.throws(() => new KeyCache({ maxUses: 1.5 }), /maxUses/)
  // @ts-expect-error not a KeyCache
  assert.throws(() => new Model2(client, 'x-', { cache: {} }), TypeError)
})

test('AbortSignal: an aborted signal rejects before anything is sent', async (t) => {
  const client = await connect(t)
  const model = new Model2(client, `node-abort-${unique}:`)
  const controller = new AbortController()
  controller.abort()
  await assert.rejects(model.encrypt('eve', Buffer.from('x'), { signal: controller.signal }), AbortError)
  assert.equal(await model.findKey('eve'), null)
})

test('Model 2 rotation: add, promote, deactivate a version; old ciphertexts still decrypt', async (t) => {
  const client = await connect(t)
  const model = new Model2(client, `node-ver-${unique}:`)
  const rotation = new Model2Rotation(model)
  const v1 = await model.encrypt('frank', Buffer.from('one'))
  const added = await rotation.addVersion('frank')
  assert.equal(added.version, 2)
  assert.deepEqual((await rotation.versions('frank')).map((v) => v.state), ['Active', 'PreActive'])
  await rotation.promote('frank', 2)
  await rotation.deactivate('frank', 1)
  model.forget('frank')
  assert.equal((await model.currentKey('frank')).version, 2)
  assert.equal(parseHeader(await model.encrypt('frank', Buffer.from('two'))).key.version, 2)
  assert.deepEqual(await model.decrypt('frank', v1), Buffer.from('one'))
  await assert.rejects(rotation.revoke('frank', 1, 'NoSuchReason'), KmipkitCodecError)
  await assert.rejects(rotation.promote('frank', 9), KmipkitError)
})
