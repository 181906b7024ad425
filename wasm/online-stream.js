// Web Streams for Model 1 / Model 2 with the key on the key manager (Model1/Model2
// createEncryptStream / createDecryptStream in online.js). Conversions only: the key comes from
// the module's startEncrypt / startDecrypt (the Rust core's Model1/Model2::start_encrypt /
// start_decrypt, through the key cache when the model has one) before the first frame; every
// frame then goes through the core's push Sealer / Opener, synchronously, in constant memory.
// The bytes are the core's streaming Encryptor's, so every kmipkit front end reads them.
// A namespace import: an offline-only build (no online exports) still loads this module.
import * as wasm from "./pkg/kmipkit_wasm.js";

// Chunks are fed in pieces of at most one frame, so that the module's memory stays near one
// frame whatever chunk sizes the stream brings.
const PIECE = 0x10000;

function chunkBytes(chunk) {
  if (chunk instanceof Uint8Array) return chunk;
  const err = new TypeError("a stream chunk must be a Uint8Array");
  err.code = "KMIPKIT_INVALID_ARGUMENT";
  throw err;
}

/**
 * What both streams share: the abort signal (it errors the stream at once and stops a key fetch
 * in flight) and the module object to free (its key wiped) when the stream ends or fails.
 */
function lifecycle(signal, abortError) {
  const state = { held: [] };
  const release = () => {
    for (const inner of state.held.splice(0)) inner.free();
  };
  const guard = () => {
    if (signal?.aborted) {
      release();
      throw abortError(signal);
    }
  };
  const start = (controller) => {
    signal?.addEventListener(
      "abort",
      () => {
        release();
        controller.error(abortError(signal));
      },
      { once: true },
    );
  };
  return { state, release, guard, start };
}

/**
 * A TransformStream that encrypts: `startEncrypt()` resolves to the module's sealer (the key
 * fetch); it runs when the first chunk (or the end of an empty stream) arrives.
 */
export function sealStream(startEncrypt, signal, abortError) {
  const life = lifecycle(signal, abortError);
  let sealer = null;
  const ready = async () => {
    if (sealer === null) {
      const made = await startEncrypt();
      life.state.held.push(made);
      life.guard();
      sealer = made;
    }
    return sealer;
  };
  return new TransformStream({
    start: life.start,
    async transform(chunk, controller) {
      life.guard();
      const data = chunkBytes(chunk);
      try {
        const s = await ready();
        for (let at = 0; at < data.length; at += PIECE) {
          const out = s.update(data.subarray(at, at + PIECE));
          if (out.length > 0) controller.enqueue(out);
        }
      } catch (err) {
        life.release();
        throw err;
      }
    },
    async flush(controller) {
      life.guard();
      try {
        const out = (await ready()).finish();
        if (out.length > 0) controller.enqueue(out);
      } finally {
        life.release();
      }
    },
  });
}

/**
 * A TransformStream that decrypts: the header is collected first; `startDecrypt(reader)` then
 * resolves to the module's opener for the key the header names (refused when it is not the
 * model's), and the body goes through it frame by frame.
 */
export function openStream(startDecrypt, signal, abortError) {
  const life = lifecycle(signal, abortError);
  const reader = new wasm.OnlineHeaderReader();
  life.state.held.push(reader);
  let opener = null;
  return new TransformStream({
    start: life.start,
    async transform(chunk, controller) {
      life.guard();
      const data = chunkBytes(chunk);
      try {
        let at = 0;
        while (at < data.length) {
          const piece = data.subarray(at, at + PIECE);
          if (opener === null) {
            const used = reader.feed(piece);
            if (used === undefined) {
              at += piece.length;
              continue;
            }
            at += used;
            const made = await startDecrypt(reader);
            life.state.held.push(made);
            life.guard();
            opener = made;
            continue;
          }
          const out = opener.update(piece);
          if (out.length > 0) controller.enqueue(out);
          at += piece.length;
        }
      } catch (err) {
        life.release();
        throw err;
      }
    },
    flush(controller) {
      life.guard();
      try {
        if (opener === null) {
          reader.finish(); // throws: the input ended inside the header
          return;
        }
        const out = opener.finish();
        if (out.length > 0) controller.enqueue(out);
      } finally {
        life.release();
      }
    },
  });
}
