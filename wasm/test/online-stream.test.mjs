// Streaming Model 1 / Model 2 with the key on the key manager, and the key cache, against a live
// PyKMIP 0.11 server through nodeTlsTransport. Round trips are counted at the transport (every
// request the core sends goes through its `send`), so "no round trip" is measured, not assumed.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Client, KeyCache, Model1, Model2, encrypt, parseHeader } from "../index.js";
import { nodeTlsTransport } from "../node-tls.js";
import { initSync } from "../pkg/kmipkit_wasm.js";
import { concat, pipe } from "./helpers.mjs";
import { startServers, tlsServers } from "./servers.mjs";

const servers = startServers("pykmip", 1);
const unique = (what) => `wasm-${what}-${process.pid}-${Date.now()}`;
const filled = (n, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);

/** A KMIP 1.4 client (PyKMIP's AES-GCM for Model 1) whose transport counts its sends. */
async function connect(t) {
  const transport = nodeTlsTransport({ servers: tlsServers(servers) });
  const send = transport.send.bind(transport);
  const counter = { sends: 0 };
  transport.send = (...args) => {
    counter.sends++;
    return send(...args);
  };
  const client = await Client.connect({ servers: ["kms1"], transport, version: "1.4", timeouts: { deadlineMs: 20_000 } });
  t.after(() => client.close());
  /** The sends `work` made. */
  counter.during = async (work) => {
    const before = counter.sends;
    const result = await work();
    return { result, sends: counter.sends - before };
  };
  return { client, counter };
}

test("Model 1 streams of 0 B, 1 B, 64 KiB and 3 MiB: read back as streams and in memory, and the other way", async (t) => {
  const { client } = await connect(t);
  const model = new Model1(client, { kek: unique("m1s") });
  await model.ensureKek();
  const context = { file: "big.bin" };
  for (const size of [0, 1, 65536, 3 * (1 << 20) + 5]) {
    const plain = filled(size, size);
    const sealed = await pipe(model.createEncryptStream({ context }), plain, 10_000);
    const header = parseHeader(sealed);
    assert.equal(header.model, 1);
    assert.deepEqual(header.protectedDek.kek, header.key);
    // The framing is the format's: the same length as the offline encryptor's for this size.
    const offline = encrypt(new Uint8Array(32), plain, { keyRef: header.key, wrappedDek: header.wrappedDek, context });
    assert.equal(sealed.length, offline.length, `size ${size}`);
    for (const chunk of [1, 4093, 1 << 20]) {
      if (size > 1000 && chunk === 1) continue; // a byte at a time: slow, the small sizes cover it
      assert.deepEqual(await pipe(model.createDecryptStream({ context }), sealed, chunk), plain, `size ${size}, chunk ${chunk}`);
    }
    assert.deepEqual(await model.decrypt(sealed, { context }), plain);
    const inMemory = await model.encrypt(plain, { context });
    assert.deepEqual(await pipe(model.createDecryptStream({ context }), inMemory, 65_537), plain);
  }
});

test("a stream refuses any change: a flipped byte, a cut-off end, a wrong context or KEK, no header", async (t) => {
  const { client, counter } = await connect(t);
  const model = new Model1(client, { kek: unique("m1t") });
  await model.ensureKek();
  const context = { a: "1" };
  const plain = filled(200_000);
  const sealed = await pipe(model.createEncryptStream({ context }), plain, 65536);
  const flipped = sealed.slice();
  flipped[flipped.length - 70_000] ^= 1;
  const open = (bytes, options = { context }, m = model) => pipe(m.createDecryptStream(options), bytes, 8192);
  await assert.rejects(open(flipped), { code: "KMIPKIT_INTEGRITY" });
  await assert.rejects(open(sealed.subarray(0, sealed.length - 10)), { code: "KMIPKIT_INTEGRITY" });
  await assert.rejects(open(sealed, { context: { a: "2" } }), { code: "KMIPKIT_INTEGRITY" });
  await assert.rejects(open(new Uint8Array(0)), { code: "KMIPKIT_FORMAT" });
  await assert.rejects(open(sealed.subarray(0, 30)), { code: "KMIPKIT_FORMAT" });
  await assert.rejects(open(filled(1000)), { code: "KMIPKIT_FORMAT" });
  // Under another KEK: refused from the header alone, before the key manager is asked.
  const other = new Model1(client, { kek: unique("m1other") });
  const { sends } = await counter.during(() => assert.rejects(open(sealed, { context }, other), { code: "KMIPKIT_INTEGRITY" }));
  assert.equal(sends, 0);
  // A Model 2 model refuses a Model 1 ciphertext, and a Model 2 one of another identifier.
  const docs = new Model2(client, { prefix: `${unique("m2t")}:` });
  await assert.rejects(pipe(docs.createDecryptStream("u"), sealed, 9000), { code: "KMIPKIT_INTEGRITY" });
  const forU = await pipe(docs.createEncryptStream("u"), plain, 9000);
  await assert.rejects(pipe(docs.createDecryptStream("v"), forU, 9000), { code: "KMIPKIT_INTEGRITY" });
  assert.throws(() => model.createEncryptStream({ signal: {} }), { code: "KMIPKIT_INVALID_ARGUMENT" });
  await assert.rejects(pipe(model.createEncryptStream(), ["not bytes"], 1), { code: "KMIPKIT_INVALID_ARGUMENT" });
});

test("Model 2 streams follow rotation: the current version to encrypt, the header's version to decrypt", async (t) => {
  const { client } = await connect(t);
  const docs = new Model2(client, { prefix: `${unique("m2s")}:` });
  const context = { doc: "7" };
  const plain = filled(300_000, 3);
  const v1 = await pipe(docs.createEncryptStream("doc-7", { context }), plain, 50_000);
  assert.equal(parseHeader(v1).key.version, 1);
  assert.equal(parseHeader(v1).model, 2);
  assert.deepEqual(await pipe(docs.createDecryptStream("doc-7", { context }), v1, 7777), plain);
  assert.deepEqual(await docs.decrypt("doc-7", v1, { context }), plain);
  const next = await docs.addVersion("doc-7");
  await docs.promote("doc-7", next.version);
  const v2 = await pipe(docs.createEncryptStream("doc-7", { context }), plain, 1 << 20);
  assert.equal(parseHeader(v2).key.version, 2);
  assert.deepEqual(await pipe(docs.createDecryptStream("doc-7", { context }), v2, 65536), plain);
  assert.deepEqual(await pipe(docs.createDecryptStream("doc-7", { context }), v1, 65536), plain);
  const inMemory = await docs.encrypt("doc-7", plain, { context });
  assert.deepEqual(await pipe(docs.createDecryptStream("doc-7", { context }), inMemory, 3000), plain);
});

test("constant memory and backpressure: 16 MiB through both streams, the source read as the sink drains", async (t) => {
  const { client } = await connect(t);
  const model = new Model1(client, { kek: unique("m1m") });
  await model.ensureKek();
  const memory = () => initSync().memory.buffer.byteLength;
  const mebibyte = filled(1 << 20, 5);
  const run = async (mib, slow) => {
    let pulled = 0;
    let drained = 0;
    let ahead = 0;
    const source = new ReadableStream({
      pull(controller) {
        if (pulled === mib) return controller.close();
        pulled++;
        controller.enqueue(mebibyte.slice());
      },
    }, { highWaterMark: 0 });
    const out = source.pipeThrough(model.createEncryptStream()).pipeThrough(model.createDecryptStream());
    for await (const part of out) {
      drained += part.length;
      ahead = Math.max(ahead, pulled - Math.floor(drained / (1 << 20)));
      if (slow) await new Promise((r) => setTimeout(r, 1));
    }
    return { drained, ahead };
  };
  await run(2, false); // warm up: the first frames allocate what the later ones reuse
  const before = memory();
  const { drained, ahead } = await run(16, true);
  assert.equal(drained, 16 << 20);
  const grown = memory() - before;
  assert.ok(grown <= 4 << 20, `the module's memory grew by ${grown} bytes for 16 MiB`);
  // Each stage holds about a chunk: the source is never read far ahead of the slow sink.
  assert.ok(ahead <= 4, `the source was read ${ahead} MiB ahead of the sink`);
});

test("KeyCache: a Model 1 DEK unlocked once opens its ciphertext again with no round trip", async (t) => {
  const { client, counter } = await connect(t);
  const kek = unique("m1c");
  const cache = new KeyCache({ maxAge: 60 });
  const cached = new Model1(client, { kek, cache });
  const plain = new Model1(client, { kek });
  await cached.ensureKek();
  const sealed = await pipe(cached.createEncryptStream(), filled(100_000), 65536);
  const first = await counter.during(() => pipe(cached.createDecryptStream(), sealed, 65536));
  assert.ok(first.sends >= 1, "the first decryption unlocks the DEK on the key manager");
  for (const open of [() => pipe(cached.createDecryptStream(), sealed, 4096), () => cached.decrypt(sealed)]) {
    const again = await counter.during(open);
    assert.deepEqual(again.result, filled(100_000));
    assert.equal(again.sends, 0, "answered from the cache");
  }
  const uncached = await counter.during(() => pipe(plain.createDecryptStream(), sealed, 65536));
  assert.ok(uncached.sends >= 1, "without a cache every decryption asks the key manager");
  const stats = cache.stats();
  assert.equal(stats.hits, 2);
  assert.equal(stats.fetches, 1);
  assert.equal(stats.entries, 1);
  assert.equal(stats.bytes, 32);
  assert.equal(cache.size, 1);
  // Model1.current takes the cache too, and shares its entries.
  const current = await Model1.current(client, { kek, cache });
  assert.equal((await counter.during(() => current.decrypt(sealed))).sends, 0);
  cache.purge();
  assert.equal(cache.size, 0);
  assert.ok((await counter.during(() => cached.decrypt(sealed))).sends >= 1, "purged: fetched again");
});

test("KeyCache: Model 2 messages of one identifier after the first make no round trip; limits apply", async (t) => {
  const { client, counter } = await connect(t);
  const cache = new KeyCache();
  const docs = new Model2(client, { prefix: `${unique("m2c")}:`, cache });
  const plain = filled(70_000, 9);
  const first = await counter.during(() => pipe(docs.createEncryptStream("u"), plain, 65536));
  assert.ok(first.sends >= 1);
  const later = await counter.during(async () => {
    const sealed = await pipe(docs.createEncryptStream("u"), plain, 65536);
    const viaStream = await pipe(docs.createDecryptStream("u"), first.result, 1000);
    const inMemory = await docs.decrypt("u", sealed);
    return concat([viaStream, inMemory]);
  });
  assert.equal(later.sends, 0, "the key and its current version came from the cache");
  assert.deepEqual(later.result, concat([plain, plain]));
  assert.ok(cache.stats().hits >= 3, JSON.stringify(cache.stats()));
  // maxAge 0 caches nothing: every message asks again.
  const off = new Model2(client, { prefix: `${unique("m2z")}:`, cache: new KeyCache({ maxAge: 0 }) });
  await pipe(off.createEncryptStream("u"), plain, 65536);
  assert.ok((await counter.during(() => pipe(off.createEncryptStream("u"), plain, 65536))).sends >= 1);
});

test("KeyCache refuses bad limits and models refuse what is not a KeyCache", async (t) => {
  const { client } = await connect(t);
  for (const options of [{ maxAge: -1 }, { maxAge: "60" }, { maxUses: 1.5 }, { maxBytes: Infinity }, { maxAge: 1e300 }]) {
    assert.throws(() => new KeyCache(options), { name: "TypeError", code: "KMIPKIT_INVALID_ARGUMENT" }, JSON.stringify(options));
  }
  assert.throws(() => new KeyCache(null), { code: "KMIPKIT_INVALID_ARGUMENT" });
  assert.throws(() => new Model1(client, { kek: "k", cache: {} }), { code: "KMIPKIT_INVALID_ARGUMENT" });
  assert.throws(() => new Model2(client, { cache: new Map() }), { code: "KMIPKIT_INVALID_ARGUMENT" });
  await assert.rejects(Model1.current(client, { kek: "k", cache: 1 }), { code: "KMIPKIT_INVALID_ARGUMENT" });
  assert.equal(String(new KeyCache()), "[object KeyCache]");
});

test("aborting a stream errors it with an AbortError", async (t) => {
  const { client } = await connect(t);
  const docs = new Model2(client, { prefix: `${unique("m2a")}:` });
  await assert.rejects(pipe(docs.createEncryptStream("u", { signal: AbortSignal.abort() }), filled(10), 10), { code: "ABORT_ERR" });
  const controller = new AbortController();
  const stream = docs.createEncryptStream("u", { signal: controller.signal });
  const writer = stream.writable.getWriter();
  const reader = stream.readable.getReader();
  // Not awaited: with nothing read, the stream's backpressure holds the write.
  const written = writer.write(filled(100_000));
  assert.ok((await reader.read()).value.length > 0, "the header and first frame");
  controller.abort();
  await assert.rejects(reader.read(), { code: "ABORT_ERR" });
  await written; // the chunk was taken before the abort
  await assert.rejects(writer.write(filled(10)), { code: "ABORT_ERR" });
});
