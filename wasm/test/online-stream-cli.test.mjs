// The CLI and the package's Model 1 / Model 2 streams read each other's files, against a live
// PyKMIP server on 127.0.0.1: `kmipkit encrypt` (Model 1 under a KEK, Model 2 for an id) opened by
// createDecryptStream, and the package's createEncryptStream output opened by `kmipkit decrypt`.
// The key stays on the key manager both ways: nothing is revealed to either side.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { after, test } from "node:test";

import { Client, Model1, Model2, parseHeader } from "../index.js";
import { nodeTlsTransport } from "../node-tls.js";
import { binary, pipe, root } from "./helpers.mjs";
import { startServers, tlsServers, writeCliConfig } from "./servers.mjs";

const [server] = startServers("pykmip", 1);
const dir = mkdtempSync(path.join(root, "target", "wasm-test", "cli-stream-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name) => path.join(dir, name);
const config = file("kmipkit.toml");
writeCliConfig(config, server);
const cli = (...args) => execFileSync(binary("kmipkit"), ["-c", config, "-q", ...args], { cwd: dir, encoding: "utf8" });
const run = `${process.pid}-${Date.now()}`;
const plain = Uint8Array.from({ length: 5 * 65536 + 321 }, (_, i) => (i * 7 + 3) & 0xff);

async function connect(t) {
  const transport = nodeTlsTransport({ servers: tlsServers([server]) });
  const client = await Client.connect({ servers: ["kms1"], transport, version: "1.4", timeouts: { deadlineMs: 20_000 } });
  t.after(() => client.close());
  return client;
}

test("Model 1: the CLI's file opened by the package's stream, the package's stream opened by the CLI", async (t) => {
  const kek = `wasm-cli-m1-${run}`;
  writeFileSync(file("m1.bin"), plain);
  cli("encrypt", "--kek", kek, "--create-kek", "-C", "tenant=acme", "-C", "table=orders", file("m1.bin"), "-o", file("m1-cli.kmk"));
  const byCli = new Uint8Array(readFileSync(file("m1-cli.kmk")));
  assert.equal(parseHeader(byCli).key.name, kek);
  const model = await Model1.current(await connect(t), { kek });
  const context = { table: "orders", tenant: "acme" };
  assert.deepEqual(await pipe(model.createDecryptStream({ context }), byCli, 40_000), plain);
  await assert.rejects(pipe(model.createDecryptStream({ context: { tenant: "acme" } }), byCli, 40_000), { code: "KMIPKIT_INTEGRITY" });

  const byWasm = await pipe(model.createEncryptStream({ context }), plain, 100_000);
  writeFileSync(file("m1-wasm.kmk"), byWasm);
  cli("decrypt", "--kek", kek, "-C", "tenant=acme", "-C", "table=orders", file("m1-wasm.kmk"), "-o", file("m1-back.bin"));
  assert.deepEqual(new Uint8Array(readFileSync(file("m1-back.bin"))), plain);
});

test("Model 2: the CLI's file for an id opened by the package's stream, and back", async (t) => {
  const prefix = `wasm-cli-m2-${run}:`;
  writeFileSync(file("m2.bin"), plain);
  cli("encrypt", "--for", "C-1042", "--prefix", prefix, "-C", "field=email", file("m2.bin"), "-o", file("m2-cli.kmk"));
  const byCli = new Uint8Array(readFileSync(file("m2-cli.kmk")));
  assert.equal(parseHeader(byCli).key.name, `${prefix}C-1042`);
  const docs = new Model2(await connect(t), { prefix });
  const context = { field: "email" };
  assert.deepEqual(await pipe(docs.createDecryptStream("C-1042", { context }), byCli, 65536), plain);

  const byWasm = await pipe(docs.createEncryptStream("C-1042", { context }), plain, 30_000);
  assert.equal(parseHeader(byWasm).key.uid, parseHeader(byCli).key.uid, "the same key version");
  writeFileSync(file("m2-wasm.kmk"), byWasm);
  cli("decrypt", "--for", "C-1042", "--prefix", prefix, "-C", "field=email", file("m2-wasm.kmk"), "-o", file("m2-back.bin"));
  assert.deepEqual(new Uint8Array(readFileSync(file("m2-back.bin"))), plain);
});
