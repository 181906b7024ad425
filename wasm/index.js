// kmipkit-wasm: the idiomatic ES module over the wasm-bindgen exports in pkg/. Conversions only
// (options objects to arguments, contexts to their canonical bytes, chunking for streams); every
// decision is the Rust core's. See index.d.ts for the documented API and README.md for examples.
import init, * as wasm from "./pkg/kmipkit_wasm.js";

const moduleUrl = new URL("./pkg/kmipkit_wasm_bg.wasm", import.meta.url);
// One `--target web` module for every host: browsers and bundlers fetch it; Node (whose fetch
// cannot read file: URLs) reads it from disk. Top-level await: once imported, everything is ready.
if (moduleUrl.protocol === "file:" && globalThis.process?.versions?.node) {
  const fs = "node:fs/promises";
  const { readFile } = await import(/* webpackIgnore: true */ /* @vite-ignore */ fs);
  wasm.initSync({ module: await readFile(moduleUrl) });
} else {
  await init({ module_or_path: moduleUrl });
}

export const { TextCodec, dumpTtlv, normalizeTtlv, parseMessage, parseHeader, parseProtectedDek } =
  wasm;

// The online client (a transport the host supplies: kmipkit-wasm/node-tls, kmipkit-wasm/fetch).
export { Client, Model1, Model2 } from "./online.js";
export { KeyCache } from "./key-cache.js";
export { coreOperations } from "./online.js";

/** The default frame size of the format: 64 KiB of plaintext per frame. */
export const DEFAULT_FRAME_SIZE = 0x10000;

function invalid(message) {
  const err = new TypeError(message);
  err.code = "KMIPKIT_INVALID_ARGUMENT";
  return err;
}

function bytes(value, what) {
  if (value instanceof Uint8Array) return value;
  throw invalid(`${what} must be a Uint8Array`);
}

/**
 * The canonical bytes of an encryption context: a plain object of string values (FORMAT.md
 * §3.1; the same bytes as the CLI's `--context K=V` and Python's mapping).
 */
export function encodeContext(context) {
  if (context === null || typeof context !== "object" || Array.isArray(context)) {
    throw invalid("a context must be a plain object of strings, or a Uint8Array");
  }
  const keys = Object.keys(context);
  const values = keys.map((k) => {
    if (typeof context[k] !== "string") throw invalid(`context value of "${k}" must be a string`);
    return context[k];
  });
  return wasm.encodeContext(keys, values);
}

/** The plain object whose canonical encoding is `bytes`, or `undefined` if it is none. */
export function decodeContext(bytes_) {
  const pairs = wasm.decodeContext(bytes(bytes_, "the context"));
  return pairs === undefined ? undefined : Object.fromEntries(pairs);
}

/** Context bytes from a Uint8Array (as is), a plain object (canonical encoding) or nothing. */
function contextBytes(context) {
  if (context === undefined || context === null) return new Uint8Array(0);
  if (context instanceof Uint8Array) return context;
  return encodeContext(context);
}

function sealArgs(key, options = {}) {
  const ref = options.keyRef ?? {};
  const version = ref.version ?? 0;
  if (!Number.isInteger(version) || version < 0 || version > 0xffffffff) {
    throw invalid("keyRef.version must be an integer from 0 to 4294967295");
  }
  return [
    bytes(key, "the data key"),
    contextBytes(options.context),
    String(ref.name ?? ""),
    version,
    String(ref.uid ?? ""),
    options.wrappedDek === undefined ? undefined : bytes(options.wrappedDek, "wrappedDek"),
    options.frameSize,
  ];
}

/** Encrypts `plaintext` under a 32-byte data key; see index.d.ts for `options`. */
export function encrypt(key, plaintext, options = {}) {
  const [k, context, ...rest] = sealArgs(key, options);
  return wasm.encrypt(k, bytes(plaintext, "the plaintext"), context, ...rest);
}

/** `encrypt` with a fixed salt: only to reproduce frozen test vectors (never for real data). */
export function encryptWithFixedSaltForTestVectors(key, plaintext, salt, options = {}) {
  const [k, context, ...rest] = sealArgs(key, options);
  return wasm.encryptWithFixedSaltForTestVectors(
    k,
    bytes(plaintext, "the plaintext"),
    context,
    bytes(salt, "the salt"),
    ...rest,
  );
}

/** Decrypts a whole message; throws `KMIPKIT_INTEGRITY` on a wrong key, context or any change. */
export function decrypt(key, ciphertext, options = {}) {
  return wasm.decrypt(
    bytes(key, "the data key"),
    bytes(ciphertext, "the ciphertext"),
    contextBytes(options.context),
  );
}

/** Checks a log's hash chain from its text (and its state file's text, if given). */
export function verifyLog(logText, stateText) {
  if (typeof logText !== "string") throw invalid("the log must be a string");
  if (stateText !== undefined && typeof stateText !== "string") {
    throw invalid("the state must be a string");
  }
  return wasm.verifyLog(logText, stateText);
}

/** Incremental encryption: `update(chunk)` then `finish()`, each returning ciphertext. */
export class Encryptor {
  #inner;
  constructor(key, options = {}) {
    this.#inner = new wasm.Encryptor(...sealArgs(key, options));
  }
  update(plaintext) {
    return live(this.#inner).update(bytes(plaintext, "the plaintext"));
  }
  finish() {
    const inner = live(this.#inner);
    // The module's memory for this stream (its key schedule, wiped on drop) is released now,
    // not whenever the garbage collector runs.
    this.#inner = null;
    try {
      return inner.finish();
    } finally {
      inner.free();
    }
  }
}

function live(inner) {
  if (inner === null) throw invalid("this stream is finished (or failed): start a new one");
  return inner;
}

/** Incremental decryption: `update(chunk)` then `finish()`, each returning verified plaintext. */
export class Decryptor {
  #inner;
  #header;
  constructor(key, options = {}) {
    this.#inner = new wasm.Decryptor(bytes(key, "the data key"), contextBytes(options.context));
  }
  /** The header once read (as `parseHeader` gives it), else `undefined`. */
  get header() {
    return this.#header ?? this.#inner?.header;
  }
  update(ciphertext) {
    return live(this.#inner).update(bytes(ciphertext, "the ciphertext"));
  }
  finish() {
    const inner = live(this.#inner);
    this.#header = inner.header;
    this.#inner = null;
    try {
      return inner.finish();
    } finally {
      inner.free();
    }
  }
}

// Chunks are fed in pieces of at most this many bytes, so that the module's memory stays near one
// frame whatever chunk sizes the stream brings.
const PIECE = 0x10000;

function transform(step, finish) {
  return new TransformStream({
    transform(chunk, controller) {
      const data = bytes(chunk, "a stream chunk");
      for (let at = 0; at < data.length; at += PIECE) {
        const out = step(data.subarray(at, at + PIECE));
        if (out.length > 0) controller.enqueue(out);
      }
    },
    flush(controller) {
      const out = finish();
      if (out.length > 0) controller.enqueue(out);
    },
  });
}

/**
 * A `TransformStream` that encrypts the bytes piped through it, frame by frame in constant
 * memory: `readable.pipeThrough(createEncryptStream(key, options))`.
 */
export function createEncryptStream(key, options = {}) {
  const enc = new Encryptor(key, options);
  return transform(
    (piece) => enc.update(piece),
    () => enc.finish(),
  );
}

/**
 * A `TransformStream` that decrypts and verifies, frame by frame in constant memory. The stream
 * errors (with `KMIPKIT_INTEGRITY` or `KMIPKIT_FORMAT`) on any fault, including a message cut
 * off at the end; treat output as unauthenticated until the stream closed without error.
 */
export function createDecryptStream(key, options = {}) {
  const dec = new Decryptor(key, options);
  return transform(
    (piece) => dec.update(piece),
    () => dec.finish(),
  );
}
