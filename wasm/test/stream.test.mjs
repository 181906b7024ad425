// Encrypt then decrypt, in memory and through Web Streams TransformStreams: empty input, one
// byte, exact frames, several 64 KiB frames, odd chunkings; wrong key, wrong context, a tampered
// byte and a cut-off end give the integrity error with its code; argument errors.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { test } from "node:test";

import {
  DEFAULT_FRAME_SIZE,
  Decryptor,
  Encryptor,
  createDecryptStream,
  createEncryptStream,
  decrypt,
  encrypt,
  parseHeader,
} from "../index.js";
import { concat, pipe } from "./helpers.mjs";

const key = new Uint8Array(randomBytes(32));
const context = { tenant: "acme", table: "orders" };
const keyRef = { name: "orders-kek", version: 3, uid: "7f3a" };
const F = DEFAULT_FRAME_SIZE;
const sizes = [0, 1, F - 1, F, F + 1, 3 * F, 3 * F + 12345];

for (const size of sizes) {
  test(`${size} bytes round trip in memory and through streams`, async () => {
    const plain = new Uint8Array(randomBytes(size));
    const ct = encrypt(key, plain, { context, keyRef });
    assert.deepEqual(decrypt(key, ct, { context }), plain);
    // One frame is 64 KiB of plaintext plus a 16-byte tag: the body length shows the framing.
    const frames = Math.max(1, Math.ceil(size / F));
    assert.equal(ct.length - parseHeader(ct).headerLength, size + 16 * frames);
    for (const chunk of [1000, F, 5 * F + 3]) {
      if (size > 4 * F && chunk === 1000) continue; // byte-sized chunks of a big input: slow, no new path
      const streamed = await pipe(createEncryptStream(key, { context, keyRef }), plain, chunk);
      assert.deepEqual(decrypt(key, streamed, { context }), plain, `encrypt stream, chunk ${chunk}`);
      const back = await pipe(createDecryptStream(key, { context }), ct, chunk);
      assert.deepEqual(back, plain, `decrypt stream, chunk ${chunk}`);
    }
  });
}

test("a small frame size gives many frames, and streams agree with memory", async () => {
  const plain = new Uint8Array(randomBytes(10_000));
  const ct = await pipe(createEncryptStream(key, { context, frameSize: 64 }), plain, 333);
  assert.equal(parseHeader(ct).frameSize, 64);
  assert.deepEqual(decrypt(key, ct, { context }), plain);
  assert.deepEqual(await pipe(createDecryptStream(key, { context }), ct, 7), plain);
});

test("Encryptor and Decryptor release output frame by frame", () => {
  const enc = new Encryptor(key, { context, keyRef });
  const first = enc.update(new Uint8Array(F)); // one whole frame: held until the next byte
  const second = enc.update(new Uint8Array(F + 1)); // frame 1 released, frame 2 held
  const last = enc.finish();
  const ct = concat([first, second, last]);
  assert.ok(second.length >= F + 16, "a frame came out once the next byte showed it is not last");
  const dec = new Decryptor(key, { context });
  assert.equal(dec.header, undefined);
  const head = dec.update(ct.subarray(0, 20));
  assert.equal(head.length, 0);
  const body = dec.update(ct.subarray(20));
  assert.deepEqual(dec.header.key, keyRef);
  const tail = dec.finish();
  assert.equal(body.length + tail.length, 2 * F + 1);
  assert.throws(() => dec.finish(), { code: "KMIPKIT_INVALID_ARGUMENT" });
});

function integrity(err) {
  assert.equal(err.code, "KMIPKIT_INTEGRITY");
  assert.equal(err.kmipkitCode, 0x0501);
  assert.equal(err.kind, "Integrity");
  assert.equal(err.reason, undefined);
  assert.ok(err instanceof Error);
  return true;
}

test("wrong context, wrong key, tampered byte, cut-off end: KMIPKIT_INTEGRITY", async () => {
  const plain = new Uint8Array(randomBytes(2 * F + 5));
  const ct = encrypt(key, plain, { context, keyRef });
  const other = new Uint8Array(randomBytes(32));
  const tampered = ct.slice();
  tampered[tampered.length - 100] ^= 1;
  const cut = ct.subarray(0, ct.length - (5 + 16));
  const cases = [
    ["wrong context", key, ct, { context: { tenant: "other", table: "orders" } }],
    ["no context", key, ct, {}],
    ["wrong key", other, ct, { context }],
    ["tampered byte", key, tampered, { context }],
    ["final frame dropped", key, cut, { context }],
  ];
  for (const [what, k, c, options] of cases) {
    assert.throws(() => decrypt(k, c, options), integrity, what);
    await assert.rejects(pipe(createDecryptStream(k, options), c, 4096), integrity, what);
  }
});

test("a stream that is not a kmipkit ciphertext fails with KMIPKIT_FORMAT", async () => {
  await assert.rejects(pipe(createDecryptStream(key), new TextEncoder().encode("PK\x03\x04 zip"), 3), {
    code: "KMIPKIT_FORMAT",
  });
  // Cut inside the header: only the end of the stream shows it.
  const ct = encrypt(key, new Uint8Array(10));
  await assert.rejects(pipe(createDecryptStream(key), ct.subarray(0, 30), 10), {
    code: "KMIPKIT_FORMAT",
  });
});

test("bad arguments are TypeErrors with KMIPKIT_INVALID_ARGUMENT, and never echo the key", () => {
  const short = new Uint8Array(31).fill(0xab);
  for (const call of [
    () => encrypt(short, new Uint8Array(1)),
    () => decrypt(new Uint8Array(33), new Uint8Array(1)),
    () => encrypt("not bytes", new Uint8Array(1)),
    () => encrypt(key, [1, 2, 3]),
    () => encrypt(key, new Uint8Array(1), { context: { n: 1 } }),
    () => encrypt(key, new Uint8Array(1), { keyRef: { version: -1 } }),
    () => new Encryptor(short),
  ]) {
    assert.throws(call, (err) => {
      assert.ok(err instanceof TypeError, String(err));
      assert.equal(err.code, "KMIPKIT_INVALID_ARGUMENT");
      assert.ok(!err.message.includes("171") && !err.message.toLowerCase().includes("abab"));
      return true;
    });
  }
});

test("a frame size outside the format's range is refused by the core", () => {
  assert.throws(() => encrypt(key, new Uint8Array(1), { frameSize: 63 }), (err) => {
    assert.match(err.code, /^KMIPKIT_/);
    assert.notEqual(err.code, "KMIPKIT_INVALID_ARGUMENT");
    return true;
  });
});

test("two encryptions of one plaintext differ (a fresh salt from crypto.getRandomValues)", () => {
  const plain = new TextEncoder().encode("same");
  const a = encrypt(key, plain);
  const b = encrypt(key, plain);
  assert.notDeepEqual(parseHeader(a).salt, parseHeader(b).salt);
});
