// The operations that completed the online Client's list (more_operations.rs), against a live
// PyKMIP 0.11 server through nodeTlsTransport: generic Create works; Re-Key Key Pair, Poll,
// Cancel, MAC Verify, Hash, RNG Retrieve and RNG Seed PyKMIP lacks, and its refusal is checked
// exactly (error class, .code, KMIP reason, the core's explanation), as
// node/test/more-operations.test.mjs checks the Node package's. online-ops-cosmian.test.mjs runs
// them where they work, on Cosmian KMS.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Client } from "../index.js";
import { nodeTlsTransport } from "../node-tls.js";
import { startServers, tlsServers } from "./servers.mjs";

const servers = startServers("pykmip", 1);
const unique = (what) => `wasm-ops-${what}-${process.pid}-${Date.now()}`;

async function connect(t) {
  const transport = nodeTlsTransport({ servers: tlsServers(servers) });
  const client = await Client.connect({ servers: ["kms1"], transport, version: "1.4", timeouts: { deadlineMs: 20_000 } });
  t.after(() => client.close());
  return client;
}

/** The argument error a call rejects with before anything is sent. */
const codec = (pattern) => (err) => {
  assert.equal(err.name, "KmipkitError", err.message);
  assert.equal(err.kind, "Encode", err.message);
  assert.match(err.message, pattern);
  return true;
};

test("create: the server makes a symmetric key with the attributes given", async (t) => {
  const client = await connect(t);
  const name = unique("create");
  const id = await client.create("SymmetricKey", {
    CryptographicAlgorithm: "AES",
    CryptographicLength: 128,
    CryptographicUsageMask: ["Encrypt", "Decrypt"],
    Name: name,
  });
  const key = await client.get(id, { includeKeyMaterial: true });
  assert.equal(key.objectType, "SymmetricKey");
  assert.equal(key.cryptographicAlgorithm, "AES");
  assert.equal(key.cryptographicLength, 128);
  assert.equal(key.material.length, 16);
  assert.deepEqual(await client.locateByName(name), [id]);
  // The usage asked for is the usage given: AES-CBC on the server works with it.
  await client.activate(id);
  const sealed = await client.encrypt(id, new Uint8Array(16), {
    parameters: { CryptographicAlgorithm: "AES", BlockCipherMode: "CBC", PaddingMethod: "PKCS5" },
  });
  assert.equal(sealed.data.length, 32);
  await assert.rejects(client.create("NoSuchType", {}), codec(/unknown object type "NoSuchType"/));
  await assert.rejects(client.create("SymmetricKey", { NoSuchAttribute: 1 }), codec(/NoSuchAttribute/));
});

// PyKMIP 0.11 answers an operation its decoder knows but does not implement with
// OperationNotSupported; one its decoder lacks, by refusing the whole message as InvalidMessage.
// The core's server profile adds the explanation (what PyKMIP lacks, what to do instead).
test("the operations PyKMIP 0.11 lacks are refused with their exact reason and explanation", async (t) => {
  const client = await connect(t);
  const name = unique("refused");
  const id = await client.createAesKey(name);
  const data = new TextEncoder().encode("data");
  const table = [
    ["ReKeyKeyPair", () => client.rekeyKeyPair(id), "OperationNotSupported"],
    ["RNGRetrieve", () => client.rngRetrieve(16), "InvalidMessage"],
    ["RNGSeed", () => client.rngSeed(new Uint8Array(16).fill(7)), "InvalidMessage"],
    ["Hash", () => client.hash(data, "SHA_256"), "InvalidMessage"],
    ["Hash", () => client.hash(data), "InvalidMessage"],
    ["MACVerify", () => client.macVerify(id, data, new Uint8Array(32)), "InvalidMessage"],
    ["Poll", () => client.poll(new TextEncoder().encode("correlation")), "InvalidMessage"],
    ["Cancel", () => client.cancel(new TextEncoder().encode("correlation")), "InvalidMessage"],
  ];
  for (const [operation, call, reason] of table) {
    await assert.rejects(call(), (err) => {
      assert.ok(err instanceof Error, `${operation}: ${err}`);
      assert.equal(err.name, "KmipkitError", `${operation}: ${err.message}`);
      assert.equal(err.code, "KMIPKIT_SERVER", operation);
      assert.equal(err.kind, "Server", operation);
      assert.equal(typeof err.kmipkitCode, "number", operation);
      assert.equal(err.reason, reason, `${operation}: ${err.message}`);
      assert.ok(err.message.includes(`PyKMIP 0.11.0 does not implement ${operation} `), err.message);
      return true;
    });
  }
  // The refusals changed nothing: the key is still there, with its name.
  assert.deepEqual(await client.locateByName(name), [id]);
});

test("arguments are checked before anything is sent", async (t) => {
  const client = await connect(t);
  for (const length of [0, -1, 1.5, 2 ** 31, Number.NaN, "16"]) {
    await assert.rejects(client.rngRetrieve(length), (err) => {
      assert.ok(err instanceof RangeError, String(length));
      assert.equal(err.code, "KMIPKIT_INVALID_ARGUMENT");
      assert.match(err.message, /from 1 to 2\^31-1/);
      return true;
    });
  }
  await assert.rejects(client.hash(new Uint8Array(1), "NoSuchHash"), codec(/unknown hashing algorithm "NoSuchHash"/));
  const typeError = (what) => ({ name: "TypeError", code: "KMIPKIT_INVALID_ARGUMENT", message: `${what} must be a Uint8Array` });
  await assert.rejects(client.poll("abc"), typeError("the correlation value"));
  await assert.rejects(client.cancel([1, 2]), typeError("the correlation value"));
  await assert.rejects(client.rngSeed("seed"), typeError("the seed"));
  await assert.rejects(client.hash("data"), typeError("the data"));
  await assert.rejects(client.macVerify("id", new Uint8Array(1), "mac"), typeError("the MAC"));
  await assert.rejects(
    client.macVerify("id", new Uint8Array(1), new Uint8Array(1), { parameters: { NoSuchField: 1 } }),
    codec(/NoSuchField/),
  );
  await assert.rejects(client.rekeyKeyPair("id", { signal: AbortSignal.abort() }), { name: "AbortError", code: "ABORT_ERR" });
});

test("a closed client refuses the new operations too", async (t) => {
  const client = await connect(t);
  await client.close();
  await assert.rejects(client.rngRetrieve(8), { code: "KMIPKIT_CLOSED" });
  await assert.rejects(client.create("SymmetricKey", {}), { code: "KMIPKIT_CLOSED" });
  await assert.rejects(client.hash(new Uint8Array(1)), { code: "KMIPKIT_CLOSED" });
});
