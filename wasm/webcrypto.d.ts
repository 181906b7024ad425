// kmipkit-wasm/webcrypto: the envelope format with the bulk frames on crypto.subtle.
import type { DecryptOptions, EncryptOptions } from "./index.js";

/** Which AES-GCM runs the frames: the host's WebCrypto, the module's software AES, or the first if present. */
export type Backend = "auto" | "webcrypto" | "software";

/** Whether this host has WebCrypto's AES-GCM (`globalThis.crypto.subtle`). */
export function hasWebCrypto(): boolean;

/**
 * `encrypt` with the frames on `crypto.subtle` (a non-extractable per-message key); the same
 * bytes as the software path. Software where there is no `crypto.subtle` unless `backend` forces one.
 * @example const ct = await encryptAsync(key, bytes, { context: { table: "orders" } });
 */
export function encryptAsync(
  key: Uint8Array,
  plaintext: Uint8Array,
  options?: EncryptOptions & { backend?: Backend },
): Promise<Uint8Array>;

/** The WebCrypto path under a fixed salt: only to reproduce frozen test vectors, never for real data. */
export function encryptWithFixedSaltForTestVectorsAsync(
  key: Uint8Array,
  plaintext: Uint8Array,
  salt: Uint8Array,
  options?: EncryptOptions,
): Promise<Uint8Array>;

/**
 * `decrypt` with the frames on `crypto.subtle`: no plaintext unless every frame verified, and the
 * same `KMIPKIT_INTEGRITY` / `KMIPKIT_FORMAT` errors as the software path.
 * @example const plain = await decryptAsync(key, ct, { context: { table: "orders" } });
 */
export function decryptAsync(
  key: Uint8Array,
  ciphertext: Uint8Array,
  options?: DecryptOptions & { backend?: Backend },
): Promise<Uint8Array>;
