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

/** Runs the first js block after README heading `section` in its own scratch project; its stdout. */
function runExample(section) {
  const readme = readFileSync(path.join(root, "wasm", "README.md"), "utf8");
  const example = readme.split(section)[1].match(/```js\n([\s\S]*?)```/)[1];
  const here = mkdtempSync(path.join(dir, "example-"));
  mkdirSync(path.join(here, "node_modules"));
  symlinkSync(path.join(root, "wasm"), path.join(here, "node_modules", "kmipkit-wasm"));
  writeFileSync(path.join(here, "example.mjs"), example);
  copyFileSync(server.ca, path.join(here, "ca.pem"));
  copyFileSync(server.client_cert, path.join(here, "client.pem"));
  copyFileSync(server.client_key, path.join(here, "client.key"));
  return execFileSync(process.execPath, ["example.mjs"], {
    cwd: here,
    encoding: "utf8",
    env: { ...process.env, KMS1_PORT: String(server.port) },
    timeout: 60_000,
  });
}

test("the README's online example runs and prints what it says", () => {
  assert.equal(runExample("## Online"), "card 4111 1111\ntrue\nalice's notes\nAES\n");
});

test("the README's streams and key cache example runs and prints what it says", () => {
  assert.equal(runExample("## Online streams and the key cache"), "id,total\n7,120.00\nalice's notes\ntrue\n");
});
