// The online client of kmipkit-wasm: idiomatic classes over the module's OnlineClient,
// OnlineModel1 and OnlineModel2 (bindings/wasm/src/online/). Conversions only: options objects
// to arguments, contexts to their canonical bytes, AbortSignals. Negotiation, failover,
// failover-safe creates, Model 1, Model 2 and rotation are the Rust core's.
import * as wasm from "./pkg/kmipkit_wasm.js";
import { encodeContext } from "./index.js";
import { cacheOf } from "./key-cache.js";
import { openStream, sealStream } from "./online-stream.js";

function invalid(message) {
  const err = new TypeError(message);
  err.code = "KMIPKIT_INVALID_ARGUMENT";
  return err;
}

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  throw invalid(`${what} must be a Uint8Array`);
}

function contextBytes(context) {
  if (context === undefined || context === null) return new Uint8Array(0);
  if (context instanceof Uint8Array) return context;
  return encodeContext(context);
}

/** The error a call rejects with after close(). */
function closedError() {
  const err = new Error("this kmipkit client is closed; connect a new one with Client.connect()");
  err.name = "KmipkitClosedError";
  err.code = "KMIPKIT_CLOSED";
  return err;
}

function abortError(signal) {
  const err = new Error("The operation was aborted", { cause: signal.reason });
  err.name = "AbortError";
  err.code = "ABORT_ERR";
  return err;
}

/**
 * Runs `start()` (returning the module's promise); with an AbortSignal the call rejects at once
 * with an AbortError when it fires. Argument errors thrown synchronously become rejections.
 */
function run(signal, start) {
  if (signal !== undefined && signal !== null) {
    if (typeof signal.aborted !== "boolean" || typeof signal.addEventListener !== "function") {
      return Promise.reject(invalid("options.signal must be an AbortSignal"));
    }
    if (signal.aborted) return Promise.reject(abortError(signal));
  }
  let promise;
  try {
    promise = Promise.resolve(start());
  } catch (err) {
    return Promise.reject(err);
  }
  if (signal === undefined || signal === null) return promise;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function optionalMs(timeouts, name) {
  const value = timeouts?.[name];
  if (value === undefined) return undefined;
  if (typeof value !== "number") throw invalid(`timeouts.${name} must be a number`);
  return value;
}

function identityBytes(identity) {
  if (identity === undefined || identity === null) return new Uint8Array(0);
  if (identity instanceof Uint8Array) return identity;
  if (typeof identity === "string") return new TextEncoder().encode(identity);
  throw invalid("transport.identity must be a string or a Uint8Array");
}

// The module's client behind each Client, for Model1 and Model2 (not reachable from outside).
const inners = new WeakMap();
const token = Symbol("Client.connect");

/** A KMIP client over a transport the host supplies; see index.d.ts. */
export class Client {
  #inner;
  #transport;
  #abort;

  constructor(secret, inner, transport, abort) {
    if (secret !== token) throw invalid("use Client.connect(options) to make a Client");
    this.#inner = inner;
    this.#transport = transport;
    this.#abort = abort;
    inners.set(this, inner);
  }

  /** Connects: negotiates the version (unless `version` pins one) through the first server that answers. */
  static async connect(options) {
    if (options === null || typeof options !== "object") throw invalid("Client.connect needs an options object");
    const { servers, transport, version, negotiateFrom, timeouts } = options;
    if (!Array.isArray(servers) || servers.length === 0 || servers.some((s) => typeof s !== "string" || s === "")) {
      throw invalid("options.servers must be a non-empty array of server names, primary first");
    }
    if (transport === null || typeof transport !== "object" || typeof transport.send !== "function") {
      throw invalid("options.transport must be an object with send(server, request, { signal, timeoutMs })");
    }
    for (const [name, value] of [["version", version], ["negotiateFrom", negotiateFrom]]) {
      if (value !== undefined && typeof value !== "string") throw invalid(`options.${name} must be a string such as "1.4"`);
    }
    const abort = new AbortController();
    const inner = await wasm.OnlineClient.connect(
      servers,
      transport,
      abort.signal,
      identityBytes(transport.identity),
      version,
      negotiateFrom,
      optionalMs(timeouts, "deadlineMs"),
      optionalMs(timeouts, "requestMs"),
      optionalMs(timeouts, "failoverDelayMs"),
      optionalMs(timeouts, "downBackoffMs"),
    );
    return new Client(token, inner, transport, abort);
  }

  /** The protocol version in use ("1.4"). */
  get version() {
    return this.#live().version;
  }
  /** The server names, primary first. */
  get serverNames() {
    return this.#live().serverNames;
  }
  get closed() {
    return this.#inner === null;
  }

  /** Aborts calls in flight, frees the client and closes the transport (if it has close()). */
  async close() {
    const inner = this.#inner;
    if (inner === null) return;
    this.#inner = null;
    inners.delete(this);
    this.#abort.abort();
    inner.free();
    await this.#transport.close?.();
  }
  async [Symbol.asyncDispose]() {
    await this.close();
  }

  #live() {
    if (this.#inner === null) throw closedError();
    return this.#inner;
  }
  #call(options, start) {
    let inner;
    try {
      inner = this.#live();
    } catch (err) {
      return Promise.reject(err);
    }
    return run(options?.signal, () => start(inner));
  }

  query(options) {
    return this.#call(options, (c) => c.query());
  }
  discoverVersions(offered = [], options) {
    return this.#call(options, (c) => c.discoverVersions(offered));
  }
  createAesKey(name, options = {}) {
    return this.#call(options, (c) => c.createAesKey(String(name), options.bits ?? 256, options.usage));
  }
  async get(id, options = {}) {
    const object = await this.#call(options, (c) => c.get(String(id), options.includeKeyMaterial === true, options.wrappingKey));
    if (object.material !== undefined) {
      // Not enumerable: console.log, JSON.stringify and spreads do not show the key bytes.
      Object.defineProperty(object, "material", { value: object.material, enumerable: false });
    }
    return object;
  }
  activate(id, options) {
    return this.#call(options, (c) => c.activate(String(id)));
  }
  revoke(id, reason = "CessationOfOperation", options = {}) {
    return this.#call(options, (c) => c.revoke(String(id), String(reason), options.message, compromiseSeconds(options.compromiseDate)));
  }
  destroy(id, options) {
    return this.#call(options, (c) => c.destroy(String(id)));
  }
  archive(id, options) {
    return this.#call(options, (c) => c.archive(String(id)));
  }
  recover(id, options) {
    return this.#call(options, (c) => c.recover(String(id)));
  }
  rekey(id, options) {
    return this.#call(options, (c) => c.rekey(String(id)));
  }
  check(id, options) {
    return this.#call(options, (c) => c.check(String(id)));
  }
  register(objectType, material, options = {}) {
    return this.#call(options, (c) =>
      c.register(String(objectType), bytes(material, "the material"), options.attributes ?? {}, options.algorithm),
    );
  }
  addAttribute(id, name, value, options) {
    return this.#call(options, (c) => c.addAttribute(String(id), String(name), value));
  }
  modifyAttribute(id, name, value, options = {}) {
    return this.#call(options, (c) => c.modifyAttribute(String(id), String(name), value, options.current));
  }
  setAttribute(id, name, value, options) {
    return this.#call(options, (c) => c.setAttribute(String(id), String(name), value));
  }
  deleteAttribute(id, name, options) {
    return this.#call(options, (c) => c.deleteAttribute(String(id), String(name)));
  }
  createKeyPair(options = {}) {
    return this.#call(options, (c) =>
      c.createKeyPair(options.common ?? {}, options.privateKey ?? {}, options.publicKey ?? {}),
    );
  }
  sign(id, data, options = {}) {
    return this.#call(options, (c) => c.sign(String(id), bytes(data, "the data"), options.parameters));
  }
  signatureVerify(id, data, signature, options = {}) {
    return this.#call(options, (c) =>
      c.signatureVerify(String(id), bytes(data, "the data"), bytes(signature, "the signature"), options.parameters),
    );
  }
  deriveKey(base, method, data, options = {}) {
    return this.#call(options, (c) =>
      c.deriveKey(
        base.map(String),
        String(method),
        bytes(data, "the derivation data"),
        options.attributes ?? {},
        options.parameters,
        options.salt === undefined ? undefined : bytes(options.salt, "the salt"),
        options.iterations,
      ),
    );
  }
  mac(id, data, options = {}) {
    return this.#call(options, (c) => c.mac(String(id), bytes(data, "the data"), options.parameters));
  }
  locate(attributes = {}, options = {}) {
    return this.#call(options, (c) => c.locate(attributes, options.maxItems, options.offset));
  }
  locateByName(name, options) {
    return this.#call(options, (c) => c.locateByName(String(name)));
  }
  getAttributes(id, names = [], options) {
    return this.#call(options, (c) => c.getAttributes(String(id), names));
  }
  getAttributeList(id, options) {
    return this.#call(options, (c) => c.getAttributeList(String(id)));
  }
  encrypt(id, data, options = {}) {
    return this.#call(options, (c) =>
      c.encrypt(String(id), bytes(data, "the data"), options.parameters, options.iv, options.aad),
    );
  }
  decrypt(id, data, options = {}) {
    return this.#call(options, (c) =>
      c.decrypt(String(id), bytes(data, "the data"), options.parameters, options.iv, options.aad, options.tag),
    );
  }
  // The rest of the core's operations (more_operations.rs), shaped as the Node package's.
  create(objectType, attributes = {}, options) {
    return this.#call(options, (c) => c.create(String(objectType), attributes));
  }
  rekeyKeyPair(id, options) {
    return this.#call(options, (c) => c.rekeyKeyPair(String(id)));
  }
  poll(correlation, options) {
    return this.#call(options, (c) => c.poll(bytes(correlation, "the correlation value")));
  }
  cancel(correlation, options) {
    return this.#call(options, (c) => c.cancel(bytes(correlation, "the correlation value")));
  }
  macVerify(id, data, mac, options = {}) {
    return this.#call(options, (c) =>
      c.macVerify(String(id), bytes(data, "the data"), bytes(mac, "the MAC"), options.parameters),
    );
  }
  hash(data, algorithm = "SHA_256", options) {
    return this.#call(options, (c) => c.hash(bytes(data, "the data"), String(algorithm)));
  }
  rngRetrieve(length, options) {
    if (!Number.isSafeInteger(length) || length < 1 || length > 0x7fffffff) {
      const err = new RangeError("length must be a whole number of bytes from 1 to 2^31-1");
      err.code = "KMIPKIT_INVALID_ARGUMENT";
      return Promise.reject(err);
    }
    return this.#call(options, (c) => c.rngRetrieve(length));
  }
  rngSeed(seed, options) {
    return this.#call(options, (c) => c.rngSeed(bytes(seed, "the seed")));
  }
}

/** Every operation the core's client sends, as `{ operation, method }` (the parity test's list). */
export function coreOperations() {
  return wasm.coreOperations();
}

function innerOf(client) {
  const inner = inners.get(client);
  if (inner === undefined) {
    if (client instanceof Client) throw closedError();
    throw invalid("the first argument must be a connected Client");
  }
  return inner;
}

/** A compromise date as whole seconds since the epoch: a Date or a number of seconds. */
function compromiseSeconds(date) {
  if (date === undefined) return undefined;
  if (date instanceof Date) return Math.floor(date.getTime() / 1000);
  if (typeof date === "number") return date;
  throw invalid("options.compromiseDate must be a Date or seconds since the Unix epoch");
}

/** A stream's AbortSignal, checked when the stream is made (`run` checks a call's). */
function streamSignal(signal) {
  if (signal === undefined || signal === null) return undefined;
  if (typeof signal.aborted !== "boolean" || typeof signal.addEventListener !== "function") {
    throw invalid("options.signal must be an AbortSignal");
  }
  return signal;
}

/** `inner` with the key cache of `options.cache`, when there is one (the plain one freed). */
function withCache(inner, options) {
  const cache = cacheOf(options.cache);
  if (cache === undefined) return inner;
  const cached = inner.withCache(cache);
  inner.free();
  return cached;
}

/** Hands an already-made module object to a wrapper's constructor (`Model1.current`). */
const ADOPT = Symbol("kmipkit.adopt");

/** Model 1: a DEK per message, protected by a KEK that never leaves the key manager. */
export class Model1 {
  #inner;
  constructor(client, options) {
    if (options !== null && typeof options === "object" && options[ADOPT] instanceof wasm.OnlineModel1) {
      this.#inner = options[ADOPT];
      return;
    }
    if (options === null || typeof options !== "object" || typeof options.kek !== "string") {
      throw invalid("new Model1(client, { kek: 'name', version?, method?, cache? })");
    }
    cacheOf(options.cache); // a bad cache is refused before anything is made
    this.#inner = withCache(new wasm.OnlineModel1(innerOf(client), options.kek, options.version, options.method), options);
  }
  /**
   * Model 1 with the KEK's current version: the newest Active one on the key manager (1 when
   * the KEK does not exist yet), as a process that did not make the rotation finds it.
   */
  static async current(client, options) {
    if (options === null || typeof options !== "object" || typeof options.kek !== "string") {
      throw invalid("Model1.current(client, { kek: 'name', method?, cache? })");
    }
    cacheOf(options.cache);
    const inner = await run(options.signal, () => wasm.OnlineModel1.current(innerOf(client), options.kek, options.method));
    return new Model1(client, { [ADOPT]: withCache(inner, options) });
  }
  get kekVersion() {
    return this.#inner.kekVersion;
  }
  ensureKek(options) {
    return run(options?.signal, () => this.#inner.ensureKek());
  }
  encrypt(plaintext, options = {}) {
    return run(options.signal, () =>
      this.#inner.encrypt(bytes(plaintext, "the plaintext"), contextBytes(options.context)),
    );
  }
  decrypt(ciphertext, options = {}) {
    return run(options.signal, () =>
      this.#inner.decrypt(bytes(ciphertext, "the ciphertext"), contextBytes(options.context)),
    );
  }
  /**
   * A TransformStream that encrypts under a fresh DEK from the key manager (its protected form
   * in the header), frame by frame in constant memory; the DEK is fetched when the first chunk
   * arrives. Aborting `signal` errors the stream and stops the fetch.
   */
  createEncryptStream(options = {}) {
    const context = contextBytes(options.context);
    const signal = streamSignal(options.signal);
    return sealStream(() => run(signal, () => this.#inner.startEncrypt(context)), signal, abortError);
  }
  /**
   * A TransformStream that decrypts a Model 1 ciphertext under this KEK (any version): its DEK
   * unlocked on the key manager (or found in the cache) once the header is in. Output is
   * unauthenticated until the stream closed without error.
   */
  createDecryptStream(options = {}) {
    const context = contextBytes(options.context);
    const signal = streamSignal(options.signal);
    return openStream((reader) => run(signal, () => this.#inner.startDecrypt(reader, context)), signal, abortError);
  }
  isCurrent(ciphertext) {
    return this.#inner.isCurrent(bytes(ciphertext, "the ciphertext"));
  }
  rewrap(ciphertext, options = {}) {
    return run(options.signal, () => this.#inner.rewrap(bytes(ciphertext, "the ciphertext")));
  }
}

/** Model 2: a key per identifier (user, document), in versions. */
export class Model2 {
  #inner;
  constructor(client, options = {}) {
    const prefix = options.prefix ?? "";
    if (typeof prefix !== "string") throw invalid("options.prefix must be a string");
    const cache = cacheOf(options.cache);
    this.#inner =
      cache === undefined
        ? new wasm.OnlineModel2(innerOf(client), prefix)
        : wasm.OnlineModel2.cached(innerOf(client), prefix, cache);
  }
  encrypt(id, plaintext, options = {}) {
    return run(options.signal, () =>
      this.#inner.encrypt(String(id), bytes(plaintext, "the plaintext"), contextBytes(options.context)),
    );
  }
  decrypt(id, ciphertext, options = {}) {
    return run(options.signal, () =>
      this.#inner.decrypt(String(id), bytes(ciphertext, "the ciphertext"), contextBytes(options.context)),
    );
  }
  /** A TransformStream that encrypts for `id` under the current version of its key. */
  createEncryptStream(id, options = {}) {
    const context = contextBytes(options.context);
    const signal = streamSignal(options.signal);
    return sealStream(() => run(signal, () => this.#inner.startEncrypt(String(id), context)), signal, abortError);
  }
  /**
   * A TransformStream that decrypts a ciphertext of `id` with the key version its header names
   * (a Compromised one only with `allowCompromised`).
   */
  createDecryptStream(id, options = {}) {
    const context = contextBytes(options.context);
    const signal = streamSignal(options.signal);
    const allow = options.allowCompromised === true;
    return openStream(
      (reader) => run(signal, () => this.#inner.startDecrypt(String(id), reader, context, allow)),
      signal,
      abortError,
    );
  }
  versions(id, options) {
    return run(options?.signal, () => this.#inner.versions(String(id)));
  }
  addVersion(id, options) {
    return run(options?.signal, () => this.#inner.addVersion(String(id)));
  }
  promote(id, version, options) {
    return run(options?.signal, () => this.#inner.promote(String(id), version));
  }
}
