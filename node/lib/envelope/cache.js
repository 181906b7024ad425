'use strict'
// The key cache: unwrapped keys kept in the core's protected memory (mlock'ed, zeroized on
// eviction) for a bounded age, number of uses and total size, shared by the models given it.

const native = require('../../native.js')
const { fromNative } = require('../errors')

const NATIVE = Symbol('kmipkit.nativeCache')

/** Unwrapped keys in protected memory; give it to Model1/Model2 as `{ cache }`. */
class KeyCache {
  /**
   * @param {{ maxAge?: number, maxUses?: number, maxBytes?: number }} [options] maxAge in seconds
   *   (default 300), maxUses per key (default 2^32), maxBytes in all (default 65536)
   */
  constructor(options = {}) {
    const { maxAge = 300, maxUses = 2 ** 32, maxBytes = 65536 } = options ?? {}
    try {
      this[NATIVE] = new native.NativeKeyCache(maxAge, maxUses, maxBytes)
    } catch (err) {
      throw fromNative(err)
    }
    Object.defineProperty(this, NATIVE, { enumerable: false })
  }

  /** Removes every key (zeroized). */
  purge() {
    this[NATIVE].purge()
  }

  /** Removes the key with this KMIP unique identifier; whether it was cached. */
  evict(keyId) {
    return this[NATIVE].evict(String(keyId))
  }

  /** Keys held now. */
  get size() {
    return this[NATIVE].size
  }

  /** Counters: hits, misses, fetches, fetchErrors, coalesced, evictions, oversize, entries, bytes. */
  stats() {
    return { ...this[NATIVE].stats() }
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    const s = this.stats()
    return `KeyCache { entries: ${s.entries}, hits: ${s.hits}, misses: ${s.misses} }`
  }
}

/** The native cache of `cache` (undefined when absent). */
function nativeCache(cache) {
  if (cache === undefined || cache === null) return undefined
  if (!(cache instanceof KeyCache)) throw new TypeError('options.cache must be a KeyCache')
  return cache[NATIVE]
}

module.exports = { KeyCache, nativeCache }
