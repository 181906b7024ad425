// Types of kmipkit-wasm, written by hand where wasm-bindgen's generated pkg/kmipkit_wasm.d.ts is
// loose (`object`, `any`, `number[]` accepted for bytes). The package is ready once imported
// (top-level await loads the module): no init call.

/** A context bound to a ciphertext: a plain object of strings (encoded canonically, FORMAT.md
 * §3.1, the same bytes as the CLI's `--context K=V`), or raw bytes. */
export type Context = Readonly<Record<string, string>> | Uint8Array;

/** The key a ciphertext names: in Model 2 the data key itself, in Model 1 the KEK. */
export interface KeyRef {
  name: string;
  /** The caller's version number of the key; 0 when unused. */
  version: number;
  /** The key's KMIP Unique Identifier. */
  uid: string;
}

/** Options of `encrypt`, `Encryptor` and `createEncryptStream`. */
export interface EncryptOptions {
  context?: Context;
  /** Written in the header (authenticated, readable by anyone). Default: all empty, version 0. */
  keyRef?: Partial<KeyRef>;
  /** Stored in the header as is (Model 1: the protected DEK); not authenticated. */
  wrappedDek?: Uint8Array;
  /** Plaintext bytes per frame, 64 to 1,048,576; default 65,536. */
  frameSize?: number;
}

/** Options of `decrypt`, `Decryptor` and `createDecryptStream`. */
export interface DecryptOptions {
  /** The context the message was encrypted under (none: empty). */
  context?: Context;
}

/** A Model 1 protected DEK: a data key encrypted under a KEK on the key manager. No secret. */
export interface ProtectedDek {
  kek: KeyRef;
  method: "kmip-encrypt-aes-gcm" | "kmip-key-wrap-aes-padding" | (string & {});
  iv: Uint8Array;
  tag: Uint8Array;
  encryptedDek: Uint8Array;
}

/** What a ciphertext's header says, readable without a key. */
export interface Header {
  formatVersion: number;
  suite: number;
  frameSize: number;
  salt: Uint8Array;
  key: KeyRef;
  wrappedDek: Uint8Array;
  /** Bytes of the header; the body follows. */
  headerLength: number;
  /** 1: a protected DEK in the header; 2: none; null: wrapped bytes that are no protected DEK. */
  model: 1 | 2 | null;
  protectedDek: ProtectedDek | null;
}

/** Every error the package throws: a kmipkit error from the core, or an argument refused. */
export interface KmipkitError extends Error {
  /** `KMIPKIT_INTEGRITY`, `KMIPKIT_FORMAT`, `KMIPKIT_DECODE`, ... or `KMIPKIT_INVALID_ARGUMENT`. */
  code: string;
  /** The stable numeric ErrorKind code (0x0501 for Integrity); absent for argument errors. */
  kmipkitCode?: number;
  /** The ErrorKind name (`Integrity`); absent for argument errors. */
  kind?: string;
  /** The kind's class (`ciphertext`, `codec`, ...). */
  category?: string;
  /** For a key server's refusal: the KMIP Result Reason name; otherwise undefined. */
  reason?: string;
}

/** The default frame size: 65,536 bytes of plaintext per frame. */
export const DEFAULT_FRAME_SIZE: 65536;

/**
 * Encrypts `plaintext` under a 32-byte data key, with a fresh salt from `crypto.getRandomValues`.
 * @example const ct = encrypt(key, bytes, { context: { table: "orders" }, keyRef: { name: "orders", version: 1, uid: "42" } });
 */
export function encrypt(key: Uint8Array, plaintext: Uint8Array, options?: EncryptOptions): Uint8Array;

/**
 * Decrypts a whole message; throws `KMIPKIT_INTEGRITY` for a wrong key or context or any change,
 * `KMIPKIT_FORMAT` for bytes that are no kmipkit ciphertext.
 * @example const plain = decrypt(key, ct, { context: { table: "orders" } });
 */
export function decrypt(key: Uint8Array, ciphertext: Uint8Array, options?: DecryptOptions): Uint8Array;

/** `encrypt` under a fixed salt: only to reproduce frozen test vectors, never for real data. */
export function encryptWithFixedSaltForTestVectors(
  key: Uint8Array,
  plaintext: Uint8Array,
  salt: Uint8Array,
  options?: EncryptOptions,
): Uint8Array;

/** Incremental encryption; `update` and `finish` return the ciphertext ready so far. */
export class Encryptor {
  constructor(key: Uint8Array, options?: EncryptOptions);
  update(plaintext: Uint8Array): Uint8Array;
  /** Seals the final frame; the encryptor refuses further calls. */
  finish(): Uint8Array;
}

/**
 * Incremental decryption; `update` returns the plaintext of frames that verified. Only a `finish`
 * that returned proves the message whole: until then treat output as unauthenticated.
 */
export class Decryptor {
  constructor(key: Uint8Array, options?: DecryptOptions);
  /** The header once read, else undefined. */
  readonly header: Header | undefined;
  update(ciphertext: Uint8Array): Uint8Array;
  finish(): Uint8Array;
}

/**
 * A TransformStream encrypting frame by frame in constant memory.
 * @example await file.stream().pipeThrough(createEncryptStream(key, { context })).pipeTo(sink);
 */
export function createEncryptStream(
  key: Uint8Array,
  options?: EncryptOptions,
): TransformStream<Uint8Array, Uint8Array>;

/**
 * A TransformStream decrypting and verifying frame by frame; it errors with `KMIPKIT_INTEGRITY`
 * on any change, including a message cut off at the end.
 */
export function createDecryptStream(
  key: Uint8Array,
  options?: DecryptOptions,
): TransformStream<Uint8Array, Uint8Array>;

/** The canonical bytes of a context object. @example encodeContext({ table: "orders" }) */
export function encodeContext(context: Readonly<Record<string, string>>): Uint8Array;

/** The context object whose canonical encoding is `bytes`, or undefined if it is none. */
export function decodeContext(bytes: Uint8Array): Record<string, string> | undefined;

/** The header of a ciphertext (or of a prefix holding the whole header). */
export function parseHeader(ciphertext: Uint8Array): Header;

/** A Model 1 protected DEK from its bytes. */
export function parseProtectedDek(bytes: Uint8Array): ProtectedDek;

/** Converts between TTLV and the KMIP XML and JSON encodings; keeps test-case placeholders. */
export class TextCodec {
  constructor();
  /** Releases the codec's memory in the module now instead of at garbage collection. */
  free(): void;
  xmlToTtlv(text: string): Uint8Array;
  xmlMessagesToTtlv(text: string): Uint8Array[];
  ttlvToXml(ttlv: Uint8Array): string;
  jsonToTtlv(text: string): Uint8Array;
  ttlvToJson(ttlv: Uint8Array, compact?: boolean): string;
  readonly placeholderCount: number;
}

/** A readable tree of TTLV bytes (byte strings show only their length). */
export function dumpTtlv(ttlv: Uint8Array): string;

/** Checks TTLV bytes and re-encodes them canonically. */
export function normalizeTtlv(ttlv: Uint8Array): Uint8Array;

/** A KMIP message read into the typed model. */
export interface ParsedMessage {
  kind: "request" | "response";
  /** The protocol version, e.g. "1.4". */
  version: string;
  operations: (string | null)[];
  /** Responses only: each batch item's Result Status and Result Reason. */
  results?: { status: string; reason: string | null }[];
  /** The typed model written back to TTLV. */
  reencoded: Uint8Array;
}

/** Reads TTLV bytes as a request or response message. */
export function parseMessage(ttlv: Uint8Array): ParsedMessage;

/** One problem `verifyLog` found. */
export interface Finding {
  kind: "deleted" | "inserted" | "altered" | "reordered" | "tail-missing" | "restarted";
  serial: number | null;
  last_serial: number | null;
  /** Always null here (the CLI names the file). */
  file: string | null;
  /** The line number in the text, from 1. */
  line: number | null;
  detail: string;
}

/** The report of `verifyLog`: the CLI's `log verify --json` document plus `text`. */
export interface LogReport {
  intact: boolean;
  lines: number;
  first_serial: number | null;
  last_serial: number | null;
  state_serial: number | null;
  findings: Finding[];
  files: string[];
  /** The report as the CLI prints it. */
  text: string;
}

/**
 * Checks a log's hash chain from its text (oldest line first) and, to find a removed tail, the
 * text of its `.state` file.
 * @example if (!verifyLog(logText, stateText).intact) alert("the log was tampered with");
 */
export function verifyLog(logText: string, stateText?: string): LogReport;

// The online client: a KMIP Client over a transport the host supplies (online.d.ts).
export { Client, KeyCache, Model1, Model2 } from "./online.js";
export { coreOperations } from "./online.js";
export type { CoreOperation } from "./online.js";
export type {
  AttributeValue,
  Attributes,
  CallOptions,
  ConnectOptions,
  CryptoOptions,
  EncryptResult,
  KeyCacheOptions,
  KeyCacheStats,
  KeyVersion,
  ManagedObject,
  QueryResult,
  SealOptions,
  SendOptions,
  StreamOptions,
  Transport,
} from "./online.js";
