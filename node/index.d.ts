// The public API of kmipkit for Node.js, written by hand over the addon's generated
// declarations (native.d.ts), which are looser (plain `object`, nullable fields).
import type { AuditConfig, ClientOperations, LogConfig } from './operations'
import type { codec, verifyLog } from './operations'
export * from './operations'

/** Options every call that waits on the network takes, last. */
export interface CallOptions {
  /** Aborting rejects the call at once with an AbortError and stops the native work. */
  signal?: AbortSignal
}

/** A server table of the configuration (the `[primary]` / `[[secondary]]` keys of kmipkit.toml). */
export interface ServerConfig {
  host?: string
  port?: number
  url?: string
  encoding?: string
  name?: string
  ca?: string
  client_cert?: string
  client_key?: string
  pkcs12?: string
  pkcs12_password_file?: string
  username?: string
  password_file?: string
  password_env?: string
  fingerprint_sha256?: string
}

type Setting = string | number | boolean | null | undefined

/** A configuration with the tables of kmipkit.toml; durations as '2s' / '250ms' or seconds. */
export interface Config {
  primary: ServerConfig
  secondary?: ServerConfig[]
  defaults?: ServerConfig
  key?: Record<string, Setting>
  protocol?: Record<string, Setting>
  timeouts?: Record<string, Setting>
  pool?: Record<string, Setting>
  log?: LogConfig
  audit?: AuditConfig
  cluster?: Record<string, Setting>
}

export interface ConnectOptions extends CallOptions {
  /** Where relative paths of a configuration object resolve (default: process.cwd()). */
  baseDir?: string
}

/** A KMIP attribute value as the core reads and writes it (names, numbers, lists, objects). */
export type AttributeValue = string | number | boolean | null | AttributeValue[] | { [field: string]: AttributeValue }

/** Attributes by tag name, or [name, value] pairs to give one attribute several times. */
export type Attributes = Record<string, AttributeValue> | Array<[string, AttributeValue]>

export interface QueryResult {
  operations: string[]
  objectTypes: string[]
  vendorIdentification?: string | undefined
  serverInformation?: string | undefined
}

export interface ManagedObject {
  uniqueIdentifier: string
  objectType: string
  keyFormatType?: string
  cryptographicAlgorithm?: string
  cryptographicLength?: number
  wrapped?: boolean
  /** Key material, secret or opaque data: only with `includeKeyMaterial: true`; not enumerable (never logged). Zero it with `fill(0)` after use. */
  material?: Buffer
  certificate?: Buffer
}

export interface EncryptResult {
  data: Buffer
  iv?: Buffer
  tag?: Buffer
}

export interface CryptoOptions extends CallOptions {
  /** Cryptographic Parameters by tag name: `{ CryptographicAlgorithm: 'AES', BlockCipherMode: 'GCM' }`. */
  parameters?: Record<string, AttributeValue>
  iv?: Uint8Array
  aad?: Uint8Array
}

/** The operations of operations.d.ts are Client's too. */
export interface Client extends ClientOperations {}
/** The connection counters of one server, from `client.stats()`. */
export interface ConnectionStats {
  /** The server's configured name ('primary', 'secondary-1', ...). */
  server: string
  /** TLS connections opened (each a TCP connect and a handshake). */
  connectionsOpened: number
  /** Requests served on a pooled connection. */
  connectionsReused: number
  /** Pooled connections found dead and replaced. */
  staleDiscarded: number
  /** Connections idle in the pool now. */
  idle: number
  /** Connections open now, busy or idle. */
  open: number
  /** The most connections open at once so far (never above `pool.max_connections_per_server`). */
  openPeak: number
  /** Whether the server is skipped for now after a failure. */
  down: boolean
}

export declare class Client implements AsyncDisposable {
  private constructor()
  /** Connects with a kmipkit.toml path (or file URL) or a configuration object. */
  static connect(config: string | URL | Config, options?: ConnectOptions): Promise<Client>
  readonly version: string
  readonly serverNames: string[]
  readonly closed: boolean
  close(): Promise<void>
  [Symbol.asyncDispose](): Promise<void>
  query(options?: CallOptions): Promise<QueryResult>
  discoverVersions(offered?: string[], options?: CallOptions): Promise<string[]>
  createAesKey(name: string, options?: CallOptions & { bits?: number; usage?: string[] | number }): Promise<string>
  get(id: string, options?: CallOptions & { includeKeyMaterial?: boolean; wrappingKey?: string }): Promise<ManagedObject>
  activate(id: string, options?: CallOptions): Promise<void>
  revoke(id: string, reason?: string, options?: CallOptions & { message?: string }): Promise<void>
  destroy(id: string, options?: CallOptions): Promise<void>
  locate(attributes?: Attributes, options?: CallOptions & { maxItems?: number; offset?: number }): Promise<string[]>
  locateByName(name: string, options?: CallOptions): Promise<string[]>
  getAttributes(id: string, names?: string[], options?: CallOptions): Promise<Record<string, AttributeValue | AttributeValue[]>>
  encrypt(id: string, data: Uint8Array, options?: CryptoOptions): Promise<EncryptResult>
  decrypt(id: string, data: Uint8Array, options?: CryptoOptions & { tag?: Uint8Array }): Promise<Buffer>
  /** Connection counters per server, primary first; sends nothing. Throws KmipkitClosedError once closed. */
  stats(): ConnectionStats[]
}

/** Fields the core reports with an error (present when they apply). */
export interface KmipkitErrorDetails {
  kind?: string
  kmipkitCode?: number
  category?: string
  reason?: string
}

/** Any failure reported by the kmipkit core. */
export declare class KmipkitError extends Error {
  constructor(message: string, details?: KmipkitErrorDetails)
  /** 'KMIPKIT_<KIND>', e.g. 'KMIPKIT_INTEGRITY'. */
  readonly code: string
  /** The ErrorKind's stable numeric code. */
  readonly kmipkitCode: number | undefined
  /** The ErrorKind's stable name, e.g. 'Certificate'. */
  readonly kind: string | undefined
  /** 'codec', 'connection', 'authentication', 'server', 'protocol', 'config', 'ciphertext', 'log'. */
  readonly category: string | undefined
  /** The KMIP Result Reason of a server refusal, e.g. 'ItemNotFound'. */
  readonly reason: string | undefined
  /** Server refusals: the operation refused, the server's message, what to do. */
  readonly operation?: string
  readonly resultMessage?: string
  readonly explanation?: string
  /** Every server failed: each server's last failure. */
  readonly attempts?: Array<{ server: string; kind: string; message: string }>
  /** Configuration errors: the file and line, when there is one. */
  readonly file?: string
  readonly line?: number
}
export declare class KmipkitCodecError extends KmipkitError {}
export declare class KmipkitConnectionError extends KmipkitError {}
export declare class KmipkitCertificateError extends KmipkitConnectionError {}
export declare class KmipkitAuthenticationError extends KmipkitConnectionError {}
export declare class KmipkitServerError extends KmipkitError {}
export declare class KmipkitProtocolError extends KmipkitError {}
export declare class KmipkitConfigError extends KmipkitError {}
export declare class KmipkitCiphertextError extends KmipkitError {}
export declare class KmipkitIntegrityError extends KmipkitCiphertextError {}
export declare class KmipkitFormatError extends KmipkitCiphertextError {}
export declare class KmipkitLogError extends KmipkitError {}

/** A call on a closed client. */
export declare class KmipkitClosedError extends Error {
  readonly code: 'ERR_KMIPKIT_CLOSED'
}

/** An aborted call, like node:fs's: name 'AbortError', code 'ABORT_ERR', cause signal.reason. */
export declare class AbortError extends Error {
  constructor(message?: string, options?: { cause?: unknown })
  readonly code: 'ABORT_ERR'
}

/** Every operation the core's client has. */
export declare function coreOperations(): Array<{ operation: string; method: string }>
/** Every error kind the core has. */
export declare function errorKinds(): Array<{ name: string; code: number; symbol: string; category: string }>

export * from './envelope'

declare const kmipkit: typeof import('./envelope') & {
  Client: typeof Client
  KmipkitError: typeof KmipkitError
  KmipkitCodecError: typeof KmipkitCodecError
  KmipkitConnectionError: typeof KmipkitConnectionError
  KmipkitCertificateError: typeof KmipkitCertificateError
  KmipkitAuthenticationError: typeof KmipkitAuthenticationError
  KmipkitServerError: typeof KmipkitServerError
  KmipkitProtocolError: typeof KmipkitProtocolError
  KmipkitConfigError: typeof KmipkitConfigError
  KmipkitCiphertextError: typeof KmipkitCiphertextError
  KmipkitIntegrityError: typeof KmipkitIntegrityError
  KmipkitFormatError: typeof KmipkitFormatError
  KmipkitLogError: typeof KmipkitLogError
  KmipkitClosedError: typeof KmipkitClosedError
  AbortError: typeof AbortError
  coreOperations: typeof coreOperations
  errorKinds: typeof errorKinds
  codec: typeof codec
  verifyLog: typeof verifyLog
}
export default kmipkit
