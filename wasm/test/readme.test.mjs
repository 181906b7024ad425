// The README's Node example runs as written (in a scratch project that installs this package by
// a link), so the documentation cannot drift from the API.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import { parseHeader } from "../index.js";
import { corePeer, root } from "./helpers.mjs";

const dir = mkdtempSync(path.join(tmpdir(), "kmipkit-wasm-readme-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the README's Node example runs and prints what it says", () => {
  const readme = readFileSync(path.join(root, "wasm", "README.md"), "utf8");
  const node = readme.split("## Node")[1].match(/```js\n([\s\S]*?)```/)[1];
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(path.join(root, "wasm"), path.join(dir, "node_modules", "kmipkit-wasm"));
  writeFileSync(path.join(dir, "example.mjs"), node);
  writeFileSync(path.join(dir, "orders.csv"), randomBytes(200_000).toString("base64"));
  writeFileSync(
    path.join(dir, "kmipkit.log"),
    corePeer(["log", "rfc5424", "3", path.join(dir, "kmipkit.log.state")]),
  );
  const out = execFileSync(process.execPath, ["example.mjs"], { cwd: dir, encoding: "utf8" });
  assert.equal(out, "{ name: 'orders', version: 1, uid: '42' }\ncard 4111 1111\n");
  const ct = readFileSync(path.join(dir, "orders.csv.kmke"));
  assert.equal(parseHeader(new Uint8Array(ct)).frameSize, 65536);
});
