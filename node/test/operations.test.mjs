// Every operation of the foundation against a live PyKMIP server, connected by path and by object.
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { test } from 'node:test'
import { Client, KmipkitServerError, KmipkitClosedError, KmipkitCodecError } from 'kmipkit'
import { startServers, configObject, configFile } from './support/servers.mjs'

const { dir, servers } = startServers(1)

test('connect by path: Query and Discover Versions', async () => {
  const client = await Client.connect(configFile(dir, servers))
  try {
    assert.deepEqual(client.serverNames, ['primary'])
    assert.match(client.version, /^[12]\.\d$/)
    const info = await client.query()
    assert.ok(info.operations.includes('Create'), JSON.stringify(info.operations))
    assert.ok(Array.isArray(info.objectTypes))
    assert.match(String(info.vendorIdentification), /PyKMIP/)
    assert.ok(info.operations.includes('DiscoverVersions'))
    const versions = await client.discoverVersions(['2.0', '1.4'])
    assert.deepEqual(versions, ['2.0', '1.4'])
    const all = await client.discoverVersions()
    assert.ok(all.includes('1.0'), JSON.stringify(all))
  } finally {
    await client.close()
  }
})

test('an AES key through its life: create, get, activate, attributes, locate, encrypt, decrypt, revoke, destroy', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client[Symbol.asyncDispose]())
  const name = `node-life-${process.pid}-${Date.now()}`
  const id = await client.createAesKey(name, { bits: 256 })
  assert.equal(typeof id, 'string')

  const plain = await client.get(id)
  assert.equal(plain.uniqueIdentifier, id)
  assert.equal(plain.objectType, 'SymmetricKey')
  assert.equal(plain.cryptographicAlgorithm, 'AES')
  assert.equal(plain.cryptographicLength, 256)
  assert.equal(plain.material, undefined, 'no key bytes unless asked')
  const withKey = await client.get(id, { includeKeyMaterial: true })
  assert.ok(Buffer.isBuffer(withKey.material))
  assert.equal(withKey.material.length, 32)
  assert.ok(!inspect(withKey).includes('Buffer'), 'key bytes are not shown by inspect')
  assert.ok(!inspect(withKey).includes('material'))
  assert.ok(!JSON.stringify(withKey).includes('material'))

  let attributes = await client.getAttributes(id, ['State', 'CryptographicUsageMask', 'Name'])
  assert.equal(attributes.State, 'PreActive')
  assert.deepEqual(attributes.CryptographicUsageMask, ['Encrypt', 'Decrypt'])
  assert.equal(attributes.Name, name)
  await client.activate(id)
  attributes = await client.getAttributes(id)
  assert.equal(attributes.State, 'Active')
  assert.equal(attributes.CryptographicAlgorithm, 'AES')

  assert.deepEqual(await client.locateByName(name), [id])
  assert.deepEqual(await client.locate({ Name: name }), [id])
  const active = await client.locate([['ObjectType', 'SymmetricKey'], ['State', 'Active']])
  assert.ok(active.includes(id))
  assert.deepEqual(await client.locate({ Name: `${name}-absent` }), [])

  const data = new TextEncoder().encode('sixteen byte msg')
  const parameters = { CryptographicAlgorithm: 'AES', BlockCipherMode: 'CBC', PaddingMethod: 'PKCS5', RandomIV: true }
  const sealed = await client.encrypt(id, data, { parameters })
  assert.ok(Buffer.isBuffer(sealed.data))
  assert.ok(Buffer.isBuffer(sealed.iv))
  assert.notDeepEqual(sealed.data, Buffer.from(data))
  const opened = await client.decrypt(id, sealed.data, {
    parameters: { CryptographicAlgorithm: 'AES', BlockCipherMode: 'CBC', PaddingMethod: 'PKCS5' },
    iv: sealed.iv,
  })
  assert.deepEqual(opened, Buffer.from(data))

  await assert.rejects(client.destroy(id), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitServerError)
    assert.equal(err.reason, 'PermissionDenied', 'an active key is not destroyed')
    return true
  })
  await client.revoke(id, 'CessationOfOperation', { message: 'test done' })
  assert.equal((await client.getAttributes(id, ['State'])).State, 'Deactivated')
  await client.destroy(id)
  await assert.rejects(client.get(id), (err) => {
    assert.ok(err instanceof KmipkitServerError, String(err))
    assert.equal(err.code, 'KMIPKIT_SERVER')
    assert.equal(err.kmipkitCode, 0x0301)
    assert.equal(err.kind, 'Server')
    assert.equal(err.reason, 'ItemNotFound')
    assert.equal(err.operation, 'Get')
    return true
  })
})

test('a server refusal names its KMIP Result Reason', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client[Symbol.asyncDispose]())
  await assert.rejects(client.activate('no-such-object-42'), (err) => {
    assert.ok(err instanceof KmipkitServerError)
    assert.equal(err.reason, 'ItemNotFound')
    assert.equal(err.operation, 'Activate')
    assert.ok(!err.message.startsWith('kmipkit-error:'), err.message)
    return true
  })
})

test('bad arguments reject with the core\'s message before anything is sent', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client[Symbol.asyncDispose]())
  await assert.rejects(client.locate({ CryptoAlgorithm: 'AES' }), (err) => {
    assert.ok(err instanceof KmipkitCodecError)
    assert.equal(err.code, 'KMIPKIT_ENCODE')
    assert.match(err.message, /unknown attribute/)
    return true
  })
  await assert.rejects(client.revoke('1', 'Bored'), /unknown reason "Bored"/)
  await assert.rejects(client.discoverVersions(['9.x']), KmipkitCodecError)
  // @ts-expect-error: text is not bytes, on purpose
  await assert.rejects(client.encrypt('1', 'text'), TypeError)
})

test('close, asyncDispose and inspect', async () => {
  const client = await Client.connect(configObject(servers))
  assert.match(inspect(client), /Client \{ servers: \["primary"\], version: '/)
  assert.equal(client.closed, false)
  await client[Symbol.asyncDispose]()
  await client.close()
  assert.equal(client.closed, true)
  assert.equal(inspect(client), 'Client { closed }')
  await assert.rejects(client.query(), KmipkitClosedError)
  assert.throws(() => client.version, KmipkitClosedError)
})
