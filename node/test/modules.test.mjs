// The package loads both ways with the same objects, and its operations follow the core's list.
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import * as esm from 'kmipkit'
import esmDefault from 'kmipkit'

const require = createRequire(import.meta.url)

test('ESM and CommonJS give the same classes', () => {
  /** @type {Record<string, unknown>} */
  const cjs = require('kmipkit')
  /** @type {Record<string, unknown>} */
  const all = esm
  assert.equal(esm.Client, cjs.Client)
  assert.equal(esm.KmipkitError, cjs.KmipkitError)
  assert.equal(esmDefault, cjs)
  for (const key of Object.keys(cjs)) assert.equal(all[key], cjs[key], key)
})

// The core's operations this package does not have yet: none. It stays as the guard that an
// operation the core adds later is either implemented or listed here (and the list may only
// shrink: an operation implemented while still listed fails the test too).
/** @type {Set<string>} */
const NOT_YET = new Set([])

test('one method per core operation, named as the core names it', () => {
  /** @param {string} s */
  const camel = (s) => s.replace(/_([a-z])/g, (_, /** @type {string} */ c) => c.toUpperCase())
  /** @type {Record<string, unknown>} */
  const methods = /** @type {any} */ (esm.Client.prototype)
  const operations = esm.coreOperations()
  assert.ok(operations.length >= 33)
  for (const { operation, method } of operations) {
    const name = camel(method)
    const has = typeof methods[name] === 'function'
    if (NOT_YET.has(name)) assert.ok(!has, `${name} (${operation}) is implemented: take it off NOT_YET`)
    else assert.ok(has, `Client.${name} for ${operation} is missing`)
  }
  for (const name of NOT_YET) {
    assert.ok(operations.some((o) => camel(o.method) === name), `${name} is not a core operation`)
  }
})
