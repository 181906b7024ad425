// Envelope encryption for Node.js (node/lib/envelope): Model 1, Model 2, Transform streams,
// rotation, the key cache, the format with a caller's key. Written by hand over the addon's
// generated declarations (native.d.ts).

import type { Transform, TransformOptions } from 'node:stream'
import type { EventEmitter } from 'node:events'
import type { Client, CallOptions } from './index'

/** An encryption context: text keys and values (encoded canonically, FORMAT.md §3.1), or raw bytes. */
export type Context = Record<string, string> | Array<[string, string]> | Uint8Array

export interface ContextOptions {
  /** Bound to the ciphertext as associated data; decryption needs the same context. */
  context?: Context
}

/** A key as ciphertext headers name it. */
export interface KeyRef {
  name: string
  version: number
  uid: string
}

/** One version of a Model 2 key and its KMIP state ('Active', 'PreActive', 'Deactivated', ...). */
export interface KeyVersion {
  key: KeyRef
  state: string
}

/** What a ciphertext header says; no key is needed to read it. */
export interface CiphertextHeader {
  frameSize: number
  key: KeyRef
  wrappedDek: Buffer
  headerLength: number
}

/** Options of every envelope stream. */
export interface StreamOptions extends ContextOptions {
  /** Aborting destroys the stream and stops a key fetch in flight. */
  signal?: AbortSignal
  highWaterMark?: number
}

/** The canonical bytes of a key-value context. */
export declare function encodeContext(context: Record<string, string> | Array<[string, string]>): Buffer
/** The object whose canonical encoding is `data`, or null. */
export declare function decodeContext(data: Uint8Array): Record<string, string> | null

export interface KeyCacheOptions {
  /** Seconds a key stays cached (default 300). */
  maxAge?: number
  /** Uses of a key before it is fetched again (default 2^32). */
  maxUses?: number
  /** Bytes of keys held in all (default 65536). */
  maxBytes?: number
}

export interface KeyCacheStats {
  hits: number
  misses: number
  fetches: number
  fetchErrors: number
  coalesced: number
  evictions: number
  oversize: number
  entries: number
  bytes: number
}

/** Unwrapped keys in protected memory, shared by the models given it as `{ cache }`. */
export declare class KeyCache {
  constructor(options?: KeyCacheOptions)
  purge(): void
  evict(keyId: string): boolean
  readonly size: number
  stats(): KeyCacheStats
}

/** A Model 1 data key in protected memory and its protected form (safe to store). */
export declare class DataKey {
  private constructor()
  readonly protected: Buffer
  seal(plaintext: Uint8Array, options?: ContextOptions): Buffer
  /** The key bytes: only on explicit request. */
  expose(): Buffer
}

export interface Model1Options {
  /** The KEK version new data keys are protected under (default 1). */
  version?: number
  cache?: KeyCache
  kekMethod?: 'encrypt' | 'key-wrap'
}

export interface Model1ConfigOptions extends CallOptions {
  /** The KEK's name (default: the configuration's `[key] name`). */
  kek?: string
  /** Its version (default: the configured one, else the current one). */
  kekVersion?: number
  cache?: KeyCache
}

/** Model 1: data keys protected by a key-encryption key that never leaves the key manager. */
export declare class Model1 {
  constructor(client: Client, kekName: string, options?: Model1Options)
  static fromConfig(client: Client, options?: Model1ConfigOptions): Promise<Model1>
  readonly kekName: string
  readonly kekVersion: number
  readonly kekKeyName: string
  readonly kekMethod: string
  ensureKek(options?: CallOptions): Promise<KeyRef>
  kek(options?: CallOptions): Promise<KeyRef>
  createDek(options?: CallOptions & { local?: boolean }): Promise<DataKey>
  unlock(protectedDek: Uint8Array, options?: CallOptions): Promise<DataKey>
  protect(key: Uint8Array, options?: CallOptions): Promise<Buffer>
  encrypt(plaintext: Uint8Array, options?: CallOptions & ContextOptions): Promise<Buffer>
  decrypt(ciphertext: Uint8Array, options?: CallOptions & ContextOptions): Promise<Buffer>
  createEncryptStream(options?: StreamOptions & { dataKey?: DataKey }): EncryptStream
  createDecryptStream(options?: StreamOptions): DecryptStream
}

export interface Model2DecryptOptions extends CallOptions, ContextOptions {
  /** Decrypt under a Compromised key version too (to move data off it). */
  allowCompromised?: boolean
}

/** Model 2: one key per identifier, named `prefix + id`, in versions on the key manager. */
export declare class Model2 {
  constructor(client: Client, prefix: string, options?: { cache?: KeyCache })
  readonly prefix: string
  keyName(id: string): string
  forget(id: string): void
  versions(id: string, options?: CallOptions): Promise<KeyVersion[]>
  currentKey(id: string, options?: CallOptions): Promise<KeyRef>
  findKey(id: string, options?: CallOptions): Promise<KeyRef | null>
  encrypt(id: string, plaintext: Uint8Array, options?: CallOptions & ContextOptions): Promise<Buffer>
  decrypt(id: string, ciphertext: Uint8Array, options?: Model2DecryptOptions): Promise<Buffer>
  createEncryptStream(id: string, options?: StreamOptions): EncryptStream
  createDecryptStream(id: string, options?: StreamOptions & { allowCompromised?: boolean }): DecryptStream
}

/** Encrypts what is written to it (a Transform: pipeline() friendly, backpressure honoured). */
export declare class EncryptStream extends Transform {
  private constructor(start: never, options?: TransformOptions)
}

/**
 * Decrypts what is written to it. A tampered or truncated ciphertext errors
 * (KmipkitIntegrityError / KmipkitFormatError); discard what was emitted before an error.
 */
export declare class DecryptStream extends Transform {
  private constructor(start: never, options?: TransformOptions)
}

/** Header fields for the format with a caller's key. */
export interface SealOptions extends ContextOptions {
  name?: string
  version?: number
  uid?: string
  wrappedDek?: Uint8Array
  /** Plaintext bytes per frame (default 65536). */
  frameSize?: number
}

export declare function sealWithKey(key: Uint8Array, plaintext: Uint8Array, options?: SealOptions): Buffer
/** Only to reproduce test vectors: a salt reused with one key reuses AES-GCM nonces. */
export declare function sealWithFixedSaltForTestVectors(
  key: Uint8Array,
  plaintext: Uint8Array,
  salt: Uint8Array,
  options?: SealOptions,
): Buffer
export declare function openWithKey(key: Uint8Array, ciphertext: Uint8Array, options?: ContextOptions): Buffer
export declare function parseHeader(ciphertext: Uint8Array): CiphertextHeader
export declare function createEncryptStreamWithKey(
  key: Uint8Array,
  options?: SealOptions & Omit<StreamOptions, 'context'>,
): EncryptStream
export declare function createDecryptStreamWithKey(key: Uint8Array, options?: StreamOptions): DecryptStream

/** Counts after an item of a bulk rotation (accumulated over the run). */
export interface RotationCounts {
  processed: number
  rotated: number
  alreadyCurrent: number
  keyManagerCalls: number
}

/** Progress after one item: the item, its new ciphertext (absent when already current), counts. */
export interface RotationProgress<I> extends RotationCounts {
  item: I
  ciphertext?: Buffer
}

export interface BulkOptions<I> extends CallOptions {
  /** Items per native call (default 64): memory holds one batch. */
  batchSize?: number
  onProgress?: (progress: RotationProgress<I>) => void
}

type Items<T> = Iterable<T> | AsyncIterable<T>
type Sink<I> = (item: I, ciphertext: Buffer) => void | Promise<void>

/** Model 1 rotation to the target's KEK version; emits 'progress' during bulk runs. */
export declare class Model1Rotation extends EventEmitter {
  constructor(target: Model1)
  isCurrent(ciphertext: Uint8Array): boolean
  rewrap(ciphertext: Uint8Array, options?: CallOptions): Promise<Buffer>
  rewrapAll<I>(
    items: Items<{ item: I; ciphertext: Uint8Array }>,
    options?: BulkOptions<I>,
  ): AsyncGenerator<RotationProgress<I>, void, undefined>
  rewrapAllTo<I>(
    items: Items<{ item: I; ciphertext: Uint8Array }>,
    sink: Sink<I>,
    options?: BulkOptions<I>,
  ): Promise<RotationCounts>
}

/** Model 2 rotation: key versions and re-encryption; emits 'progress' during bulk runs. */
export declare class Model2Rotation extends EventEmitter {
  constructor(model: Model2, options?: { allowCompromised?: boolean })
  versions(id: string, options?: CallOptions): Promise<KeyVersion[]>
  addVersion(id: string, options?: CallOptions): Promise<KeyRef>
  promote(id: string, version: number, options?: CallOptions): Promise<void>
  deactivate(id: string, version: number, options?: CallOptions): Promise<void>
  revoke(id: string, version: number, reason?: string, options?: CallOptions): Promise<void>
  reencrypt<I>(
    id: string,
    items: Items<{ item: I; ciphertext: Uint8Array; context?: Context }>,
    options?: BulkOptions<I>,
  ): AsyncGenerator<RotationProgress<I>, void, undefined>
  reencryptTo<I>(
    id: string,
    items: Items<{ item: I; ciphertext: Uint8Array; context?: Context }>,
    sink: Sink<I>,
    options?: BulkOptions<I>,
  ): Promise<RotationCounts>
}
