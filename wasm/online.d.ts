// Types of the online client (online.js), re-exported by index.d.ts.
import type { Context, KeyRef } from "./index.js";

/** What every call that waits on the network takes, last. */
export interface CallOptions {
  /** Aborting rejects the call at once with an AbortError (`.code` "ABORT_ERR"). */
  signal?: AbortSignal;
}

/** What `send` is given besides the request. */
export interface SendOptions {
  /** Fires when the client closes: drop the exchange. */
  signal: AbortSignal;
  /** The time this attempt may take (the call's time left, at most `timeouts.requestMs`). */
  timeoutMs: number;
}

/**
 * Carries bytes to a server: kmipkit does negotiation, failover and everything else. `send`
 * resolves to exactly one TTLV reply (the client wipes the array after reading it), or rejects
 * with an Error whose `.code` tells the failover what happened:
 * `KMIPKIT_CONNECT` (nothing sent), `KMIPKIT_CONNECTION_LOST` with `.requestSent`,
 * `KMIPKIT_TIMEOUT`, `KMIPKIT_CERTIFICATE` (with `.rejectedBy` "client" or "server"),
 * `KMIPKIT_TLS`, `KMIPKIT_AUTHENTICATION`; any other rejection ends the call without failover.
 */
export interface Transport {
  send(server: string, request: Uint8Array, options: SendOptions): Promise<Uint8Array>;
  /** Waits between servers (default: setTimeout). */
  pause?(ms: number): Promise<void>;
  /** Public description of the TLS set-up; key caches bind to it. */
  identity?: string | Uint8Array;
  /** Where each server is, for messages and events. */
  peers?: Record<string, { host: string; port: number }>;
  /** Called by `Client.close()`. */
  close?(): Promise<void> | void;
}

export interface ConnectOptions {
  /** Server names the transport knows, primary first. */
  servers: string[];
  transport: Transport;
  /** Speak exactly this version ("1.4"); without it, negotiate down from `negotiateFrom`. */
  version?: string;
  /** The highest version offered in the negotiation (default "2.1"). */
  negotiateFrom?: string;
  timeouts?: {
    /** The whole call, failover included (default 60000). */
    deadlineMs?: number;
    /** One attempt on one server (default 30000). */
    requestMs?: number;
    /** The pause before the next server (default 250). */
    failoverDelayMs?: number;
    /** How long a failed server is skipped while another is up (default 5000). */
    downBackoffMs?: number;
  };
}

/** A KMIP attribute value as the core reads and writes it. */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [field: string]: AttributeValue };
/** Attributes by tag name, or [name, value] pairs to give one attribute several times. */
export type Attributes = Record<string, AttributeValue> | Array<[string, AttributeValue]>;

export interface QueryResult {
  operations: string[];
  objectTypes: string[];
  vendorIdentification?: string;
  serverInformation?: string;
}

export interface ManagedObject {
  uniqueIdentifier: string;
  objectType: string;
  keyFormatType?: string;
  cryptographicAlgorithm?: string;
  cryptographicLength?: number;
  wrapped?: boolean;
  /** Key bytes: only with `includeKeyMaterial: true`; not enumerable. Zero it with fill(0) after use. */
  material?: Uint8Array;
  certificate?: Uint8Array;
}

export interface CryptoOptions extends CallOptions {
  /** Cryptographic Parameters by tag name: `{ CryptographicAlgorithm: 'AES', BlockCipherMode: 'GCM' }`. */
  parameters?: Record<string, AttributeValue>;
  iv?: Uint8Array;
  aad?: Uint8Array;
}

export interface EncryptResult {
  data: Uint8Array;
  iv?: Uint8Array;
  tag?: Uint8Array;
}

/** A KMIP client over a transport the host supplies. */
/** (It also has `[Symbol.asyncDispose]`, for `await using`, where the runtime has it.) */
export declare class Client {
  private constructor();
  static connect(options: ConnectOptions): Promise<Client>;
  readonly version: string;
  readonly serverNames: string[];
  readonly closed: boolean;
  /** Aborts calls in flight and closes the transport (if it has `close`). */
  close(): Promise<void>;
  query(options?: CallOptions): Promise<QueryResult>;
  discoverVersions(offered?: string[], options?: CallOptions): Promise<string[]>;
  createAesKey(name: string, options?: CallOptions & { bits?: number; usage?: string[] | number }): Promise<string>;
  get(id: string, options?: CallOptions & { includeKeyMaterial?: boolean; wrappingKey?: string }): Promise<ManagedObject>;
  activate(id: string, options?: CallOptions): Promise<void>;
  revoke(id: string, reason?: string, options?: CallOptions & { message?: string; compromiseDate?: Date | number }): Promise<void>;
  destroy(id: string, options?: CallOptions): Promise<void>;
  /** Archive: moves `id` to off-line storage. @example await client.archive(id) */
  archive(id: string, options?: CallOptions): Promise<void>;
  /** Recover: brings an archived `id` back on-line. @example await client.recover(id) */
  recover(id: string, options?: CallOptions): Promise<void>;
  /** Re-Key: a new key replacing `id`; its unique identifier. @example const next = await client.rekey(id) */
  rekey(id: string, options?: CallOptions): Promise<string>;
  /** Check: whether `id` may be used; the identifier checked. @example await client.check(id) */
  check(id: string, options?: CallOptions): Promise<string>;
  /** Register: stores `material` as an object of `objectType` (SymmetricKey, SecretData, OpaqueObject, ...); `algorithm` for keys (AES when absent). Its unique identifier.
   * @example const id = await client.register("SymmetricKey", key, { attributes: { Name: "imported" } }) */
  register(objectType: string, material: Uint8Array, options?: CallOptions & { attributes?: Attributes; algorithm?: string }): Promise<string>;
  /** Add Attribute. @example await client.addAttribute(id, "Name", "second") */
  addAttribute(id: string, name: string, value: AttributeValue, options?: CallOptions): Promise<void>;
  /** Modify Attribute; `current`: the value replaced. @example await client.modifyAttribute(id, "Name", "new") */
  modifyAttribute(id: string, name: string, value: AttributeValue, options?: CallOptions & { current?: AttributeValue }): Promise<void>;
  /** Set Attribute (KMIP 2.0). @example await client.setAttribute(id, "Name", "renamed") */
  setAttribute(id: string, name: string, value: AttributeValue, options?: CallOptions): Promise<void>;
  /** Delete Attribute. @example await client.deleteAttribute(id, "Contact Information") */
  deleteAttribute(id: string, name: string, options?: CallOptions): Promise<void>;
  /** Create Key Pair: `common` attributes for both keys, then each key's own.
   * @example await client.createKeyPair({ common: { CryptographicAlgorithm: "RSA", CryptographicLength: 2048 }, privateKey: { CryptographicUsageMask: ["Sign"] }, publicKey: { CryptographicUsageMask: ["Verify"] } }) */
  createKeyPair(options?: CallOptions & { common?: Attributes; privateKey?: Attributes; publicKey?: Attributes }): Promise<{ privateKeyId: string; publicKeyId: string }>;
  /** Sign `data` with the private key `id`. @example await client.sign(priv, data, { parameters: { DigitalSignatureAlgorithm: "SHA_256WithRSAEncryption" } }) */
  sign(id: string, data: Uint8Array, options?: CallOptions & { parameters?: Record<string, AttributeValue> }): Promise<Uint8Array>;
  /** Whether `signature` over `data` is valid for the public key `id`. @example await client.signatureVerify(pub, data, sig) */
  signatureVerify(id: string, data: Uint8Array, signature: Uint8Array, options?: CallOptions & { parameters?: Record<string, AttributeValue> }): Promise<boolean>;
  /** Derive Key: a new symmetric key from the `base` objects by `method` (PBKDF2, HMAC, ...); its unique identifier.
   * @example await client.deriveKey([base], "HMAC", data, { attributes: { CryptographicAlgorithm: "AES", CryptographicLength: 256 }, parameters: { HashingAlgorithm: "SHA_256" } }) */
  deriveKey(base: string[], method: string, data: Uint8Array, options?: CallOptions & { attributes?: Attributes; parameters?: Record<string, AttributeValue>; salt?: Uint8Array; iterations?: number }): Promise<string>;
  /** MAC of `data` with the key `id`. @example await client.mac(id, data, { parameters: { CryptographicAlgorithm: "HMAC_SHA256" } }) */
  mac(id: string, data: Uint8Array, options?: CallOptions & { parameters?: Record<string, AttributeValue> }): Promise<Uint8Array>;
  locate(attributes?: Attributes, options?: CallOptions & { maxItems?: number; offset?: number }): Promise<string[]>;
  locateByName(name: string, options?: CallOptions): Promise<string[]>;
  getAttributes(id: string, names?: string[], options?: CallOptions): Promise<Record<string, AttributeValue>>;
  getAttributeList(id: string, options?: CallOptions): Promise<string[]>;
  encrypt(id: string, data: Uint8Array, options?: CryptoOptions): Promise<EncryptResult>;
  decrypt(id: string, data: Uint8Array, options?: CryptoOptions & { tag?: Uint8Array }): Promise<Uint8Array>;
  /** Create: an object of `objectType` ('SymmetricKey', 'SecretData') the server makes; its unique identifier.
   * @example const id = await client.create("SymmetricKey", { CryptographicAlgorithm: "AES", CryptographicLength: 128, CryptographicUsageMask: ["Encrypt", "Decrypt"] }) */
  create(objectType: string, attributes?: Attributes, options?: CallOptions): Promise<string>;
  /** Re-Key Key Pair: a new pair replacing the pair of private key `id`. @example const { privateKeyId } = await client.rekeyKeyPair(priv) */
  rekeyKeyPair(id: string, options?: CallOptions): Promise<{ privateKeyId: string; publicKeyId: string }>;
  /** Poll: asks after the asynchronous operation of `correlation` (its correlation value). @example await client.poll(correlation) */
  poll(correlation: Uint8Array, options?: CallOptions): Promise<void>;
  /** Cancel: asks the server to stop the asynchronous operation of `correlation`. @example await client.cancel(correlation) */
  cancel(correlation: Uint8Array, options?: CallOptions): Promise<void>;
  /** MAC Verify: whether `mac` over `data` is valid for the key `id`. @example await client.macVerify(id, data, mac, { parameters: { CryptographicAlgorithm: "HMAC_SHA256" } }) */
  macVerify(id: string, data: Uint8Array, mac: Uint8Array, options?: CallOptions & { parameters?: Record<string, AttributeValue> }): Promise<boolean>;
  /** Hash `data` on the server with `algorithm` (a Hashing Algorithm name; default 'SHA_256'): the digest. @example await client.hash(data, "SHA_256") */
  hash(data: Uint8Array, algorithm?: string, options?: CallOptions): Promise<Uint8Array>;
  /** RNG Retrieve: `length` (1 to 2^31-1) random bytes from the server; a RangeError otherwise. @example await client.rngRetrieve(32) */
  rngRetrieve(length: number, options?: CallOptions): Promise<Uint8Array>;
  /** RNG Seed: offers `seed` to the server's random number generator. @example await client.rngSeed(seed) */
  rngSeed(seed: Uint8Array, options?: CallOptions): Promise<void>;
}

/** One KMIP operation the core's client sends and the core method that sends it (snake_case). */
export interface CoreOperation {
  /** The KMIP operation's name ("DiscoverVersions"). */
  operation: string;
  /** The core method's name ("discover_versions"); Client's is its camelCase. */
  method: string;
}

/** Every operation the core's client has a method for. @example coreOperations().length // 33 */
export declare function coreOperations(): CoreOperation[];

export interface SealOptions extends CallOptions {
  context?: Context;
}

/** What `createEncryptStream` / `createDecryptStream` take. */
export interface StreamOptions {
  context?: Context;
  /** Aborting errors the stream at once (an AbortError) and stops a key fetch in flight. */
  signal?: AbortSignal;
}

export interface KeyCacheOptions {
  /** Seconds a key stays cached (default 300; 0 disables caching). */
  maxAge?: number;
  /** Uses of a key, its fetch included, before it is fetched again (default 2^32; 0 or 1 disables caching). */
  maxUses?: number;
  /** Bytes of keys held in all (default 65536). */
  maxBytes?: number;
}

export interface KeyCacheStats {
  /** Lookups answered from the cache. */
  hits: number;
  /** Lookups that were not. */
  misses: number;
  /** Keys fetched from the key manager. */
  fetches: number;
  /** Fetches that failed. */
  fetchErrors: number;
  /** Lookups that waited on another caller's fetch of the same key. */
  coalesced: number;
  /** Keys removed (age, uses, size, purge, evict). */
  evictions: number;
  /** Keys too big to be cached at all. */
  oversize: number;
  /** Keys held now. */
  entries: number;
  /** Bytes of key material held now. */
  bytes: number;
}

/**
 * Unwrapped keys kept for reuse (zeroized when evicted), shared by the models given it as
 * `{ cache }`: a Model 1 data key unlocked once opens its ciphertexts again without a round
 * trip; a Model 2 key, and which version is current, serves repeated messages of an identifier.
 * @example const cache = new KeyCache({ maxAge: 60 }); const docs = new Model2(client, { prefix: "doc:", cache });
 */
export declare class KeyCache {
  constructor(options?: KeyCacheOptions);
  /** Removes every key (zeroized). */
  purge(): void;
  /** Removes one key by its cache identifier; whether it was cached. */
  evict(keyId: string): boolean;
  /** Keys held now. */
  readonly size: number;
  stats(): KeyCacheStats;
}

/** Model 1: a fresh DEK per message from the key manager, protected by a KEK that never leaves it. */
export declare class Model1 {
  /** `version`: the KEK version new DEKs are protected under (default 1); `method`: "encrypt" or "key-wrap"; `cache`: unlocked DEKs kept for reuse. */
  constructor(client: Client, options: { kek: string; version?: number; method?: "encrypt" | "key-wrap"; cache?: KeyCache });
  /** Model 1 with the KEK's current version: the newest Active one on the key manager (1 when it does not exist yet). */
  static current(client: Client, options: { kek: string; method?: "encrypt" | "key-wrap"; cache?: KeyCache; signal?: AbortSignal }): Promise<Model1>;
  readonly kekVersion: number;
  /** Finds the KEK by name, or creates and activates it. */
  ensureKek(options?: CallOptions): Promise<KeyRef>;
  encrypt(plaintext: Uint8Array, options?: SealOptions): Promise<Uint8Array>;
  decrypt(ciphertext: Uint8Array, options?: SealOptions): Promise<Uint8Array>;
  /**
   * Encrypts what is piped through, frame by frame in constant memory, under a fresh DEK from
   * the key manager (fetched when the first chunk arrives; its protected form in the header).
   * @example await file.stream().pipeThrough(orders.createEncryptStream({ context })).pipeTo(sink)
   */
  createEncryptStream(options?: StreamOptions): TransformStream<Uint8Array, Uint8Array>;
  /**
   * Decrypts a Model 1 ciphertext under this KEK (any version), its DEK unlocked once the header
   * is in; errors with `KMIPKIT_INTEGRITY` on any change. Output is unauthenticated until the
   * stream closed without error.
   * @example const plain = await new Response(body.pipeThrough(orders.createDecryptStream({ context }))).arrayBuffer()
   */
  createDecryptStream(options?: StreamOptions): TransformStream<Uint8Array, Uint8Array>;
  /** Whether the ciphertext's DEK is protected under this model's KEK version. */
  isCurrent(ciphertext: Uint8Array): boolean;
  /** Rotation: the ciphertext with its DEK re-wrapped under this model's KEK version. */
  rewrap(ciphertext: Uint8Array, options?: CallOptions): Promise<Uint8Array>;
}

/** One version of a Model 2 key. */
export interface KeyVersion extends KeyRef {
  state: string;
}

/** Model 2: a key per identifier (user, document), in versions. */
export declare class Model2 {
  /** `cache`: keys (and which version is current) kept for reuse. */
  constructor(client: Client, options?: { prefix?: string; cache?: KeyCache });
  encrypt(id: string, plaintext: Uint8Array, options?: SealOptions): Promise<Uint8Array>;
  decrypt(id: string, ciphertext: Uint8Array, options?: SealOptions): Promise<Uint8Array>;
  /**
   * Encrypts what is piped through for `id` under the current version of its key (created on
   * first use), frame by frame in constant memory.
   * @example await input.pipeThrough(docs.createEncryptStream("alice")).pipeTo(sink)
   */
  createEncryptStream(id: string, options?: StreamOptions): TransformStream<Uint8Array, Uint8Array>;
  /**
   * Decrypts a ciphertext of `id` with the key version its header names (any usable one; a
   * Compromised one only with `allowCompromised`).
   * @example const plain = input.pipeThrough(docs.createDecryptStream("alice"))
   */
  createDecryptStream(id: string, options?: StreamOptions & { allowCompromised?: boolean }): TransformStream<Uint8Array, Uint8Array>;
  versions(id: string, options?: CallOptions): Promise<KeyVersion[]>;
  /** Rotation: a new version, Pre-Active until promoted. */
  addVersion(id: string, options?: CallOptions): Promise<KeyRef>;
  /** Rotation: new data is encrypted under `version` from now on. */
  promote(id: string, version: number, options?: CallOptions): Promise<void>;
}
