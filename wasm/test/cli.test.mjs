// Data the CLI encrypted, decrypted by the package, and back, against a live PyKMIP server on
// 127.0.0.1 (conformance/pykmip/kmip-test-server, started and stopped here). The CLI takes
// keys from the key manager only, so the data key comes the CLI's way: `dek create --local`
// (a data key protected under a KEK on the server), `dek unlock --reveal` (the plain key, for
// the package), `encrypt --dek` (Model 1 with that key). The package encrypts with the same key
// and the protected DEK in its header, and `kmipkit decrypt` opens that through the server.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, test } from "node:test";

import { createDecryptStream, decrypt, encrypt, parseHeader } from "../index.js";
import { binary, pipe, root } from "./helpers.mjs";
import { writeCliConfig } from "./servers.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "kmipkit-wasm-cli-"));
const harness = path.join(root, "conformance", "pykmip", "kmip-test-server");
const serverDir = path.join(dir, "server");
const config = path.join(dir, "kmipkit.toml");
const file = (name) => path.join(dir, name);
const cli = (...args) =>
  execFileSync(binary("kmipkit"), ["-c", config, ...args], { cwd: dir, encoding: "utf8" });

before(() => {
  const started = execFileSync(harness, ["start", "--dir", serverDir, "--port", "0", "--json"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const server = JSON.parse(started);
  writeCliConfig(config, server, ['[key]', 'name = "wasm-cross-kek"']);
});

after(() => {
  // The harness stops the server it started in this directory, by the PID it recorded.
  execFileSync(harness, ["stop", "--dir", serverDir], { stdio: "inherit" });
  rmSync(dir, { recursive: true, force: true });
});

test("the CLI encrypts with a protected DEK, the package decrypts; the package encrypts, the CLI decrypts", async () => {
  cli("dek", "create", "-o", file("dek.bin"), "--create-kek", "--local");
  cli("dek", "unlock", file("dek.bin"), "--reveal", file("key.bin"));
  const key = new Uint8Array(readFileSync(file("key.bin")));
  const protectedDek = new Uint8Array(readFileSync(file("dek.bin")));
  assert.equal(key.length, 32);

  const plain = randomBytes(3 * 65536 + 1234);
  writeFileSync(file("plain.bin"), plain);
  cli("encrypt", "--dek", file("dek.bin"), "-C", "tenant=acme", "-C", "table=orders",
    file("plain.bin"), "-o", file("by-cli.kmke"));
  const byCli = new Uint8Array(readFileSync(file("by-cli.kmke")));
  const context = { table: "orders", tenant: "acme" };
  const header = parseHeader(byCli);
  assert.equal(header.model, 1);
  assert.equal(header.key.name, "wasm-cross-kek");
  assert.deepEqual(header.protectedDek.kek, header.key);
  assert.deepEqual(header.wrappedDek, protectedDek);
  assert.deepEqual(decrypt(key, byCli, { context }), new Uint8Array(plain));
  assert.deepEqual(await pipe(createDecryptStream(key, { context }), byCli, 10_000), new Uint8Array(plain));
  assert.throws(() => decrypt(key, byCli, { context: { tenant: "acme" } }), { code: "KMIPKIT_INTEGRITY" });

  const mine = new TextEncoder().encode("sealed by the WebAssembly package\n".repeat(5000));
  const byWasm = encrypt(key, mine, { context, keyRef: header.key, wrappedDek: protectedDek });
  writeFileSync(file("by-wasm.kmke"), byWasm);
  cli("decrypt", "-C", "tenant=acme", "-C", "table=orders", file("by-wasm.kmke"), "-o", file("back.bin"));
  assert.deepEqual(new Uint8Array(readFileSync(file("back.bin"))), mine);
});
