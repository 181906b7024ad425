// The README's online example runs as written (in a scratch project that installs this package
// by a link) against a live PyKMIP server, so the documentation cannot drift from the API.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import { root } from "./helpers.mjs";
import { startServers } from "./servers.mjs";

const [server] = startServers("pykmip", 1);
const dir = mkdtempSync(path.join(tmpdir(), "kmipkit-wasm-readme-online-"));
after(() => rmSync(dir, { recursive: true, force: true }));

test("the README's online example runs and prints what it says", () => {
  const readme = readFileSync(path.join(root, "wasm", "README.md"), "utf8");
  const example = readme.split("## Online")[1].match(/```js\n([\s\S]*?)```/)[1];
  mkdirSync(path.join(dir, "node_modules"));
  symlinkSync(path.join(root, "wasm"), path.join(dir, "node_modules", "kmipkit-wasm"));
  writeFileSync(path.join(dir, "example.mjs"), example);
  copyFileSync(server.ca, path.join(dir, "ca.pem"));
  copyFileSync(server.client_cert, path.join(dir, "client.pem"));
  copyFileSync(server.client_key, path.join(dir, "client.key"));
  const out = execFileSync(process.execPath, ["example.mjs"], {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, KMS1_PORT: String(server.port) },
    timeout: 60_000,
  });
  assert.equal(out, "card 4111 1111\ntrue\nalice's notes\nAES\n");
});

test("the README's streams and key cache example runs and prints what it says", () => {
  const readme = readFileSync(path.join(root, "wasm", "README.md"), "utf8");
  const example = readme.split("## Online streams and the key cache")[1].match(/```js\n([\s\S]*?)```/)[1];
  const here = mkdtempSync(path.join(dir, "streams-"));
  mkdirSync(path.join(here, "node_modules"));
  symlinkSync(path.join(root, "wasm"), path.join(here, "node_modules", "kmipkit-wasm"));
  writeFileSync(path.join(here, "example.mjs"), example);
  copyFileSync(server.ca, path.join(here, "ca.pem"));
  copyFileSync(server.client_cert, path.join(here, "client.pem"));
  copyFileSync(server.client_key, path.join(here, "client.key"));
  const out = execFileSync(process.execPath, ["example.mjs"], {
    cwd: here,
    encoding: "utf8",
    env: { ...process.env, KMS1_PORT: String(server.port) },
    timeout: 60_000,
  });
  assert.equal(out, "id,total\n7,120.00\nalice's notes\ntrue\n");
});
