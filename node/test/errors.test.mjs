// Each error class with its .code, .kmipkitCode, .kind and .reason, from real failures.
import assert from 'node:assert/strict'
import { chmodSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import * as kmipkit from 'kmipkit'
import { startServers, configObject, configFile } from './support/servers.mjs'

const {
  Client, KmipkitError, KmipkitConfigError, KmipkitConnectionError, KmipkitCertificateError,
} = kmipkit
const { dir, servers } = startServers(1)

test('every error kind of the core has a class, a code and its numeric code', () => {
  const kinds = kmipkit.errorKinds()
  assert.equal(kinds.length, 18)
  const codes = new Set()
  for (const { name, code, symbol, category } of kinds) {
    const header = JSON.stringify({ kind: name, symbol, kmipkitCode: code, category })
    // The addon's error shape (bindings/node/src/errors.rs), built here to reach every kind.
    const fake = Object.assign(new Error(`kmipkit-error:${header}\nsomething failed`), { code: 'GenericFailure' })
    const err = convert(fake)
    assert.ok(err instanceof KmipkitError, name)
    assert.notEqual(err.constructor, KmipkitError, `${name} has its own class`)
    assert.equal(err.kind, name)
    assert.equal(err.kmipkitCode, code)
    assert.match(err.code, /^KMIPKIT_[A-Z_]+$/)
    assert.equal(err.code, symbol)
    assert.equal(err.message, 'something failed')
    codes.add(err.code)
  }
  assert.equal(codes.size, 18, 'codes are distinct')
  assert.equal(convert(mk('Integrity', 0x0501, 'ciphertext')).code, 'KMIPKIT_INTEGRITY')
  assert.ok(convert(mk('Integrity', 0x0501, 'ciphertext')) instanceof kmipkit.KmipkitIntegrityError)
  assert.equal(convert(mk('AllServersFailed', 0x0207, 'connection')).code, 'KMIPKIT_ALL_SERVERS_FAILED')
  // A kind newer than the package gets its category's class.
  assert.ok(convert(mk('Brand', 0x0999, 'server')) instanceof kmipkit.KmipkitServerError)
})

/** @param {string} kind @param {number} kmipkitCode @param {string} category */
function mk(kind, kmipkitCode, category) {
  const symbol = kmipkit.errorKinds().find((k) => k.name === kind)?.symbol
  return new Error(`kmipkit-error:${JSON.stringify({ kind, symbol, kmipkitCode, category })}\nm`)
}

// lib/errors.js is internal; reach fromNative through the package folder.
import { createRequire } from 'node:module'
const convert = createRequire(import.meta.url)('../lib/errors.js').fromNative

test('a configuration object the core refuses is a KmipkitConfigError', async () => {
  // @ts-expect-error: a misspelt key, on purpose
  await assert.rejects(Client.connect({ primary: { host: '127.0.0.1', prot: 5696 } }), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, String(err))
    assert.equal(err.code, 'KMIPKIT_CONFIG')
    assert.equal(err.kmipkitCode, 0x0401)
    assert.equal(err.reason, undefined)
    assert.match(err.message, /prot/)
    return true
  })
  // @ts-expect-error: no primary, on purpose
  await assert.rejects(Client.connect({}), KmipkitConfigError)
  // @ts-expect-error: no primary, on purpose
  await assert.rejects(Client.connect({ secondary: [] }), /need a primary/)
  // @ts-expect-error: not a table, on purpose
  await assert.rejects(Client.connect({ primary: 'kms' }), KmipkitConfigError)
  // @ts-expect-error: not a configuration, on purpose
  await assert.rejects(Client.connect(42), TypeError)
})

test('a configuration file other users can read is refused', async () => {
  const path = configFile(dir, servers, 'exposed.toml')
  chmodSync(path, 0o644)
  await assert.rejects(Client.connect(path), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError)
    assert.match(err.message, /other users|permission|0644|readable/i)
    return true
  })
  await assert.rejects(Client.connect(join(dir, 'missing.toml')), KmipkitConfigError)
  const broken = join(dir, 'broken.toml')
  writeFileSync(broken, '[primary\nhost = 1\n', { mode: 0o600 })
  await assert.rejects(Client.connect(broken), KmipkitConfigError)
})

test('a server certificate from an unknown CA is a KmipkitCertificateError', async () => {
  const config = configObject(servers)
  config.primary.ca = servers[0].wrong_ca
  await assert.rejects(Client.connect(config), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitCertificateError, `${err.name}: ${err.message}`)
    assert.ok(err instanceof KmipkitConnectionError)
    assert.equal(err.code, 'KMIPKIT_CERTIFICATE')
    assert.equal(err.kmipkitCode, 0x0203)
    assert.equal(err.kind, 'Certificate')
    return true
  })
})

test('a server that is not there is a KmipkitConnectionError', async () => {
  const config = configObject(servers, { timeouts: { connect: '500ms', deadline: '2s' } })
  config.primary.port = 1
  await assert.rejects(Client.connect(config), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConnectionError, `${err.name}: ${err.message}`)
    assert.ok(['KMIPKIT_CONNECT', 'KMIPKIT_ALL_SERVERS_FAILED'].includes(err.code), err.code)
    return true
  })
})
