'use strict'
// Rotation with progress as events and as an async iterator. Bulk runs take any iterable or
// async iterable of items and send them to the core in batches (`batchSize`, default 64), so
// memory stays bounded by one batch; after each item they yield (and emit as 'progress') the
// item, its new ciphertext (absent when it was already current: store nothing) and the running
// counts. A run stops at the first error, leaving later items (and those of the failed batch) in
// their old form; running it again completes the job.

const { EventEmitter } = require('node:events')
const native = require('../../native.js')
const { call } = require('../call')
const { fromNative } = require('../errors')
const { contextBytes, bytes } = require('./context')
const { Model1, Model2, nativeModel } = require('./models')

const NATIVE = Symbol('kmipkit.nativeRotation')

function run(options, start) {
  return call(options?.signal, start, native.Canceller)
}

function batchSizeOf(options) {
  const size = options?.batchSize ?? 64
  if (!Number.isInteger(size) || size < 1 || size > 65536) {
    throw new RangeError(`options.batchSize is a whole number from 1 to 65536, not ${size}`)
  }
  return size
}

/** Groups an iterable or async iterable into arrays of at most `size`. */
async function* batches(items, size) {
  if (items === null || typeof items !== 'object' || !(Symbol.iterator in items || Symbol.asyncIterator in items)) {
    throw new TypeError('items must be an iterable or async iterable of { item, ciphertext } objects')
  }
  let batch = []
  for await (const entry of items) {
    batch.push(entry)
    if (batch.length >= size) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

/**
 * The shared bulk loop: `send(batch)` returns the native per-item results; yields progress
 * entries with counts accumulated over batches, and emits each as 'progress' on `emitter`.
 */
async function* bulk(emitter, items, options, send) {
  const size = batchSizeOf(options)
  const onProgress = options?.onProgress
  const total = { processed: 0, rotated: 0, alreadyCurrent: 0, keyManagerCalls: 0 }
  for await (const batch of batches(items, size)) {
    const results = await send(batch)
    const base = { ...total }
    for (let i = 0; i < results.length; i++) {
      const r = results[i]
      total.processed = base.processed + r.processed
      total.rotated = base.rotated + r.rotated
      total.alreadyCurrent = base.alreadyCurrent + r.alreadyCurrent
      total.keyManagerCalls = base.keyManagerCalls + r.keyManagerCalls
      const progress = { item: batch[i].item, ...total }
      if (r.ciphertext !== null && r.ciphertext !== undefined) progress.ciphertext = r.ciphertext
      emitter.emit('progress', progress)
      if (typeof onProgress === 'function') onProgress(progress)
      yield progress
    }
  }
}

/** Consumes a bulk run: `sink(item, ciphertext)` (awaited) stores each new form; the final counts. */
async function drain(iterator, sink) {
  if (typeof sink !== 'function') throw new TypeError('sink must be a function (item, ciphertext) => void | Promise<void>')
  let last = { processed: 0, rotated: 0, alreadyCurrent: 0, keyManagerCalls: 0 }
  for await (const p of iterator) {
    if (p.ciphertext !== undefined) await sink(p.item, p.ciphertext)
    last = p
  }
  const { processed, rotated, alreadyCurrent, keyManagerCalls } = last
  return { processed, rotated, alreadyCurrent, keyManagerCalls }
}

/** Model 1 rotation: re-wraps data keys under the target model's KEK version. Emits 'progress'. */
class Model1Rotation extends EventEmitter {
  /** @param {Model1} target the model of the new KEK version (which must exist: ensureKek()) */
  constructor(target) {
    super()
    const handle = new native.NativeModel1Rotation(nativeModel(target, Model1))
    Object.defineProperty(this, NATIVE, { value: handle, enumerable: false })
  }

  /** Whether `ciphertext`'s data key is already under the target KEK version. */
  isCurrent(ciphertext) {
    const c = bytes(ciphertext, 'ciphertext')
    try {
      return this[NATIVE].isCurrent(c)
    } catch (err) {
      throw fromNative(err)
    }
  }

  /** `ciphertext` with its data key re-wrapped under the target KEK (the body is unchanged). */
  rewrap(ciphertext, options = {}) {
    const c = bytes(ciphertext, 'ciphertext')
    return run(options, (k) => this[NATIVE].rewrap(c, k))
  }

  /**
   * Re-wraps `{ item, ciphertext }` entries: an async iterator of progress
   * `{ item, ciphertext?, processed, rotated, alreadyCurrent, keyManagerCalls }`.
   * @param {Iterable<any> | AsyncIterable<any>} items
   * @param {{ batchSize?: number, onProgress?: (p: object) => void, signal?: AbortSignal }} [options]
   */
  rewrapAll(items, options = {}) {
    return bulk(this, items, options, (batch) => {
      const list = batch.map((e) => bytes(e?.ciphertext, 'ciphertext'))
      return run(options, (k) => this[NATIVE].rewrapBatch(list, k))
    })
  }

  /** `rewrapAll` consumed: `sink(item, ciphertext)` stores each new form; the final counts. */
  rewrapAllTo(items, sink, options = {}) {
    return drain(this.rewrapAll(items, options), sink)
  }
}

/** Model 2 rotation: key versions per identifier and re-encryption. Emits 'progress'. */
class Model2Rotation extends EventEmitter {
  /**
   * @param {Model2} model
   * @param {{ allowCompromised?: boolean }} [options] re-encryption may read a Compromised version
   */
  constructor(model, options = {}) {
    super()
    const handle = new native.NativeModel2Rotation(nativeModel(model, Model2), options?.allowCompromised === true)
    Object.defineProperty(this, NATIVE, { value: handle, enumerable: false })
  }

  /** Every version of `id`'s key, oldest first. */
  versions(id, options = {}) {
    return run(options, (k) => this[NATIVE].versions(id, k))
  }

  /** Adds a new (Pre-Active) version of `id`'s key: `{ name, version, uid }`. */
  addVersion(id, options = {}) {
    return run(options, (k) => this[NATIVE].addVersion(id, k))
  }

  /** Makes `version` the primary (KMIP Activate). */
  promote(id, version, options = {}) {
    return run(options, (k) => this[NATIVE].promote(id, version, k))
  }

  /** Deactivates `version` (it still decrypts). */
  deactivate(id, version, options = {}) {
    return run(options, (k) => this[NATIVE].deactivate(id, version, k))
  }

  /** Revokes `version` for `reason` (default KeyCompromise). */
  revoke(id, version, reason = 'KeyCompromise', options = {}) {
    return run(options, (k) => this[NATIVE].revoke(id, version, reason, k))
  }

  /**
   * Re-encrypts `{ item, ciphertext, context? }` entries of `id` under its primary version: an
   * async iterator of progress, as Model1Rotation.rewrapAll.
   */
  reencrypt(id, items, options = {}) {
    return bulk(this, items, options, (batch) => {
      const list = batch.map((e) => ({ context: contextBytes(e?.context), ciphertext: bytes(e?.ciphertext, 'ciphertext') }))
      return run(options, (k) => this[NATIVE].reencryptBatch(id, list, k))
    })
  }

  /** `reencrypt` consumed: `sink(item, ciphertext)` stores each new form; the final counts. */
  reencryptTo(id, items, sink, options = {}) {
    return drain(this.reencrypt(id, items, options), sink)
  }
}

module.exports = { Model1Rotation, Model2Rotation }
