// The frozen envelope vectors (conformance/vectors/envelope/): every one decrypts byte for byte,
// in memory and through a stream; encryption under the recorded salt reproduces the ciphertext;
// every negative vector fails with its error class; context encodings match.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import {
  createDecryptStream,
  decodeContext,
  decrypt,
  encodeContext,
  encryptWithFixedSaltForTestVectors,
  parseHeader,
} from "../index.js";
import { hex, jsonFiles, pipe, toHex, vectors } from "./helpers.mjs";

const dir = path.join(vectors, "envelope");
const positive = jsonFiles(dir);
const negative = jsonFiles(path.join(dir, "negative"));
const codes = { integrity: "KMIPKIT_INTEGRITY", format: "KMIPKIT_FORMAT" };

test("there are frozen vectors to check", () => {
  assert.ok(positive.length >= 7, `${positive.length} positive vectors`);
  assert.ok(negative.length >= 19, `${negative.length} negative vectors`);
});

for (const v of positive) {
  test(`vector ${v.file} decrypts byte for byte and re-encrypts identically`, async () => {
    const key = hex(v.dek);
    const ct = hex(v.ciphertext);
    const context = hex(v.context);
    assert.equal(toHex(decrypt(key, ct, { context })), v.plaintext);
    for (const chunk of [1, 1000, ct.length]) {
      const out = await pipe(createDecryptStream(key, { context }), ct, chunk);
      assert.equal(toHex(out), v.plaintext, `stream, chunks of ${chunk}`);
    }
    const again = encryptWithFixedSaltForTestVectors(key, hex(v.plaintext), hex(v.salt), {
      context,
      keyRef: { name: v.key_name, version: v.key_version, uid: v.key_uid },
      wrappedDek: hex(v.wrapped_dek ?? ""),
      frameSize: v.frame_size,
    });
    assert.equal(toHex(again), v.ciphertext);
    const h = parseHeader(ct);
    assert.deepEqual(h.key, { name: v.key_name, version: v.key_version, uid: v.key_uid });
    assert.equal(h.frameSize, v.frame_size);
    assert.equal(toHex(h.wrappedDek), v.wrapped_dek ?? "");
    assert.equal(toHex(h.salt), v.salt);
  });
}

for (const v of negative) {
  test(`negative vector ${v.file} fails with ${v.error}`, async () => {
    const key = hex(v.dek);
    const context = hex(v.context);
    const ct = hex(v.ciphertext);
    assert.throws(() => decrypt(key, ct, { context }), (err) => {
      assert.equal(err.code, codes[v.error], err.message);
      assert.equal(err.kind.toLowerCase(), v.error);
      return true;
    });
    await assert.rejects(pipe(createDecryptStream(key, { context }), ct, 777), (err) => {
      assert.equal(err.code, codes[v.error], err.message);
      return true;
    });
  });
}

test("context encodings match contexts/encodings.json", () => {
  const doc = JSON.parse(readFileSync(path.join(dir, "contexts", "encodings.json"), "utf8"));
  let checked = 0;
  for (const c of doc.valid) {
    const pairs = Object.fromEntries(c.pairs);
    assert.equal(toHex(encodeContext(pairs)), c.bytes);
    assert.deepEqual(decodeContext(hex(c.bytes)), pairs);
    checked++;
  }
  for (const r of doc.refused) {
    // A plain object cannot hold a key twice: those cases cannot be written in this API.
    if (new Set(r.pairs.map(([k]) => k)).size < r.pairs.length) continue;
    assert.throws(() => encodeContext(Object.fromEntries(r.pairs)), (err) => {
      assert.match(err.code, /^KMIPKIT_/);
      return true;
    });
    checked++;
  }
  assert.ok(checked > 5, `${checked} context cases`);
});
