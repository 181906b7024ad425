// The online client against a live PyKMIP 0.11 server through nodeTlsTransport: negotiation,
// every operation the client exposes, Model 1 (server-side AES-GCM at KMIP 1.4) and Model 2,
// rotation of both, errors with .code / .reason, argument checks, close and abort.
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { inspect } from "node:util";
import { test } from "node:test";

import { Client, Model1, Model2, parseHeader } from "../index.js";
import { nodeTlsTransport } from "../node-tls.js";
import { startServers, tlsServers } from "./servers.mjs";

const servers = startServers("pykmip", 1);
const unique = (what) => `wasm-${what}-${process.pid}-${Date.now()}`;
const text = (s) => new TextEncoder().encode(s);

/** A client speaking KMIP 1.4 (PyKMIP encrypts with AES-GCM from 1.4 on). */
async function connect(t, options = {}) {
  const transport = nodeTlsTransport({ servers: tlsServers(servers) });
  const client = await Client.connect({
    servers: ["kms1"],
    transport,
    version: "1.4",
    timeouts: { deadlineMs: 20_000 },
    ...options,
  });
  t.after(() => client.close());
  return client;
}

test("connect negotiates the version; Query and Discover Versions", async (t) => {
  const client = await connect(t, { version: undefined });
  assert.deepEqual(client.serverNames, ["kms1"]);
  // PyKMIP 0.11 speaks 1.0 to 2.0: the negotiation from 2.1 settles on 2.0.
  assert.equal(client.version, "2.0");
  const info = await client.query();
  assert.ok(info.operations.includes("Create"), JSON.stringify(info.operations));
  assert.ok(Array.isArray(info.objectTypes));
  assert.match(String(info.vendorIdentification), /PyKMIP/);
  assert.deepEqual(await client.discoverVersions(["2.0", "1.4"]), ["2.0", "1.4"]);
  assert.ok((await client.discoverVersions()).includes("1.0"));
  const pinned = await connect(t, { version: "1.2" });
  assert.equal(pinned.version, "1.2");
  assert.ok((await pinned.query()).operations.includes("Locate"));
});

test("an AES key through its life: create, get, attributes, activate, locate, encrypt, decrypt, revoke, destroy", async (t) => {
  const client = await connect(t);
  const name = unique("life");
  const id = await client.createAesKey(name, { bits: 256 });
  assert.equal(typeof id, "string");

  const plain = await client.get(id);
  assert.equal(plain.uniqueIdentifier, id);
  assert.equal(plain.objectType, "SymmetricKey");
  assert.equal(plain.cryptographicAlgorithm, "AES");
  assert.equal(plain.cryptographicLength, 256);
  assert.equal(plain.keyFormatType, "Raw");
  assert.equal(plain.wrapped, false);
  assert.equal(plain.material, undefined, "no key bytes unless asked");
  const withKey = await client.get(id, { includeKeyMaterial: true });
  assert.ok(withKey.material instanceof Uint8Array);
  assert.equal(withKey.material.length, 32);
  assert.ok(!inspect(withKey).includes("material"), "key bytes are not shown by inspect");
  assert.ok(!JSON.stringify(withKey).includes("material"));

  let attributes = await client.getAttributes(id, ["State", "CryptographicUsageMask", "Name"]);
  assert.equal(attributes.State, "PreActive");
  assert.deepEqual(attributes.CryptographicUsageMask, ["Encrypt", "Decrypt"]);
  assert.equal(attributes.Name, name);
  const list = await client.getAttributeList(id);
  assert.ok(list.includes("CryptographicAlgorithm"), JSON.stringify(list));
  await client.activate(id);
  attributes = await client.getAttributes(id);
  assert.equal(attributes.State, "Active");

  assert.deepEqual(await client.locateByName(name), [id]);
  assert.deepEqual(await client.locate({ Name: name }), [id]);
  const active = await client.locate([["ObjectType", "SymmetricKey"], ["State", "Active"]]);
  assert.ok(active.includes(id));
  assert.deepEqual(await client.locate({ Name: `${name}-absent` }), []);

  const data = text("sixteen byte msg");
  const parameters = { CryptographicAlgorithm: "AES", BlockCipherMode: "CBC", PaddingMethod: "PKCS5", RandomIV: true };
  const sealed = await client.encrypt(id, data, { parameters });
  assert.ok(sealed.data instanceof Uint8Array && sealed.iv instanceof Uint8Array);
  assert.notDeepEqual(sealed.data, data);
  const opened = await client.decrypt(id, sealed.data, {
    parameters: { CryptographicAlgorithm: "AES", BlockCipherMode: "CBC", PaddingMethod: "PKCS5" },
    iv: sealed.iv,
  });
  assert.deepEqual(opened, data);

  const gcm = { CryptographicAlgorithm: "AES", BlockCipherMode: "GCM", TagLength: 16 };
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const aad = text("header");
  const sealedGcm = await client.encrypt(id, data, { parameters: gcm, iv, aad });
  assert.equal(sealedGcm.tag.length, 16);
  const openedGcm = await client.decrypt(id, sealedGcm.data, { parameters: gcm, iv, aad, tag: sealedGcm.tag });
  assert.deepEqual(openedGcm, data);

  await assert.rejects(client.destroy(id), (err) => {
    assert.equal(err.code, "KMIPKIT_SERVER");
    assert.equal(err.reason, "PermissionDenied", "an active key is not destroyed");
    return true;
  });
  await client.revoke(id, "CessationOfOperation", { message: "test done" });
  assert.equal((await client.getAttributes(id, ["State"])).State, "Deactivated");
  await client.destroy(id);
  await assert.rejects(client.get(id), (err) => {
    assert.ok(err instanceof Error);
    assert.equal(err.name, "KmipkitError");
    assert.equal(err.code, "KMIPKIT_SERVER");
    assert.equal(err.kmipkitCode, 0x0301);
    assert.equal(err.kind, "Server");
    assert.equal(err.category, "server");
    assert.equal(err.reason, "ItemNotFound");
    return true;
  });
});

test("Model 1: encrypt and decrypt in memory; the KEK never leaves; rotation re-wraps the DEK", async (t) => {
  const client = await connect(t);
  const kek = unique("kek");
  const v1 = new Model1(client, { kek });
  const ref = await v1.ensureKek();
  assert.equal(ref.name, kek);
  assert.equal(ref.version, 1);
  const context = { tenant: "acme", table: "orders" };
  const message = text("card 4111 1111 1111 1111\n".repeat(1000));
  const ciphertext = await v1.encrypt(message, { context });
  const header = parseHeader(ciphertext);
  assert.equal(header.model, 1);
  assert.deepEqual(header.key, { name: kek, version: 1, uid: ref.uid });
  assert.deepEqual(await v1.decrypt(ciphertext, { context }), message);
  await assert.rejects(v1.decrypt(ciphertext, { context: { tenant: "acme" } }), { code: "KMIPKIT_INTEGRITY" });
  const other = new Model1(client, { kek: unique("other-kek") });
  await assert.rejects(other.decrypt(ciphertext, { context }), { code: "KMIPKIT_INTEGRITY" });
  // The DEK the server made for this message was destroyed there: only its protected form exists.
  assert.equal((await client.locate({ Name: kek })).length, 0);

  const v2 = new Model1(client, { kek, version: 2 });
  const ref2 = await v2.ensureKek();
  assert.equal(ref2.version, 2);
  assert.equal(v2.isCurrent(ciphertext), false);
  const rewrapped = await v2.rewrap(ciphertext);
  assert.equal(v2.isCurrent(rewrapped), true);
  assert.equal(parseHeader(rewrapped).protectedDek.kek.version, 2);
  assert.deepEqual(await v2.decrypt(rewrapped, { context }), message);
  // Old versions still unlock: a v2 model opens v1 data too.
  assert.deepEqual(await v2.decrypt(ciphertext, { context }), message);
  assert.deepEqual(await v2.rewrap(rewrapped), rewrapped, "already current: returned as it is");
  // A process that did not make the rotation finds the current version on the key manager.
  const current = await Model1.current(client, { kek });
  assert.equal(current.kekVersion, 2);
  assert.equal(current.isCurrent(rewrapped), true);
  assert.equal(current.isCurrent(ciphertext), false);
  assert.equal((await Model1.current(client, { kek: unique("new-kek") })).kekVersion, 1, "none yet: version 1");
  await assert.rejects(Model1.current(client, { kek: 7 }), { code: "KMIPKIT_INVALID_ARGUMENT" });
});

test("Model 2: a key per identifier; rotation adds and promotes a version; old data still opens", async (t) => {
  const client = await connect(t);
  const model = new Model2(client, { prefix: `${unique("doc")}:` });
  const first = await model.encrypt("alice", text("alice v1"), { context: { doc: "1" } });
  assert.equal(parseHeader(first).model, 2);
  assert.equal(parseHeader(first).key.version, 1);
  assert.deepEqual(await model.decrypt("alice", first, { context: { doc: "1" } }), text("alice v1"));
  await assert.rejects(model.decrypt("bob", first, { context: { doc: "1" } }), { code: "KMIPKIT_INTEGRITY" });

  const added = await model.addVersion("alice");
  assert.equal(added.version, 2);
  let versions = await model.versions("alice");
  assert.deepEqual(versions.map((v) => [v.version, v.state]), [[1, "Active"], [2, "PreActive"]]);
  await model.promote("alice", 2);
  versions = await model.versions("alice");
  assert.equal(versions[1].state, "Active");
  const second = await model.encrypt("alice", text("alice v2"));
  assert.equal(parseHeader(second).key.version, 2);
  assert.equal(parseHeader(second).key.uid, added.uid);
  assert.deepEqual(await model.decrypt("alice", second), text("alice v2"));
  assert.deepEqual(await model.decrypt("alice", first, { context: { doc: "1" } }), text("alice v1"));
});

test("bad arguments reject with the core's message before anything is sent", async (t) => {
  const client = await connect(t);
  await assert.rejects(client.locate({ CryptoAlgorithm: "AES" }), (err) => {
    assert.equal(err.code, "KMIPKIT_ENCODE");
    assert.match(err.message, /unknown attribute/);
    return true;
  });
  await assert.rejects(client.revoke("1", "Bored"), /unknown reason "Bored"/);
  await assert.rejects(client.discoverVersions(["9.x"]), { code: "KMIPKIT_ENCODE" });
  await assert.rejects(client.encrypt("1", "text"), { name: "TypeError", code: "KMIPKIT_INVALID_ARGUMENT" });
  await assert.rejects(Client.connect({ servers: [], transport: {} }), { code: "KMIPKIT_INVALID_ARGUMENT" });
  await assert.rejects(Client.connect({ servers: ["a"], transport: { send: () => {} }, timeouts: { deadlineMs: -1 } }), {
    code: "KMIPKIT_INVALID_ARGUMENT",
  });
  assert.throws(() => nodeTlsTransport({ servers: { a: { host: "127.0.0.1", port: 0 } } }), /port must be 1 to 65535/);
  assert.throws(() => new Model1(client, {}), { code: "KMIPKIT_INVALID_ARGUMENT" });
});

test("close, abort and a transport that is not one", async () => {
  const transport = nodeTlsTransport({ servers: tlsServers(servers) });
  const client = await Client.connect({ servers: ["kms1"], transport, version: "1.4" });
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(client.query({ signal: aborted.signal }), { name: "AbortError" });
  await client.close();
  await client.close();
  assert.equal(client.closed, true);
  await assert.rejects(client.query(), { code: "KMIPKIT_CLOSED" });
  assert.throws(() => client.version, { code: "KMIPKIT_CLOSED" });
  assert.throws(() => new Model2(client, { prefix: "x:" }), { code: "KMIPKIT_CLOSED" });

  // A send that resolves to something other than bytes ends the call with what was wrong.
  const wrong = { send: async () => "not bytes" };
  await assert.rejects(Client.connect({ servers: ["x"], transport: wrong }), /other than a Uint8Array/);
});

test("a server whose certificate does not chain to the CA given is refused, not retried", async () => {
  const [server] = servers;
  const transport = nodeTlsTransport({
    servers: { kms1: { host: "127.0.0.1", port: server.port, ca: server.wrong_ca, cert: server.client_cert, key: server.client_key } },
  });
  // Negotiation is the first request: it meets the handshake.
  const started = Date.now();
  await assert.rejects(
    Client.connect({ servers: ["kms1"], transport, timeouts: { deadlineMs: 10_000 } }),
    (err) => {
      // One server, refused for a reason retrying cannot fix: the core reports that failure.
      assert.equal(err.code, "KMIPKIT_CERTIFICATE", err.message);
      assert.equal(err.category, "connection");
      assert.match(err.message, /rejected the server's certificate of key server kms1/);
      return true;
    },
  );
  assert.ok(Date.now() - started < 5_000, "a certificate failure ends the call at once");
  await transport.close();
});

test("nothing listening: each attempt fails to connect until the deadline", async () => {
  const [server] = servers;
  const transport = nodeTlsTransport({
    servers: { kms1: { host: "127.0.0.1", port: 1, ca: server.ca, cert: server.client_cert, key: server.client_key } },
  });
  await assert.rejects(
    Client.connect({ servers: ["kms1"], transport, timeouts: { deadlineMs: 800, failoverDelayMs: 100 } }),
    (err) => {
      assert.equal(err.code, "KMIPKIT_ALL_SERVERS_FAILED");
      assert.match(err.message, /cannot connect to key server kms1/);
      return true;
    },
  );
  await transport.close();
});

test("a server that accepts but never completes the handshake: the connect timeout, then the deadline", async (t) => {
  // A real listening socket on 127.0.0.1 that says nothing.
  const held = [];
  const silent = createServer((socket) => held.push(socket));
  await new Promise((resolve) => silent.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    for (const socket of held) socket.destroy();
    silent.close();
  });
  const [server] = servers;
  const transport = nodeTlsTransport({
    servers: { kms1: { host: "127.0.0.1", port: silent.address().port, ca: server.ca, cert: server.client_cert, key: server.client_key } },
    connectTimeoutMs: 300,
  });
  const started = Date.now();
  await assert.rejects(
    Client.connect({ servers: ["kms1"], transport, timeouts: { deadlineMs: 1000, failoverDelayMs: 100 } }),
    (err) => {
      assert.equal(err.code, "KMIPKIT_ALL_SERVERS_FAILED");
      // Each attempt is cut at 300 ms, the last one shorter: at the call's deadline.
      assert.match(err.message, /no TLS connection to 127\.0\.0\.1:\d+ within (300|[12]?\d{1,2}) ms/);
      assert.match(err.message, /\([23] attempts\)/);
      return true;
    },
  );
  const took = Date.now() - started;
  assert.ok(took >= 900 && took < 3000, `ended at the deadline, after ${took} ms`);
  assert.ok(held.length >= 2, `tried again after the first timeout (${held.length} connections)`);
  await transport.close();
});
