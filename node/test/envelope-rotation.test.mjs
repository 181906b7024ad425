// Rotation against a live PyKMIP server, with progress as an async iterator and as events:
// Model 1 re-wrapping to a new KEK version and Model 2 re-encryption to a new primary version.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Client, Model1, Model2, Model1Rotation, Model2Rotation, KmipkitIntegrityError, parseHeader } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'

const { servers } = startServers(1)
const unique = `${process.pid}-${Date.now()}`

/** @param {import('node:test').TestContext} t */
async function connect(t) {
  const client = await Client.connect(configObject(servers))
  t.after(() => client.close())
  return client
}

test('Model 1: re-wrap items to KEK v2 in batches, progress by iterator and by events', async (t) => {
  const client = await connect(t)
  const kek = `node-rot-${unique}`
  const v1 = new Model1(client, kek, { version: 1 })
  await v1.ensureKek()
  const dek = await v1.createDek()
  /** @type {Map<string, Buffer>} */
  const store = new Map()
  for (let i = 0; i < 7; i++) store.set(`row-${i}`, dek.seal(Buffer.from(`row ${i}`), { context: { row: String(i) } }))
  store.set('row-7', await v1.encrypt(Buffer.from('row 7'), { context: { row: '7' } }))

  const v2 = new Model1(client, kek, { version: 2 })
  await v2.ensureKek()
  const rotation = new Model1Rotation(v2)
  assert.equal(rotation.isCurrent(/** @type {Buffer} */ (store.get('row-0'))), false)
  /** @type {any[]} */
  const events = []
  rotation.on('progress', (p) => events.push(p))
  const items = [...store].map(([item, ciphertext]) => ({ item, ciphertext }))
  let last
  for await (const p of rotation.rewrapAll(items, { batchSize: 3 })) {
    assert.ok(p.ciphertext, `${p.item} was rewritten`)
    store.set(p.item, p.ciphertext)
    last = p
  }
  assert.equal(events.length, 8)
  assert.deepEqual(events.map((e) => e.processed), [1, 2, 3, 4, 5, 6, 7, 8])
  assert.equal(last?.rotated, 8)
  // Two distinct data keys: one unlock and one protect (Locate + Encrypt) each, remembered by
  // the rotation across batches.
  assert.equal(last?.keyManagerCalls, 6)
  for (const [item, ciphertext] of store) {
    assert.equal(parseHeader(ciphertext).key.name, kek)
    assert.ok(rotation.isCurrent(ciphertext))
    const row = item.slice(4)
    assert.deepEqual(await v2.decrypt(ciphertext, { context: { row } }), Buffer.from(`row ${row}`))
  }
  // A second run finds everything current, through the sink form.
  /** @type {any[]} */
  const seen = []
  const counts = await rotation.rewrapAllTo(
    [...store].map(([item, ciphertext]) => ({ item, ciphertext })),
    () => assert.fail('nothing to store'),
    { onProgress: (p) => seen.push(p.item) },
  )
  assert.deepEqual(counts, { processed: 8, rotated: 0, alreadyCurrent: 8, keyManagerCalls: 0 })
  assert.equal(seen.length, 8)
  // A ciphertext under another KEK is refused.
  const other = new Model1(client, `node-other-${unique}`)
  await other.ensureKek()
  const foreign = await other.encrypt(Buffer.from('x'))
  await assert.rejects(rotation.rewrap(foreign), KmipkitIntegrityError)
})

test('Model 2: re-encrypt an async iterable of items to the new primary version', async (t) => {
  const client = await connect(t)
  const model = new Model2(client, `node-rot2-${unique}:`)
  const rotation = new Model2Rotation(model)
  /** @type {Array<{ item: number, ciphertext: Buffer, context: Record<string, string> }>} */
  const rows = []
  for (let i = 0; i < 5; i++) {
    const context = { n: String(i) }
    rows.push({ item: i, context, ciphertext: await model.encrypt('grace', Buffer.from(`v1 ${i}`), { context }) })
  }
  await rotation.addVersion('grace')
  await rotation.promote('grace', 2)
  model.forget('grace')
  async function* source() {
    for (const row of rows) yield row
  }
  let events = 0
  rotation.on('progress', () => events++)
  const stored = new Map()
  const counts = await rotation.reencryptTo('grace', source(), (item, ciphertext) => {
    stored.set(item, ciphertext)
  }, { batchSize: 2 })
  assert.equal(counts.processed, 5)
  assert.equal(counts.rotated, 5)
  assert.equal(events, 5)
  for (const row of rows) {
    const ciphertext = stored.get(row.item)
    assert.equal(parseHeader(ciphertext).key.version, 2)
    assert.deepEqual(await model.decrypt('grace', ciphertext, { context: row.context }), Buffer.from(`v1 ${row.item}`))
  }
  // Items already under version 2 are skipped; an unknown identifier is refused.
  const again = rotation.reencrypt('grace', rows.map((r) => ({ ...r, ciphertext: stored.get(r.item) })))
  for await (const p of again) assert.equal(p.ciphertext, undefined)
  await assert.rejects(async () => {
    for await (const _ of rotation.reencrypt('nobody', rows)) assert.fail('no progress expected')
  }, /no key exists/)
  await assert.rejects(async () => {
    // @ts-expect-error not iterable
    for await (const _ of rotation.reencrypt('grace', 42)) assert.fail('no progress expected')
  }, TypeError)
})
