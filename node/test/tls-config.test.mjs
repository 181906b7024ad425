// The TLS and configuration failures the Python suite checks (python/tests/test_errors.py),
// each with its error class and .code, against real PyKMIP servers. The simpler cases (one
// server from an unknown CA, a misspelt key in an object, a file other users can read, a port
// nobody listens on) are in errors.test.mjs.
import assert from 'node:assert/strict'
import { chmodSync, copyFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { Client, KmipkitCertificateError, KmipkitConfigError, KmipkitConnectionError } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'
import { startPresenting } from './support/harness.mjs'

const { dir, servers } = startServers(1)
const wrongHost = startPresenting('wrong-host')
const expired = startPresenting('expired')
const slow = { timeouts: { connect: '2s', request: '5s', deadline: '60s', failover_delay: '50ms' } }

/**
 * Asserts `err` is a certificate error (a connection error), code KMIPKIT_CERTIFICATE.
 * @param {any} err @param {RegExp} text what its message says
 */
function certificateError(err, text) {
  assert.ok(err instanceof KmipkitCertificateError, `${err?.name}: ${err?.message}`)
  assert.ok(err instanceof KmipkitConnectionError)
  assert.equal(err.code, 'KMIPKIT_CERTIFICATE')
  assert.equal(err.kmipkitCode, 0x0203)
  assert.equal(err.kind, 'Certificate')
  assert.equal(err.category, 'connection')
  assert.match(err.message, text)
  return true
}

test('two servers from another CA: a certificate error naming each once, not "all servers failed"', async () => {
  const config = configObject([servers[0], servers[0]], slow)
  config.primary.ca = servers[0].wrong_ca
  config.secondary[0].ca = servers[0].wrong_ca
  await assert.rejects(Client.connect(config), (/** @type {any} */ err) => {
    certificateError(err, /kmipkit rejected the server's certificate/)
    assert.notEqual(err.code, 'KMIPKIT_ALL_SERVERS_FAILED')
    const message = String(err.message)
    assert.equal(message.split('secondary-1').length - 1, 1, message)
    assert.ok(message.length < 1000, message)
    return true
  })
})

for (const [cert, expect] of /** @type {Array<[string, RegExp]>} */ ([
  ['expired_client', /expired/],
  ['no_client_auth', /clientAuth/],
  ['wrong_ca_client', /not issued by a CA/],
])) {
  test(`a client certificate the server refuses (${cert}) is a certificate error`, async () => {
    const config = configObject(servers, slow)
    config.primary.client_cert = servers[0][`${cert}_cert`]
    config.primary.client_key = servers[0][`${cert}_key`]
    await assert.rejects(Client.connect(config), (/** @type {any} */ err) => {
      certificateError(err, /the key server rejected the client certificate/)
      assert.match(err.message, expect)
      return true
    })
  })
}

test('a server certificate for another host name is a certificate error', async () => {
  await assert.rejects(Client.connect(configObject([wrongHost], slow)), (/** @type {any} */ err) =>
    certificateError(err, /rejected the server's certificate/),
  )
})

test('an expired server certificate is a certificate error', async () => {
  await assert.rejects(Client.connect(configObject([expired], slow)), (/** @type {any} */ err) =>
    certificateError(err, /rejected the server's certificate[\s\S]*expired|expired[\s\S]*rejected the server's certificate/i),
  )
})

test('a client key that does not belong to the client certificate is a configuration error', async () => {
  const config = configObject(servers)
  config.primary.client_key = servers[0].other_client_key
  await assert.rejects(Client.connect(config), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.equal(err.code, 'KMIPKIT_CONFIG')
    assert.equal(err.kmipkitCode, 0x0401)
    assert.match(err.message, /client_key.*does not belong to the client certificate/)
    return true
  })
})

test('a private key other users can read, or a missing CA file, is a configuration error', async () => {
  const exposed = join(dir, 'exposed-client.key')
  copyFileSync(servers[0].client_key, exposed)
  chmodSync(exposed, 0o644)
  const config = configObject(servers)
  config.primary.client_key = exposed
  await assert.rejects(Client.connect(config), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.equal(err.code, 'KMIPKIT_CONFIG')
    assert.match(err.message, /chmod 600/)
    assert.ok(!err.message.includes('BEGIN'), 'no key material in the message')
    return true
  })
  const missing = configObject(servers)
  missing.primary.ca = join(dir, 'no-such-ca.pem')
  await assert.rejects(Client.connect(missing), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.match(err.message, /no-such-ca\.pem/)
    return true
  })
})

test('unknown keys and bad values are configuration errors naming them', async () => {
  await assert.rejects(
    Client.connect(configObject(servers, { timeouts: { conect: 2 } })),
    (/** @type {any} */ err) => {
      assert.ok(err instanceof KmipkitConfigError)
      assert.equal(err.code, 'KMIPKIT_CONFIG')
      assert.match(err.message, /unknown key `conect`/)
      assert.match(err.message, /connect/)
      return true
    },
  )
  await assert.rejects(Client.connect(configObject(servers, { timeouts: { connect: 'soon' } })), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError)
    assert.match(err.message, /soon/)
    return true
  })
  await assert.rejects(Client.connect(configObject(servers, { pool: { max_connections_per_server: 0 } })), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.match(err.message, /max_connections_per_server/)
    return true
  })
  // In a file, the error names the file and the line, and suggests the key meant.
  const file = join(dir, 'misspelt.toml')
  writeFileSync(file, '[primary]\nhots = "kms"\n', { mode: 0o600 })
  await assert.rejects(Client.connect(file), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError)
    assert.equal(err.file, file)
    assert.equal(err.line, 2)
    assert.match(err.message, /did you mean `host`\?/)
    return true
  })
})
