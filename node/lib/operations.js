'use strict'
// The rest of the core's operations on Client (keys and objects, attribute changes, signatures,
// MACs, hashes and random numbers, archive and asynchronous operations), installed on the class
// by client.js, which lends its private `#run` (every call: closed check, AbortSignal, errors).
// Conventions as in client.js: options object last with an optional `signal`; bytes in as
// Buffer/Uint8Array, out as Buffer; attributes and parameters by KMIP tag name.

/** @param {unknown} value @param {string} what */
function bytes(value, what) {
  if (Buffer.isBuffer(value)) return value
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  throw new TypeError(`${what} must be a Buffer or a Uint8Array`)
}

/** Native optional arguments: absent is null (napi reads undefined and null alike). */
function optional(value) {
  return value === undefined ? null : value
}

/**
 * The methods, each `function (run)` returning the method body; `run(client, options, start)`
 * is client.js's `#run`.
 */
const METHODS = {
  /** Create: an object of `objectType` ('SymmetricKey', 'SecretData') the server makes; its id. */
  create: (run) =>
    function create(objectType, attributes = {}, options = {}) {
      return run(this, options, (n, c) => n.create(objectType, attributes ?? {}, c))
    },

  /** Create Key Pair: `{ common, privateKey, publicKey }` attributes; `{ privateKeyId, publicKeyId }`. */
  createKeyPair: (run) =>
    function createKeyPair(attributes = {}, options = {}) {
      const { common = {}, privateKey = {}, publicKey = {} } = attributes ?? {}
      return run(this, options, (n, c) => n.createKeyPair(common, privateKey, publicKey, c))
    },

  /**
   * Register: stores `material` as `objectType` (default 'SymmetricKey') with `attributes`;
   * `algorithm` for keys (default AES). Its unique identifier.
   */
  register: (run) =>
    function register(material, options = {}) {
      const { objectType = 'SymmetricKey', attributes = {}, algorithm } = options ?? {}
      return run(this, options, (n, c) =>
        n.register(objectType, bytes(material, 'material'), attributes, optional(algorithm), c),
      )
    },

  /** Re-Key: a new key replacing `id`; its unique identifier. */
  rekey: (run) =>
    function rekey(id, options = {}) {
      return run(this, options, (n, c) => n.rekey(id, c))
    },

  /** Re-Key Key Pair: a new pair replacing the pair of private key `id`. */
  rekeyKeyPair: (run) =>
    function rekeyKeyPair(id, options = {}) {
      return run(this, options, (n, c) => n.rekeyKeyPair(id, c))
    },

  /**
   * Derive Key: a symmetric key derived from `base` (an id or ids) by `method` ('PBKDF2',
   * 'HMAC', ...) with `data` as derivation data; options `attributes`, `parameters`, `salt`,
   * `iterations`. Its unique identifier.
   */
  deriveKey: (run) =>
    function deriveKey(base, method, data, options = {}) {
      const { attributes = {}, parameters, salt, iterations } = options ?? {}
      const ids = Array.isArray(base) ? base : [base]
      return run(this, options, (n, c) => {
        // napi's object fields take undefined, not null, for absent.
        const extra = {}
        if (parameters != null) extra.parameters = parameters
        if (salt != null) extra.salt = bytes(salt, 'salt')
        if (iterations != null) extra.iterations = iterations
        return n.deriveKey(ids, method, bytes(data, 'data'), attributes, extra, c)
      })
    },

  /** Check: whether `id` may be used; the identifier checked. */
  check: (run) =>
    function check(id, options = {}) {
      return run(this, options, (n, c) => n.check(id, c))
    },

  /** Get Attribute List: the tag names of the attributes `id` has. */
  getAttributeList: (run) =>
    function getAttributeList(id, options = {}) {
      return run(this, options, (n, c) => n.getAttributeList(id, c))
    },

  /** Add Attribute: gives `id` the attribute `name` (a tag name) with `value`. */
  addAttribute: (run) =>
    function addAttribute(id, name, value, options = {}) {
      return run(this, options, (n, c) => n.addAttribute(id, name, value, c))
    },

  /** Modify Attribute: sets `name` of `id` to `value`; `options.current` picks the value replaced. */
  modifyAttribute: (run) =>
    function modifyAttribute(id, name, value, options = {}) {
      return run(this, options, (n, c) => n.modifyAttribute(id, name, value, optional(options?.current), c))
    },

  /** Set Attribute (KMIP 2.0): sets `name` of `id` to `value`, adding it when absent. */
  setAttribute: (run) =>
    function setAttribute(id, name, value, options = {}) {
      return run(this, options, (n, c) => n.setAttribute(id, name, value, c))
    },

  /** Delete Attribute: removes the attribute `name` from `id`. */
  deleteAttribute: (run) =>
    function deleteAttribute(id, name, options = {}) {
      return run(this, options, (n, c) => n.deleteAttribute(id, name, c))
    },

  /** Archive: moves `id` to off-line storage. */
  archive: (run) =>
    function archive(id, options = {}) {
      return run(this, options, (n, c) => n.archive(id, c))
    },

  /** Recover: brings an archived `id` back on-line. */
  recover: (run) =>
    function recover(id, options = {}) {
      return run(this, options, (n, c) => n.recover(id, c))
    },

  /** Poll: asks after the asynchronous operation of `correlation` (its correlation value). */
  poll: (run) =>
    function poll(correlation, options = {}) {
      return run(this, options, (n, c) => n.poll(bytes(correlation, 'correlation'), c))
    },

  /** Cancel: asks the server to stop the asynchronous operation of `correlation`. */
  cancel: (run) =>
    function cancel(correlation, options = {}) {
      return run(this, options, (n, c) => n.cancel(bytes(correlation, 'correlation'), c))
    },

  /** Sign `data` with the private key `id` (`options.parameters` by tag name): the signature. */
  sign: (run) =>
    function sign(id, data, options = {}) {
      return run(this, options, (n, c) => n.sign(id, bytes(data, 'data'), optional(options?.parameters), c))
    },

  /** Signature Verify: whether `signature` over `data` is valid for the public key `id`. */
  signatureVerify: (run) =>
    function signatureVerify(id, data, signature, options = {}) {
      return run(this, options, (n, c) =>
        n.signatureVerify(id, bytes(data, 'data'), bytes(signature, 'signature'), optional(options?.parameters), c),
      )
    },

  /** MAC of `data` with the key `id` (`options.parameters` by tag name). */
  mac: (run) =>
    function mac(id, data, options = {}) {
      return run(this, options, (n, c) => n.mac(id, bytes(data, 'data'), optional(options?.parameters), c))
    },

  /** MAC Verify: whether `mac` over `data` is valid for the key `id`. */
  macVerify: (run) =>
    function macVerify(id, data, mac, options = {}) {
      return run(this, options, (n, c) =>
        n.macVerify(id, bytes(data, 'data'), bytes(mac, 'mac'), optional(options?.parameters), c),
      )
    },

  /** Hash `data` on the server with `algorithm` (a Hashing Algorithm name, default 'SHA_256'). */
  hash: (run) =>
    function hash(data, algorithm = 'SHA_256', options = {}) {
      return run(this, options, (n, c) => n.hash(bytes(data, 'data'), algorithm, c))
    },

  /** RNG Retrieve: `length` random bytes from the server. */
  rngRetrieve: (run) =>
    function rngRetrieve(length, options = {}) {
      if (!Number.isSafeInteger(length) || length < 1 || length > 0x7fffffff) {
        return Promise.reject(new RangeError('length must be a whole number of bytes from 1 to 2^31-1'))
      }
      return run(this, options, (n, c) => n.rngRetrieve(length, c))
    },

  /** RNG Seed: offers `seed` to the server's random number generator. */
  rngSeed: (run) =>
    function rngSeed(seed, options = {}) {
      return run(this, options, (n, c) => n.rngSeed(bytes(seed, 'seed'), c))
    },
}

/**
 * Installs the methods on `Client.prototype` (not enumerable, as class methods are).
 * @param {Function} Client
 * @param {(client: object, options: object, start: Function) => Promise<any>} run
 */
function install(Client, run) {
  for (const [name, make] of Object.entries(METHODS)) {
    Object.defineProperty(Client.prototype, name, { value: make(run), writable: true, configurable: true })
  }
}

module.exports = { install }
