'use strict'
// The public Client: idiomatic names and shapes over the native NativeClient. Every method that
// waits on the network takes an options object last, with an optional `signal` (AbortSignal).
// Bytes go in as Buffer or Uint8Array and come out as Buffer; attributes and parameters are
// plain objects keyed by KMIP tag name (`{ CryptographicAlgorithm: 'AES' }`).
//
// Adding an operation: a native method in bindings/node/src/operations/<family>.rs (last
// argument: the Canceller), then here a method that checks nothing the core checks and calls
// `this.#run(signal, (c) => native.method(args..., c))`, its declaration in index.d.ts, a test.

const path = require('node:path')
const native = require('../native.js')
const { call } = require('./call')
const { KmipkitClosedError } = require('./errors')

const NATIVE_OF = Symbol('kmipkit.nativeOf')

/** A client connected to the key servers of one configuration. */
class Client {
  /** @type {import('../native').NativeClient | null} */
  #native

  /** @private use Client.connect() */
  constructor(handle, token) {
    if (token !== CONNECT) throw new TypeError('use `await Client.connect(config)` to make a Client')
    this.#native = handle
  }

  /**
   * Connects as `config` says: the path of a kmipkit.toml file (refused when other users can
   * read it), or a plain object with the same tables (`primary`, `secondary`, `timeouts`, ...).
   * Relative paths in an object resolve against `options.baseDir` (default: process.cwd()).
   */
  static async connect(config, options = {}) {
    const { signal, baseDir = process.cwd() } = options ?? {}
    let start
    if (typeof config === 'string' || config instanceof URL) {
      const file = config instanceof URL ? require('node:url').fileURLToPath(config) : config
      start = (c) => native.NativeClient.connectPath(file, c)
    } else if (config !== null && typeof config === 'object' && !Array.isArray(config)) {
      start = (c) => native.NativeClient.connectObject(config, path.resolve(baseDir), c)
    } else {
      throw new TypeError('Client.connect takes the path of a kmipkit.toml file or a configuration object')
    }
    const handle = await call(signal, start, native.Canceller)
    return new Client(handle, CONNECT)
  }

  /** The negotiated (or pinned) KMIP version, e.g. '2.0'. */
  get version() {
    return this.#handle().version
  }

  /** The configured server names, primary first. */
  get serverNames() {
    return this.#handle().serverNames
  }

  /** Whether close() was called. */
  get closed() {
    return this.#native === null
  }

  /** Closes the client: idle connections now, busy ones when their call ends. Idempotent. */
  async close() {
    const handle = this.#native
    this.#native = null
    handle?.close()
  }

  /** `await using client = await Client.connect(...)` closes it at the end of the block. */
  async [Symbol.asyncDispose]() {
    await this.close()
  }

  /** Query: the server's operations, object types, vendor and server information. */
  query(options = {}) {
    return this.#run(options, (n, c) => n.query(c))
  }

  /** Discover Versions: which of `offered` (all when empty) the server speaks, preferred first. */
  discoverVersions(offered = [], options = {}) {
    return this.#run(options, (n, c) => n.discoverVersions(offered, c))
  }

  /** Create: a pre-active AES key named `name`; its unique identifier. */
  createAesKey(name, options = {}) {
    const { bits = 256, usage } = options ?? {}
    return this.#run(options, (n, c) => n.createAesKey(name, bits, usage, c))
  }

  /**
   * Get: the object `id`; its key bytes (`material`) only with `includeKeyMaterial: true`, as a
   * non-enumerable property, so logging or inspecting the object never prints them. With
   * `wrappingKey: id`, the key comes wrapped by that key (AES key wrap, `wrapped: true`).
   */
  async get(id, options = {}) {
    const include = options?.includeKeyMaterial === true
    const wrapping = options?.wrappingKey ?? null
    const { material, ...object } = withoutAbsent(await this.#run(options, (n, c) => n.get(id, include, wrapping, c)))
    if (material !== undefined) Object.defineProperty(object, 'material', { value: material, enumerable: false })
    return object
  }

  /** Activate: makes a pre-active object usable. */
  activate(id, options = {}) {
    return this.#run(options, (n, c) => n.activate(id, c))
  }

  /** Revoke for `reason` (a Revocation Reason Code name; default CessationOfOperation). */
  revoke(id, reason = 'CessationOfOperation', options = {}) {
    return this.#run(options, (n, c) => n.revoke(id, reason, options?.message, c))
  }

  /** Destroy: erases an object's key material (revoke an active key first). */
  destroy(id, options = {}) {
    return this.#run(options, (n, c) => n.destroy(id, c))
  }

  /** Locate: identifiers of the objects matching `attributes` (`{ Name: 'x', State: 'Active' }`). */
  locate(attributes = {}, options = {}) {
    const { maxItems, offset } = options ?? {}
    return this.#run(options, (n, c) => n.locate(attributes, maxItems, offset, c))
  }

  /** The identifiers of the objects named `name`. */
  locateByName(name, options = {}) {
    return this.#run(options, (n, c) => n.locateByName(name, c))
  }

  /** Get Attributes: `names` (all when empty) of `id`, as an object by tag name. */
  getAttributes(id, names = [], options = {}) {
    return this.#run(options, (n, c) => n.getAttributes(id, names, c))
  }

  /** Encrypt `data` on the server with the key `id`: `{ data, iv?, tag? }` as Buffers. */
  async encrypt(id, data, options = {}) {
    const { parameters, iv, aad } = options ?? {}
    const result = await this.#run(options, (n, c) =>
      n.encrypt(id, bytes(data, 'data'), cryptoOptions(parameters, iv, aad), c),
    )
    return withoutAbsent(result)
  }

  /** Decrypt `data` on the server with the key `id`: the plaintext as a Buffer. */
  decrypt(id, data, options = {}) {
    const { parameters, iv, aad, tag } = options ?? {}
    return this.#run(options, (n, c) =>
      n.decrypt(id, bytes(data, 'data'), cryptoOptions(parameters, iv, aad, tag), c),
    )
  }

  /**
   * Connection counters per server, primary first: `{ server, connectionsOpened,
   * connectionsReused, staleDiscarded, idle, open, openPeak, down }`. Sends nothing.
   */
  stats() {
    return this.#handle().stats()
  }

  /** A Client shows its servers and version only, never a secret. */
  [Symbol.for('nodejs.util.inspect.custom')]() {
    if (this.#native === null) return 'Client { closed }'
    return `Client { servers: ${JSON.stringify(this.serverNames)}, version: '${this.version}' }`
  }

  /** @internal the native client, for lib/envelope (throws once closed) */
  static [NATIVE_OF](client) {
    if (!(client instanceof Client)) throw new TypeError('expected a Client from Client.connect()')
    return client.#handle()
  }

  #handle() {
    if (this.#native === null) throw new KmipkitClosedError()
    return this.#native
  }

  // The remaining operations (lib/operations.js) run through #run like the ones above.
  static {
    require('./operations').install(Client, (client, options, start) => client.#run(options, start))
  }

  #run(options, start) {
    let handle
    try {
      handle = this.#handle()
    } catch (err) {
      return Promise.reject(err)
    }
    return call(options?.signal, (c) => start(handle, c), native.Canceller)
  }
}

const CONNECT = Symbol('connect')

/** The native client of `client`, for the envelope models (lib/envelope). */
function nativeClient(client) {
  return Client[NATIVE_OF](client)
}

function bytes(value, what) {
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new TypeError(`${what} must be a Buffer or a Uint8Array`)
}

function cryptoOptions(parameters, iv, aad, tag) {
  const out = {}
  if (parameters !== undefined && parameters !== null) out.parameters = parameters
  if (iv !== undefined && iv !== null) out.iv = bytes(iv, 'iv')
  if (aad !== undefined && aad !== null) out.aad = bytes(aad, 'aad')
  if (tag !== undefined && tag !== null) out.tag = bytes(tag, 'tag')
  return out
}

/** napi gives absent optional fields as null or undefined; the public objects leave them out. */
function withoutAbsent(object) {
  const out = {}
  for (const [key, value] of Object.entries(object)) {
    if (value !== null && value !== undefined) out[key] = value
  }
  return out
}

module.exports = { Client, nativeClient }
