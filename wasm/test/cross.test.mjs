// The package against the native Rust core and the CLI: what the core seals the package opens
// and back (several frames, contexts, Model 1 and Model 2 header shapes); a real log chain the
// core writes verifies intact, and tampered copies give the same findings as `kmipkit log verify`.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import {
  createDecryptStream,
  createEncryptStream,
  decrypt,
  encodeContext,
  encrypt,
  parseHeader,
  verifyLog,
} from "../index.js";
import { binary, corePeer, pipe, toHex } from "./helpers.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "kmipkit-wasm-cross-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const key = new Uint8Array(randomBytes(32));
const context = { customer: "000123", purpose: "cross-test" };
const contextHex = toHex(encodeContext(context));

for (const [size, frame] of [
  [0, 65536],
  [100, 65536],
  [3 * 65536 + 7, 65536],
  [5000, 64],
]) {
  test(`core seals ${size} bytes (frames of ${frame}), the package opens; and back`, async () => {
    const plain = new Uint8Array(randomBytes(size));
    const args = ["seal", toHex(key), contextHex, "customer:000123", "2", "9", String(frame)];
    const byCore = corePeer(args, plain);
    assert.deepEqual(decrypt(key, byCore, { context }), plain);
    assert.deepEqual(await pipe(createDecryptStream(key, { context }), byCore, 4099), plain);
    assert.deepEqual(parseHeader(byCore).key, { name: "customer:000123", version: 2, uid: "9" });

    const keyRef = { name: "customer:000123", version: 2, uid: "9" };
    const byWasm = encrypt(key, plain, { context, keyRef, frameSize: frame });
    assert.deepEqual(corePeer(["open", toHex(key), contextHex], byWasm), plain);
    const streamed = await pipe(createEncryptStream(key, { context, keyRef, frameSize: frame }), plain, 10_000);
    assert.deepEqual(corePeer(["open", toHex(key), contextHex], streamed), plain);
  });
}

test("the core refuses what the package sealed under another context", () => {
  const byWasm = encrypt(key, new Uint8Array([1, 2, 3]), { context });
  const other = toHex(encodeContext({ customer: "000124", purpose: "cross-test" }));
  assert.throws(() => corePeer(["open", toHex(key), other], byWasm), /failed authentication/);
});

/** The CLI's `log verify --json` findings for `text`, without the file names the package lacks. */
function cliFindings(name, text, state) {
  const log = path.join(dir, name);
  writeFileSync(log, text);
  writeFileSync(`${log}.state`, state);
  let out;
  try {
    out = execFileSync(binary("kmipkit"), ["log", "verify", "--json", log], { encoding: "utf8" });
  } catch (err) {
    assert.equal(err.status, 6, err.stderr); // 6: the chain is broken
    out = err.stdout;
  }
  const report = JSON.parse(out);
  return report.findings.map(({ file: _file, ...rest }) => rest);
}

for (const format of ["rfc3164", "rfc5424", "json", "cef", "leef"]) {
  test(`a ${format} log chain from the core: intact, then tampered four ways, as the CLI finds`, () => {
    const stateFile = path.join(dir, `${format}.made.state`);
    const text = new TextDecoder().decode(corePeer(["log", format, "8", stateFile]));
    const state = readFileSync(stateFile, "utf8");
    const lines = text.trimEnd().split("\n");
    assert.equal(lines.length, 8);

    const intact = verifyLog(text, state);
    assert.equal(intact.intact, true, intact.text);
    assert.equal(intact.lines, 8);
    assert.equal(intact.last_serial, 8);
    assert.equal(intact.state_serial, 8);
    assert.deepEqual(cliFindings(`${format}-intact.log`, text, state), []);

    const altered = lines.slice();
    altered[3] = altered[3].replace("orders-kek", "orders-kex");
    const variants = {
      deleted: lines.filter((_, i) => i !== 2),
      altered,
      reordered: [lines[0], lines[2], lines[1], ...lines.slice(3)],
      "tail-missing": lines.slice(0, 6),
    };
    for (const [kind, variant] of Object.entries(variants)) {
      const tampered = variant.join("\n") + "\n";
      const report = verifyLog(tampered, state);
      assert.equal(report.intact, false, kind);
      assert.ok(report.findings.some((f) => f.kind === kind), `${kind}: ${report.text}`);
      assert.match(report.text, new RegExp(kind));
      const mine = report.findings.map(({ file: _file, ...rest }) => rest);
      assert.deepEqual(mine, cliFindings(`${format}-${kind}.log`, tampered, state), kind);
    }
    // Without the state, a removed tail cannot be seen (the chain has no key): documented.
    assert.equal(verifyLog(variants["tail-missing"].join("\n"), undefined).intact, true);
  });
}

test("a state text that is no state file is refused with KMIPKIT_LOG", () => {
  assert.throws(() => verifyLog("", "serial=1\n"), { code: "KMIPKIT_LOG" });
});
