'use strict'
// Model 1 and Model 2 over a connected Client. Contexts are plain objects (or bytes, see
// context.js); bytes in as Buffer/Uint8Array, out as Buffer; every call that waits on the key
// manager takes `{ signal }` last. The core does the cryptography and the key checks
// (bindings/node/src/envelope/model1.rs, model2.rs).

const native = require('../../native.js')
const { call } = require('../call')
const { fromNative } = require('../errors')
const { nativeClient } = require('../client')
const { contextBytes, bytes } = require('./context')
const { nativeCache } = require('./cache')
const { EncryptStream, DecryptStream } = require('./streams')

const NATIVE = Symbol('kmipkit.nativeModel')

/** A synchronous native call, its errors as KmipkitError classes. */
function sync(work) {
  try {
    return work()
  } catch (err) {
    throw fromNative(err)
  }
}

/** Runs a native model call with the options' signal. */
function run(options, start) {
  return call(options?.signal, start, native.Canceller)
}

/** Hides the native handle from inspection and JSON. */
function hold(object, handle) {
  Object.defineProperty(object, NATIVE, { value: handle, enumerable: false })
}

/** A Model 1 data key (held in the core's protected memory) and its protected form. */
class DataKey {
  /** @private */
  constructor(handle) {
    hold(this, handle)
    /** The protected form (safe to store): the key encrypted under the KEK. */
    this.protected = handle.protected
  }

  /** Encrypts locally under this key; the ciphertext carries the protected form. */
  seal(plaintext, options = {}) {
    const ctx = contextBytes(options?.context)
    const data = bytes(plaintext, 'plaintext')
    return sync(() => this[NATIVE].seal(ctx, data))
  }

  /** The key bytes: only on explicit request. */
  expose() {
    return this[NATIVE].expose()
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `DataKey { protected: <${this.protected.length} bytes> }`
  }
}

/** Model 1: data keys protected by a key-encryption key that never leaves the key manager. */
class Model1 {
  /**
   * Model 1 over version `options.version` (default 1) of the KEK `kekName`.
   * @param {import('../client').Client} client
   * @param {string} kekName
   * @param {{ version?: number, cache?: import('./cache').KeyCache, kekMethod?: 'encrypt' | 'key-wrap' }} [options]
   */
  constructor(client, kekName, options = {}) {
    const { version = 1, cache, kekMethod } = options ?? {}
    if (kekName === NATIVE) {
      hold(this, options)
      return
    }
    const n = nativeClient(client)
    hold(this, sync(() => native.NativeModel1.create(n, kekName, version, nativeCache(cache), kekMethod)))
  }

  /**
   * Model 1 over `options.kek`, else the configuration's `[key] name`; at `options.kekVersion`,
   * else the configured version, else the KEK's current (highest Active) version.
   */
  static async fromConfig(client, options = {}) {
    const { kek, kekVersion, cache } = options ?? {}
    const handle = await run(options, (c) =>
      native.NativeModel1.fromConfig(nativeClient(client), kek, kekVersion, nativeCache(cache), c),
    )
    if (handle === null || handle === undefined) {
      throw new TypeError('no KEK named: pass { kek: "name" } or set [key] name in the configuration')
    }
    return new Model1(null, NATIVE, handle)
  }

  /** The KEK's name. */
  get kekName() {
    return this[NATIVE].kekName
  }
  /** The KEK version new data keys are protected under. */
  get kekVersion() {
    return this[NATIVE].kekVersion
  }
  /** The KEK's KMIP Name (`name/vN`). */
  get kekKeyName() {
    return this[NATIVE].kekKeyName
  }
  /** How new data keys are protected: 'encrypt' or 'key-wrap'. */
  get kekMethod() {
    return this[NATIVE].kekMethod
  }

  /** Finds the KEK, or creates and activates it: `{ name, version, uid }`. */
  ensureKek(options = {}) {
    return run(options, (c) => this[NATIVE].ensureKek(c))
  }

  /** Finds the KEK: `{ name, version, uid }`. */
  kek(options = {}) {
    return run(options, (c) => this[NATIVE].kek(c))
  }

  /** A new data key; `local: true` makes it with the local CSPRNG (protected on the key manager). */
  async createDek(options = {}) {
    const local = options?.local === true
    return new DataKey(await run(options, (c) => this[NATIVE].createDek(local, c)))
  }

  /** The data key of a protected form, unlocked on the key manager. */
  async unlock(protectedDek, options = {}) {
    const blob = bytes(protectedDek, 'protected')
    return new DataKey(await run(options, (c) => this[NATIVE].unlock(blob, c)))
  }

  /** Protects the caller's 32-byte data key under the KEK: the protected form. */
  protect(key, options = {}) {
    const k = bytes(key, 'key')
    return run(options, (c) => this[NATIVE].protect(k, c))
  }

  /** Encrypts under a new data key (one key-manager round trip). */
  encrypt(plaintext, options = {}) {
    const ctx = contextBytes(options?.context)
    const data = bytes(plaintext, 'plaintext')
    return run(options, (c) => this[NATIVE].encrypt(ctx, data, c))
  }

  /** Decrypts a Model 1 ciphertext under this model's KEK. */
  decrypt(ciphertext, options = {}) {
    const ctx = contextBytes(options?.context)
    const data = bytes(ciphertext, 'ciphertext')
    return run(options, (c) => this[NATIVE].decrypt(ctx, data, c))
  }

  /**
   * A Transform encrypting what is written to it, under a new data key (or `options.dataKey`).
   * @param {{ context?: object | Uint8Array, dataKey?: DataKey, signal?: AbortSignal, highWaterMark?: number }} [options]
   */
  createEncryptStream(options = {}) {
    const ctx = contextBytes(options?.context)
    const dataKey = options?.dataKey
    if (dataKey !== undefined && !(dataKey instanceof DataKey)) throw new TypeError('options.dataKey must be a DataKey')
    const start = dataKey ? () => dataKey[NATIVE].sealer(ctx) : (c) => this[NATIVE].startEncrypt(ctx, c)
    return new EncryptStream(start, options)
  }

  /** A Transform decrypting a Model 1 ciphertext written to it. */
  createDecryptStream(options = {}) {
    const ctx = contextBytes(options?.context)
    return new DecryptStream((reader, c) => this[NATIVE].startDecrypt(reader, ctx, c), options)
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Model1 { kek: '${this.kekKeyName}' }`
  }
}

/** Model 2: one key per identifier, named `prefix + id`, in versions on the key manager. */
class Model2 {
  /**
   * @param {import('../client').Client} client
   * @param {string} prefix
   * @param {{ cache?: import('./cache').KeyCache }} [options]
   */
  constructor(client, prefix, options = {}) {
    const n = nativeClient(client)
    hold(this, sync(() => native.NativeModel2.create(n, prefix, nativeCache(options?.cache))))
  }

  /** The prefix of key names. */
  get prefix() {
    return this[NATIVE].prefix
  }

  /** The KMIP Name of `id`'s key. */
  keyName(id) {
    return sync(() => this[NATIVE].keyName(id))
  }

  /** Forgets what is cached for `id`. */
  forget(id) {
    sync(() => this[NATIVE].forget(id))
  }

  /** Every version of `id`'s key, oldest first: `[{ key: { name, version, uid }, state }]`. */
  versions(id, options = {}) {
    return run(options, (c) => this[NATIVE].versions(id, c))
  }

  /** The current (highest Active) version of `id`'s key, created on first use. */
  currentKey(id, options = {}) {
    return run(options, (c) => this[NATIVE].keyFor(id, c))
  }

  /** The current version of `id`'s key, or null when it has none (nothing is created). */
  findKey(id, options = {}) {
    return run(options, (c) => this[NATIVE].findKey(id, c))
  }

  /** Encrypts for `id` with `options.context` bound. */
  encrypt(id, plaintext, options = {}) {
    const ctx = contextBytes(options?.context)
    const data = bytes(plaintext, 'plaintext')
    return run(options, (c) => this[NATIVE].encrypt(id, ctx, data, c))
  }

  /** Decrypts a ciphertext made for `id`; a Compromised version only with `allowCompromised`. */
  decrypt(id, ciphertext, options = {}) {
    const ctx = contextBytes(options?.context)
    const data = bytes(ciphertext, 'ciphertext')
    const allow = options?.allowCompromised === true
    return run(options, (c) => this[NATIVE].decrypt(id, ctx, data, allow, c))
  }

  /** A Transform encrypting what is written to it for `id`. */
  createEncryptStream(id, options = {}) {
    const ctx = contextBytes(options?.context)
    return new EncryptStream((c) => this[NATIVE].startEncrypt(id, ctx, c), options)
  }

  /** A Transform decrypting a ciphertext for `id` written to it. */
  createDecryptStream(id, options = {}) {
    const ctx = contextBytes(options?.context)
    const allow = options?.allowCompromised === true
    return new DecryptStream((reader, c) => this[NATIVE].startDecrypt(id, reader, ctx, allow, c), options)
  }

  [Symbol.for('nodejs.util.inspect.custom')]() {
    return `Model2 { prefix: '${this.prefix}' }`
  }
}

/** The native model of a Model1 or Model2. */
function nativeModel(model, Class) {
  if (!(model instanceof Class)) throw new TypeError(`expected a ${Class.name}`)
  return model[NATIVE]
}

module.exports = { Model1, Model2, DataKey, nativeModel }
