// Streams run in constant memory: 32 MiB through the encrypting and then the decrypting
// TransformStream, in chunks of 1 MiB, leaves the module's linear memory within a few MiB of
// where it started (it can only grow, so its size is the high-water mark).
import assert from "node:assert/strict";
import { test } from "node:test";

import { createDecryptStream, createEncryptStream } from "../index.js";
import { initSync } from "../pkg/kmipkit_wasm.js";

// The module index.js already instantiated (initSync returns it without instantiating again).
const memory = () => initSync().memory.buffer.byteLength;

test("32 MiB through both streams without growing the module's memory", async () => {
  const key = new Uint8Array(32).fill(5);
  const chunk = new Uint8Array(1 << 20).fill(7);
  const total = 32;
  // Warm up: the first frames allocate the buffers every later frame reuses.
  await drain(source(2, chunk).pipeThrough(createEncryptStream(key)).pipeThrough(createDecryptStream(key)));
  const before = memory();
  const seen = await drain(
    source(total, chunk).pipeThrough(createEncryptStream(key)).pipeThrough(createDecryptStream(key)),
  );
  assert.equal(seen, total << 20);
  const grown = memory() - before;
  assert.ok(grown <= 4 << 20, `memory grew by ${grown} bytes for ${total} MiB streamed`);
});

function source(n, chunk) {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent++ < n) controller.enqueue(chunk.slice());
      else controller.close();
    },
  });
}

async function drain(readable) {
  let n = 0;
  for await (const part of readable) n += part.length;
  return n;
}
