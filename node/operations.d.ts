// Declarations of the operations beyond the foundation's (lib/operations.js), the codec and
// log verification (lib/codec.js), and the [log]/[audit] settings; index.d.ts merges
// ClientOperations into Client and re-exports the rest.
import type { AttributeValue, Attributes, CallOptions } from './index'

/** Cryptographic Parameters by tag name: `{ DigitalSignatureAlgorithm: 'SHA_256WithRSAEncryption' }`. */
export type Parameters = Record<string, AttributeValue>

/** The two identifiers of a key pair. */
export interface KeyPairIds {
  privateKeyId: string
  publicKeyId: string
}

export interface RegisterOptions extends CallOptions {
  /** 'SymmetricKey' (default), 'SecretData', 'OpaqueObject', ... */
  objectType?: string
  attributes?: Attributes
  /** A Cryptographic Algorithm name for keys (default 'AES'), e.g. 'HMAC_SHA256'. */
  algorithm?: string
}

export interface DeriveKeyOptions extends CallOptions {
  /** The derived key's attributes (`{ CryptographicAlgorithm: 'AES', CryptographicLength: 256 }`). */
  attributes?: Attributes
  parameters?: Parameters
  salt?: Uint8Array
  iterations?: number
}

/** The operations every core operation has (see coreOperations()), besides the foundation's. */
export interface ClientOperations {
  /** Create: an object of `objectType` ('SymmetricKey', 'SecretData') the server makes; its id. */
  create(objectType: string, attributes?: Attributes, options?: CallOptions): Promise<string>
  /** Create Key Pair: attributes common to both keys, then each key's own. */
  createKeyPair(
    attributes: { common?: Attributes; privateKey?: Attributes; publicKey?: Attributes },
    options?: CallOptions,
  ): Promise<KeyPairIds>
  /** Register: stores `material` (key bytes, secret data, ...); its unique identifier. */
  register(material: Uint8Array, options?: RegisterOptions): Promise<string>
  /** Re-Key: a new key replacing `id`; its unique identifier. */
  rekey(id: string, options?: CallOptions): Promise<string>
  /** Re-Key Key Pair: a new pair replacing the pair of private key `id`. */
  rekeyKeyPair(id: string, options?: CallOptions): Promise<KeyPairIds>
  /** Derive Key: a symmetric key derived from `base` by `method` ('PBKDF2', 'HMAC', ...). */
  deriveKey(base: string | string[], method: string, data: Uint8Array, options?: DeriveKeyOptions): Promise<string>
  /** Check: whether `id` may be used; the identifier checked. */
  check(id: string, options?: CallOptions): Promise<string>
  /** Get Attribute List: the tag names of the attributes `id` has. */
  getAttributeList(id: string, options?: CallOptions): Promise<string[]>
  /** Add Attribute: gives `id` the attribute `name` (a tag name) with `value`. */
  addAttribute(id: string, name: string, value: AttributeValue, options?: CallOptions): Promise<void>
  /** Modify Attribute: `name` of `id` becomes `value`; `current` picks the value replaced. */
  modifyAttribute(id: string, name: string, value: AttributeValue, options?: CallOptions & { current?: AttributeValue }): Promise<void>
  /** Set Attribute (KMIP 2.0): `name` of `id` becomes `value`, added when absent. */
  setAttribute(id: string, name: string, value: AttributeValue, options?: CallOptions): Promise<void>
  /** Delete Attribute: removes the attribute `name` from `id`. */
  deleteAttribute(id: string, name: string, options?: CallOptions): Promise<void>
  /** Archive: moves `id` to off-line storage. */
  archive(id: string, options?: CallOptions): Promise<void>
  /** Recover: brings an archived `id` back on-line. */
  recover(id: string, options?: CallOptions): Promise<void>
  /** Poll: asks after the asynchronous operation of `correlation` (its correlation value). */
  poll(correlation: Uint8Array, options?: CallOptions): Promise<void>
  /** Cancel: asks the server to stop the asynchronous operation of `correlation`. */
  cancel(correlation: Uint8Array, options?: CallOptions): Promise<void>
  /** Sign `data` with the private key `id`: the signature. */
  sign(id: string, data: Uint8Array, options?: CallOptions & { parameters?: Parameters }): Promise<Buffer>
  /** Signature Verify: whether `signature` over `data` is valid for the public key `id`. */
  signatureVerify(id: string, data: Uint8Array, signature: Uint8Array, options?: CallOptions & { parameters?: Parameters }): Promise<boolean>
  /** MAC of `data` with the key `id`. */
  mac(id: string, data: Uint8Array, options?: CallOptions & { parameters?: Parameters }): Promise<Buffer>
  /** MAC Verify: whether `mac` over `data` is valid for the key `id`. */
  macVerify(id: string, data: Uint8Array, mac: Uint8Array, options?: CallOptions & { parameters?: Parameters }): Promise<boolean>
  /** Hash `data` on the server with `algorithm` (a Hashing Algorithm name; default 'SHA_256'). */
  hash(data: Uint8Array, algorithm?: string, options?: CallOptions): Promise<Buffer>
  /** RNG Retrieve: `length` random bytes from the server. */
  rngRetrieve(length: number, options?: CallOptions): Promise<Buffer>
  /** RNG Seed: offers `seed` to the server's random number generator. */
  rngSeed(seed: Uint8Array, options?: CallOptions): Promise<void>
}

/** The `[log]` table of kmipkit.toml: the tamper-evident operation log. */
export interface LogConfig {
  /** 'none', 'basic', 'verbose' or 'debug'. */
  level?: 'none' | 'basic' | 'verbose' | 'debug'
  /** 'rfc3164', 'rfc5424', 'cef', 'leef' or 'json'. */
  format?: 'rfc3164' | 'rfc5424' | 'cef' | 'leef' | 'json'
  /** 'file', 'syslog' (local socket), 'udp', 'tcp' or 'tls'. */
  destination?: 'file' | 'syslog' | 'udp' | 'tcp' | 'tls'
  /** For 'file': the log file (created with mode 0600). */
  path?: string
  /** 'size' (kmipkit rotates) or 'external' (logrotate moves the file). */
  rotate?: 'size' | 'external'
  /** rotate = 'size': the largest file, e.g. '10MiB', or bytes. */
  max_size?: string | number
  /** rotate = 'size': rotated files kept. */
  keep?: number
  /** The chain state file (default: beside the log file). */
  state_file?: string
  /** For 'syslog': the socket (default /dev/log). */
  socket?: string
  /** For 'udp', 'tcp' and 'tls': 'host:port'. */
  address?: string
  /** For 'tls': the CA that signed the receiver's certificate. */
  ca?: string
  /** syslog facility: auth, authpriv, daemon, user, local0 ... local7. */
  facility?: string
  /** Lines held for a slow receiver. */
  queue?: number
  /** The host name in syslog headers. */
  hostname?: string
}

/** The `[audit]` table: a CSV audit trail (mode 0600), never key values or data. */
export interface AuditConfig {
  path: string
}

/** What verifyLog() found. */
export interface LogReport {
  /** No line changed, removed, added or reordered. */
  intact: boolean
  lines: number
  firstSerial?: number
  lastSerial?: number
  /** Each finding as a sentence naming the file, line and serial. */
  findings: string[]
}

/** A request or response message read into the typed model. */
export interface ParsedMessage {
  kind: 'request' | 'response'
  version: string
  operations: Array<string | undefined>
  /** Responses: each batch item's Result Status and Reason. */
  results: Array<{ status: string; reason?: string }>
  /** The typed model written back as TTLV. */
  reencoded: Buffer
}

/** Converts TTLV bytes <-> KMIP XML/JSON; placeholders read are written back by the same codec. */
export declare class TextCodec {
  constructor()
  xmlToTtlv(xml: string): Buffer
  xmlMessagesToTtlv(xml: string): Buffer[]
  ttlvToXml(ttlv: Uint8Array): string
  jsonToTtlv(json: string): Buffer
  ttlvToJson(ttlv: Uint8Array, options?: { compact?: boolean }): string
  readonly placeholders: number
}

/** The KMIP codec (errors: KmipkitCodecError). */
export declare const codec: {
  readonly TextCodec: typeof TextCodec
  /** A readable tree of TTLV bytes; byte strings show only their length. */
  dump(ttlv: Uint8Array): string
  /** Decodes (bounded, checked) and re-encodes TTLV bytes. */
  normalize(ttlv: Uint8Array): Buffer
  /** Reads a request or response message into the typed model. */
  parseMessage(ttlv: Uint8Array): ParsedMessage
}

/** Verifies a log's hash chain: the current file, or it and its rotated files. */
export declare function verifyLog(paths: string | URL | Array<string | URL>): Promise<LogReport>
