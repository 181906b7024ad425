// The hand-written index.d.ts names exactly what index.js exports, and the header and
// protected-DEK readers give the documented shapes.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { test } from "node:test";

import * as kmipkit from "../index.js";
import { corePeer, root } from "./helpers.mjs";

test("index.d.ts declares every export of index.js, and nothing else", () => {
  const dts = readFileSync(new URL("../index.d.ts", import.meta.url), "utf8");
  const declared = [...dts.matchAll(/^export (?:function|class|const) (\w+)/gm)].map((m) => m[1]);
  // Re-exported values (the online client's classes from online.d.ts), not `export type`.
  for (const m of dts.matchAll(/^export \{([^}]*)\} from/gm)) {
    declared.push(...m[1].split(",").map((name) => name.trim()).filter(Boolean));
  }
  assert.deepEqual([...new Set(declared)].sort(), Object.keys(kmipkit).sort());
});

test("parseHeader: Model 2 shape, and a prefix holding the header is enough", () => {
  const key = new Uint8Array(32).fill(9);
  const keyRef = { name: "customer:42", version: 2, uid: "9" };
  const ct = kmipkit.encrypt(key, new Uint8Array(100), { keyRef });
  const h = kmipkit.parseHeader(ct.subarray(0, 200));
  assert.deepEqual(h.key, keyRef);
  assert.equal(h.model, 2);
  assert.equal(h.protectedDek, null);
  assert.equal(h.formatVersion, 1);
  assert.equal(h.suite, 1);
  assert.equal(h.wrappedDek.length, 0);
  assert.throws(() => kmipkit.parseHeader(ct.subarray(0, 20)), { code: "KMIPKIT_FORMAT" });
});

test("parseProtectedDek reads a protected DEK, and a Model 1 header carries it", () => {
  // Written by the native core (ProtectedDek::to_bytes), as Model 1 stores it.
  const bytes = corePeer(["protected-dek", "orders-kek", "3", "7f3a"]);
  const pd = kmipkit.parseProtectedDek(bytes);
  assert.deepEqual(pd.kek, { name: "orders-kek", version: 3, uid: "7f3a" });
  assert.equal(pd.method, "kmip-encrypt-aes-gcm");
  assert.deepEqual(pd.iv, new Uint8Array(12).fill(1));
  assert.deepEqual(pd.tag, new Uint8Array(16).fill(2));
  assert.deepEqual(pd.encryptedDek, new Uint8Array(32).fill(3));
  const key = new Uint8Array(32).fill(4);
  const ct = kmipkit.encrypt(key, new Uint8Array(5), { keyRef: pd.kek, wrappedDek: bytes });
  const h = kmipkit.parseHeader(ct);
  assert.equal(h.model, 1);
  assert.deepEqual(h.protectedDek, pd);
  assert.throws(() => kmipkit.parseProtectedDek(bytes.subarray(0, 10)), (err) => {
    assert.match(err.code, /^KMIPKIT_/);
    return true;
  });
});

test("check-imports.mjs refuses a module importing from env, and passes the built module", () => {
  // (module (import "env" "f" (func))), byte by byte.
  const envImport = Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x04, 0x01, 0x60, 0x00, 0x00, 0x02,
    0x09, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x01, 0x66, 0x00, 0x00,
  ]);
  const dir = mkdtempSync(path.join(tmpdir(), "kmipkit-wasm-imports-"));
  try {
    const bad = path.join(dir, "env.wasm");
    writeFileSync(bad, envImport);
    const script = path.join(root, "wasm", "check-imports.mjs");
    const run = (file) => spawnSync(process.execPath, [script, file], { encoding: "utf8" });
    const refused = run(bad);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /env\.f \(function\)/);
    const built = run(path.join(root, "wasm", "pkg", "kmipkit_wasm_bg.wasm"));
    assert.equal(built.status, 0, built.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
