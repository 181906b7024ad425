// fetchTransport from Node against Cosmian KMS 5.28's HTTPS endpoint (POST /kmip, TTLV,
// mutual TLS), started by conformance/cosmian/kms-test-server. Node's global fetch cannot present
// a client certificate (its undici Agent is not exposed), so the fetch function is
// nodeHttpsFetch (node:https with the client certificate): the transport is the same one a
// browser uses, only the fetch under it differs.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Client, Model1, parseHeader } from "../index.js";
import { fetchTransport } from "../fetch.js";
import { nodeHttpsFetch } from "../node-tls.js";
import { startServers } from "./servers.mjs";

const [server] = startServers("cosmian", 1);
const unique = (what) => `wasm-fetch-${what}-${process.pid}-${Date.now()}`;

function transport(fetch = nodeHttpsFetch({ ca: server.ca, cert: server.client_cert, key: server.client_key })) {
  return fetchTransport({ servers: { cosmian: server.https_url }, fetch });
}

test("through fetch: negotiate, create, get, Model 1 encrypt and decrypt", async (t) => {
  assert.match(server.https_url, /^https:\/\/127\.0\.0\.1:\d+\/kmip$/);
  const client = await Client.connect({ servers: ["cosmian"], transport: transport(), timeouts: { deadlineMs: 20_000 } });
  t.after(() => client.close());
  // Cosmian speaks KMIP 1.0 to 2.1: the negotiation keeps 2.1.
  assert.equal(client.version, "2.1");
  const name = unique("key");
  const id = await client.createAesKey(name, { bits: 256 });
  const object = await client.get(id, { includeKeyMaterial: true });
  assert.equal(object.uniqueIdentifier, id);
  assert.equal(object.cryptographicAlgorithm, "AES");
  assert.equal(object.material.length, 32);
  assert.deepEqual(await client.locateByName(name), [id]);

  const kek = unique("kek");
  const model = new Model1(client, { kek });
  const ref = await model.ensureKek();
  const message = new TextEncoder().encode("sealed through fetch\n".repeat(100));
  const ciphertext = await model.encrypt(message, { context: { app: "fetch" } });
  assert.deepEqual(parseHeader(ciphertext).key, { name: kek, version: 1, uid: ref.uid });
  assert.deepEqual(await model.decrypt(ciphertext, { context: { app: "fetch" } }), message);
  await assert.rejects(model.decrypt(ciphertext, { context: { app: "other" } }), { code: "KMIPKIT_INTEGRITY" });
});

test("through fetch: errors keep their KMIP reason and the transport's statuses their meaning", async (t) => {
  const client = await Client.connect({ servers: ["cosmian"], transport: transport(), version: "2.1" });
  t.after(() => client.close());
  const id = await client.createAesKey(unique("gone"));
  await client.destroy(id);
  await assert.rejects(client.get(id), (err) => {
    assert.equal(err.code, "KMIPKIT_SERVER");
    assert.equal(typeof err.reason, "string");
    return true;
  });

  // A wrong path: 404 ends the call at once with what to check.
  const wrongPath = fetchTransport({
    servers: { cosmian: server.https_url.replace(/\/kmip$/, "/nothing-here") },
    fetch: nodeHttpsFetch({ ca: server.ca, cert: server.client_cert, key: server.client_key }),
  });
  await assert.rejects(Client.connect({ servers: ["cosmian"], transport: wrongPath }), /no KMIP endpoint at .*404/);
  await wrongPath.close();

  // Node's own fetch can present no client certificate, nor trust the test CA.
  const plain = transport(globalThis.fetch);
  await assert.rejects(
    Client.connect({ servers: ["cosmian"], transport: plain, timeouts: { deadlineMs: 3000, failoverDelayMs: 200 } }),
    (err) => {
      // Node's fetch does not trust the test CA either: the server's certificate is refused.
      assert.equal(err.code, "KMIPKIT_CERTIFICATE", err.message);
      assert.match(err.message, /rejected the server's certificate of key server cosmian/);
      return true;
    },
  );
  await plain.close();
});
