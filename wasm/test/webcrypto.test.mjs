// The WebCrypto path in Node (globalThis.crypto.subtle): the checks of webcrypto-checks.mjs,
// which wasm/bench/browser.mjs also runs in headless Chromium.
import assert from "node:assert/strict";
import path from "node:path";
import { test } from "node:test";

import * as kmipkit from "../index.js";
import * as wc from "../webcrypto.js";
import { jsonFiles, vectors } from "./helpers.mjs";
import { webCryptoChecks } from "./webcrypto-checks.mjs";

const dir = path.join(vectors, "envelope");
const rows = await webCryptoChecks(kmipkit, wc, {
  positive: jsonFiles(dir),
  negative: jsonFiles(path.join(dir, "negative")),
});

test("there are checks", () => assert.ok(rows.length > 30, `${rows.length} checks`));
for (const row of rows) {
  test(row.name, () => assert.ok(row.ok, row.detail));
}
