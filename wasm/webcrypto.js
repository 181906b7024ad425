// kmipkit-wasm/webcrypto: the envelope format with the bulk frames on the host's AES-GCM
// (`crypto.subtle`), several times faster than the module's software AES. The core still does
// everything else (header, key schedule and commitment, frame positions, nonces, the last-frame
// flag, the error for a failed frame) through its frame plan (bindings/wasm/src/webcrypto.rs);
// this file only runs AES-GCM on the frames the plan lists. The output is byte for byte the
// software path's. See webcrypto.d.ts.
import { decrypt, encodeContext, encrypt } from "./index.js";
import * as wasm from "./pkg/kmipkit_wasm.js";

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

/** Whether this host has WebCrypto's AES-GCM (browsers, workers, Deno, Node 20+). */
export function hasWebCrypto() {
  return typeof globalThis.crypto?.subtle?.encrypt === "function";
}

function choose(backend = "auto") {
  if (backend === "software") return false;
  if (backend === "webcrypto") {
    if (!hasWebCrypto()) throw invalid('backend "webcrypto": this host has no crypto.subtle');
    return true;
  }
  if (backend === "auto") return hasWebCrypto();
  throw invalid('backend must be "auto", "webcrypto" or "software"');
}

/** The plan's key as a non-extractable CryptoKey; the module's copy handed out is wiped here. */
async function importKey(plan) {
  const raw = plan.takeKey();
  try {
    return await crypto.subtle.importKey("raw", raw, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
  } finally {
    raw.fill(0);
  }
}

function seal(key, plaintext, options, salt) {
  const ref = options.keyRef ?? {};
  const version = ref.version ?? 0;
  if (!Number.isInteger(version) || version < 0 || version > 0xffffffff) {
    throw invalid("keyRef.version must be an integer from 0 to 4294967295");
  }
  const plan = wasm.webCryptoSealPlan(
    bytes(key, "the data key"), bytes(plaintext, "the plaintext").length, contextBytes(options.context),
    String(ref.name ?? ""), version, String(ref.uid ?? ""),
    options.wrappedDek === undefined ? undefined : bytes(options.wrappedDek, "wrappedDek"),
    options.frameSize, salt,
  );
  return sealFrames(plan, plaintext);
}

async function sealFrames(plan, plaintext) {
  try {
    const cryptoKey = await importKey(plan);
    const header = plan.header;
    const f = plan.frames();
    const parts = [];
    for (let i = 0; i < f.length / 3; i++) {
      const iv = plan.nonce(i, f[3 * i + 2] === 1);
      // All frames at once: WebCrypto runs them off the main thread where the host can.
      parts.push(crypto.subtle.encrypt({ name: "AES-GCM", iv }, cryptoKey, plaintext.subarray(f[3 * i], f[3 * i + 1])));
    }
    const sealed = await Promise.all(parts);
    const out = new Uint8Array(header.length + sealed.reduce((n, b) => n + b.byteLength, 0));
    out.set(header, 0);
    let at = header.length;
    for (const b of sealed) {
      out.set(new Uint8Array(b), at);
      at += b.byteLength;
    }
    return out;
  } finally {
    plan.free();
  }
}

/**
 * Encrypts like `encrypt` (same options, same bytes) with the frames on `crypto.subtle` when the
 * host has it; `options.backend`: "auto" (default), "webcrypto" or "software".
 * @example const ct = await encryptAsync(key, bytes, { context: { table: "orders" } });
 */
export async function encryptAsync(key, plaintext, options = {}) {
  if (!choose(options.backend)) return encrypt(key, plaintext, options);
  return seal(key, plaintext, options, undefined);
}

/** The WebCrypto path under a fixed salt: only to reproduce frozen test vectors, never for real data. */
export async function encryptWithFixedSaltForTestVectorsAsync(key, plaintext, salt, options = {}) {
  choose("webcrypto");
  return seal(key, plaintext, options, bytes(salt, "the salt"));
}

/**
 * Decrypts like `decrypt` (no plaintext unless every frame verified; the same `KMIPKIT_INTEGRITY`
 * and `KMIPKIT_FORMAT` errors) with the frames on `crypto.subtle` when the host has it.
 * @example const plain = await decryptAsync(key, ct, { context: { table: "orders" } });
 */
export async function decryptAsync(key, ciphertext, options = {}) {
  if (!choose(options.backend)) return decrypt(key, ciphertext, options);
  bytes(ciphertext, "the ciphertext");
  const plan = wasm.webCryptoOpenPlan(bytes(key, "the data key"), ciphertext, contextBytes(options.context));
  let out;
  try {
    const cryptoKey = await importKey(plan);
    const body = ciphertext.subarray(plan.bodyStart);
    const f = plan.frames();
    const count = f.length / 3;
    const open = (i, last) =>
      crypto.subtle.decrypt({ name: "AES-GCM", iv: plan.nonce(i, last) }, cryptoKey, body.subarray(f[3 * i], f[3 * i + 1]));
    const results = await Promise.allSettled(Array.from({ length: count }, (_, i) => open(i, f[3 * i + 2] === 1)));
    out = new Uint8Array(results.reduce((n, r) => n + (r.status === "fulfilled" ? r.value.byteLength : 0), 0));
    const failed = results.findIndex((r) => r.status === "rejected");
    if (failed >= 0) {
      for (const r of results) if (r.status === "fulfilled") new Uint8Array(r.value).fill(0);
      // The core names the failure; a final frame is retried as non-final to tell truncation.
      const last = f[3 * failed + 2] === 1;
      const nonFinal = last && (await open(failed, false).then(() => true, () => false));
      throw plan.frameError(failed, nonFinal);
    }
    let at = 0;
    for (const r of results) {
      const frame = new Uint8Array(r.value);
      out.set(frame, at);
      frame.fill(0); // the only copy left is `out`
      at += frame.length;
    }
    return out;
  } catch (err) {
    out?.fill(0);
    throw err;
  } finally {
    plan.free();
  }
}
