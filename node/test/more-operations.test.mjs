// The operations beyond the foundation's, each against a live PyKMIP 0.11 server; where PyKMIP
// lacks an operation, its refusal is checked exactly (class, code, Result Reason), as the
// Python tests do (python/tests/test_client.py, test_composites.py).
import assert from 'node:assert/strict'
import { createCipheriv, createHmac, hkdfSync } from 'node:crypto'
import { test } from 'node:test'
import { Client, KmipkitServerError, KmipkitCodecError, AbortError } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'

const { servers } = startServers(1)
/** @type {Client} */
let client
const unique = `node-ops-${process.pid}-${Date.now()}`

test.before(async () => {
  client = await Client.connect(configObject(servers))
})
test.after(() => client?.close())

test('create: a symmetric key and secret data the server makes', async () => {
  const id = await client.create('SymmetricKey', {
    CryptographicAlgorithm: 'AES',
    CryptographicLength: 128,
    CryptographicUsageMask: ['Encrypt', 'Decrypt'],
    Name: `${unique}-create`,
  })
  const key = await client.get(id, { includeKeyMaterial: true })
  assert.equal(key.objectType, 'SymmetricKey')
  assert.equal(key.cryptographicLength, 128)
  assert.equal(key.material?.length, 16)
  await assert.rejects(client.create('NoSuchType', {}), KmipkitCodecError)
})

test('get with wrappingKey: the key wrapped by another (AES key wrap, RFC 3394), as node:crypto wraps it', async () => {
  const kekBytes = Buffer.from(Array.from({ length: 32 }, (_, i) => i))
  const keyBytes = Buffer.from(Array.from({ length: 16 }, (_, i) => 0x10 + i))
  const kek = await client.register(kekBytes, {
    attributes: { Name: `${unique}-kw-kek`, CryptographicUsageMask: ['WrapKey', 'UnwrapKey', 'Encrypt', 'Decrypt'] },
  })
  await client.activate(kek) // the server wraps only under an active key
  const key = await client.register(keyBytes, { attributes: { Name: `${unique}-kw-key` } })
  const got = await client.get(key, { includeKeyMaterial: true, wrappingKey: kek })
  assert.equal(got.wrapped, true)
  const wrap = createCipheriv('id-aes256-wrap', kekBytes, Buffer.from('a6a6a6a6a6a6a6a6', 'hex'))
  const expected = Buffer.concat([wrap.update(keyBytes), wrap.final()])
  assert.equal(expected.toString('hex'), 'd333614f36b9d411b8c726675f758a377cd86eb83fcc7c37')
  assert.deepEqual(got.material, expected)
  // Without a wrapping key the same key comes plain.
  assert.deepEqual((await client.get(key, { includeKeyMaterial: true })).material, keyBytes)
  await assert.rejects(client.get(key, { wrappingKey: `${unique}-no-such-kek` }), KmipkitServerError)
})

test('register: key bytes, secret data; the server hands back what was stored', async () => {
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => i))
  const id = await client.register(key, {
    attributes: { Name: `${unique}-reg`, CryptographicUsageMask: ['Encrypt', 'Decrypt'] },
  })
  assert.deepEqual((await client.get(id, { includeKeyMaterial: true })).material, key)
  const sid = await client.register(new TextEncoder().encode('hunter2'), {
    objectType: 'SecretData',
    attributes: { Name: `${unique}-secret` },
  })
  const secret = await client.get(sid, { includeKeyMaterial: true })
  assert.equal(secret.objectType, 'SecretData')
  assert.equal(secret.material?.toString(), 'hunter2')
  await assert.rejects(client.register(/** @type {any} */ ('not bytes')), TypeError)
  await assert.rejects(client.register(key, { algorithm: 'NoSuchAlgorithm' }), KmipkitCodecError)
})

test('attributes: get list, set, modify, delete', async () => {
  const name = `${unique}-attrs`
  const id = await client.createAesKey(name)
  const list = await client.getAttributeList(id)
  assert.ok(list.includes('Name') && list.includes('CryptographicAlgorithm'), JSON.stringify(list))
  assert.equal((await client.getAttributes(id, ['Sensitive'])).Sensitive, false)
  await client.setAttribute(id, 'Sensitive', true)
  assert.equal((await client.getAttributes(id, ['Sensitive'])).Sensitive, true)
  await client.modifyAttribute(id, 'Name', `${name}-renamed`, { current: name })
  assert.deepEqual(await client.locateByName(`${name}-renamed`), [id])
  assert.deepEqual(await client.locateByName(name), [])
  await client.deleteAttribute(id, 'Name')
  assert.ok(!('Name' in (await client.getAttributes(id))))
  // Set Attribute is for single-valued attributes; PyKMIP says so for Name.
  await assert.rejects(client.setAttribute(id, 'Name', `${name}-set`), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitServerError)
    assert.equal(err.reason, 'MultiValuedAttribute')
    assert.equal(err.operation, 'SetAttribute')
    return true
  })
  await assert.rejects(client.addAttribute(id, 'NoSuchAttribute', 1), KmipkitCodecError)
})

test('a key pair: create, sign, signature verify', async () => {
  const pair = await client.createKeyPair({
    common: { CryptographicAlgorithm: 'RSA', CryptographicLength: 2048 },
    privateKey: { CryptographicUsageMask: ['Sign'], Name: `${unique}-priv` },
    publicKey: { CryptographicUsageMask: ['Verify'], Name: `${unique}-pub` },
  })
  assert.notEqual(pair.privateKeyId, pair.publicKeyId)
  await client.activate(pair.privateKeyId)
  await client.activate(pair.publicKeyId)
  const parameters = { DigitalSignatureAlgorithm: 'SHA_256WithRSAEncryption', PaddingMethod: 'PKCS1V1_5' }
  const message = Buffer.from('msg')
  const signature = await client.sign(pair.privateKeyId, message, { parameters })
  assert.equal(signature.length, 256)
  assert.equal(await client.signatureVerify(pair.publicKeyId, message, signature, { parameters }), true)
  assert.equal(await client.signatureVerify(pair.publicKeyId, Buffer.from('other'), signature, { parameters }), false)
})

test('MAC with a registered HMAC key equals node:crypto HMAC-SHA256', async () => {
  const macKey = Buffer.alloc(32, 'k')
  const id = await client.register(macKey, {
    algorithm: 'HMAC_SHA256',
    attributes: { Name: `${unique}-mac`, CryptographicUsageMask: ['MACGenerate'] },
  })
  await client.activate(id)
  const data = Buffer.from('data')
  const mac = await client.mac(id, data, { parameters: { CryptographicAlgorithm: 'HMAC_SHA256' } })
  assert.deepEqual(mac, createHmac('sha256', macKey).update(data).digest())
})

test('derive key: PyKMIP HMAC derivation is HKDF, equal to node:crypto hkdfSync', async () => {
  const baseKey = Buffer.from(Array.from({ length: 32 }, (_, i) => i))
  const base = await client.register(baseKey, {
    attributes: { Name: `${unique}-base`, CryptographicUsageMask: ['DeriveKey'] },
  })
  const salt = Buffer.from('kmipkit salt')
  const info = Buffer.from('kmipkit derivation context')
  const derived = await client.deriveKey(base, 'HMAC', info, {
    attributes: { CryptographicAlgorithm: 'AES', CryptographicLength: 256 },
    parameters: { HashingAlgorithm: 'SHA_256' },
    salt,
  })
  const expected = Buffer.from(hkdfSync('sha256', baseKey, salt, info, 32))
  assert.deepEqual((await client.get(derived, { includeKeyMaterial: true })).material, expected)
  await assert.rejects(client.deriveKey(base, 'NoSuchMethod', info), KmipkitCodecError)
})

// PyKMIP 0.11 answers an operation its decoder knows but does not implement with
// OperationNotSupported (naming the operation); one its decoder lacks, by refusing the whole
// message as InvalidMessage (no operation named). The core's server profile adds what to do.
test('operations PyKMIP 0.11 lacks are refused with their exact reason and explanation', async () => {
  const id = await client.createAesKey(`${unique}-refused`)
  /** @type {Array<[string, () => Promise<unknown>, string, string | undefined]>} */
  const table = [
    ['Check', () => client.check(id), 'OperationNotSupported', 'Check'],
    ['ReKey', () => client.rekey(id), 'OperationNotSupported', 'ReKey'],
    ['ReKeyKeyPair', () => client.rekeyKeyPair(id), 'OperationNotSupported', 'ReKeyKeyPair'],
    ['AddAttribute', () => client.addAttribute(id, 'Name', `${unique}-added`), 'InvalidMessage', undefined],
    ['Archive', () => client.archive(id), 'InvalidMessage', undefined],
    ['Recover', () => client.recover(id), 'InvalidMessage', undefined],
    ['RNGRetrieve', () => client.rngRetrieve(16), 'InvalidMessage', undefined],
    ['RNGSeed', () => client.rngSeed(Buffer.alloc(16, 7)), 'InvalidMessage', undefined],
    ['Hash', () => client.hash(Buffer.from('data'), 'SHA_256'), 'InvalidMessage', undefined],
    ['MACVerify', () => client.macVerify(id, Buffer.from('data'), Buffer.alloc(32)), 'InvalidMessage', undefined],
    ['Poll', () => client.poll(Buffer.from('correlation')), 'InvalidMessage', undefined],
    ['Cancel', () => client.cancel(Buffer.from('correlation')), 'InvalidMessage', undefined],
  ]
  for (const [operation, call, reason, named] of table) {
    await assert.rejects(call(), (/** @type {any} */ err) => {
      assert.ok(err instanceof KmipkitServerError, `${operation}: ${err?.name}: ${err?.message}`)
      assert.equal(err.code, 'KMIPKIT_SERVER')
      assert.equal(err.kind, 'Server')
      assert.equal(typeof err.kmipkitCode, 'number')
      assert.equal(err.reason, reason, `${operation}: ${err.message}`)
      assert.equal(err.operation, named, operation)
      assert.ok(String(err.explanation).startsWith(`PyKMIP 0.11.0 does not implement ${operation} `), err.explanation)
      assert.ok(err.message.includes(String(err.explanation)))
      return true
    })
  }
  // The refusals changed nothing: the key is still there, with its name.
  assert.deepEqual(await client.locateByName(`${unique}-refused`), [id])
})

test('arguments are checked before anything is sent', async () => {
  await assert.rejects(client.rngRetrieve(0), RangeError)
  await assert.rejects(client.rngRetrieve(1.5), RangeError)
  await assert.rejects(client.hash(Buffer.from('x'), 'NoSuchHash'), KmipkitCodecError)
  await assert.rejects(client.sign('id', /** @type {any} */ (42)), TypeError)
  await assert.rejects(client.poll(/** @type {any} */ ('abc')), TypeError)
  await assert.rejects(client.sign('id', Buffer.from('x'), { parameters: { NoSuchField: 1 } }), KmipkitCodecError)
  const aborted = AbortSignal.abort()
  await assert.rejects(client.register(Buffer.alloc(32), { signal: aborted }), AbortError)
})

test('a closed client refuses the new operations too', async () => {
  const other = await Client.connect(configObject(servers))
  await other.close()
  await assert.rejects(other.rngRetrieve(8), { code: 'ERR_KMIPKIT_CLOSED' })
  await assert.rejects(other.create('SymmetricKey', {}), { code: 'ERR_KMIPKIT_CLOSED' })
})
