// The online Client has one method per operation the core's client sends (coreOperations(), the
// core's kmipkit::client::OPERATIONS), named as the core names it in camelCase: this fails when
// the core gains an operation the package lacks. The same guard as node/test/modules.test.mjs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Client, coreOperations } from "../index.js";

// The core's operations this package does not have yet: none. It stays as the guard that an
// operation the core adds later is either implemented or listed here (and the list may only
// shrink: an operation implemented while still listed fails the test too).
const NOT_YET = new Set([]);

const camel = (s) => s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());

test("coreOperations() lists the core's operations, each once, in KMIP's names", () => {
  const operations = coreOperations();
  assert.ok(operations.length >= 33, `only ${operations.length} operations`);
  assert.deepEqual(operations.find((o) => o.method === "rekey_key_pair"), { operation: "ReKeyKeyPair", method: "rekey_key_pair" });
  assert.deepEqual(operations.find((o) => o.method === "rng_retrieve"), { operation: "RNGRetrieve", method: "rng_retrieve" });
  assert.equal(new Set(operations.map((o) => o.method)).size, operations.length, "a method listed twice");
  assert.equal(new Set(operations.map((o) => o.operation)).size, operations.length, "an operation listed twice");
  // A fresh array each call: a caller changing it changes nothing for the next.
  operations.pop();
  assert.equal(coreOperations().length, operations.length + 1);
});

test("one Client method per core operation, named as the core names it", () => {
  const methods = Client.prototype;
  for (const { operation, method } of coreOperations()) {
    const name = camel(method);
    const has = typeof methods[name] === "function";
    if (NOT_YET.has(name)) assert.ok(!has, `${name} (${operation}) is implemented: take it off NOT_YET`);
    else assert.ok(has, `Client.${name} for ${operation} is missing`);
  }
  for (const name of NOT_YET) {
    assert.ok(coreOperations().some((o) => camel(o.method) === name), `${name} is not a core operation`);
  }
});
