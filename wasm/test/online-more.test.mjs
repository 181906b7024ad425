// The operations added for the conformance suite against a live PyKMIP 0.11 server through
// nodeTlsTransport: Register (and Get of the registered bytes), Modify/Set/Delete Attribute (and
// PyKMIP's missing Add Attribute),
// Revoke with a compromise date, and PyKMIP's refusals of Re-Key, Check and Archive by name.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Client } from "../index.js";
import { nodeTlsTransport } from "../node-tls.js";
import { startServers, tlsServers } from "./servers.mjs";

const servers = startServers("pykmip", 1);
const unique = (what) => `wasm-more-${what}-${process.pid}-${Date.now()}`;

async function connect(t, version = "1.4") {
  const transport = nodeTlsTransport({ servers: tlsServers(servers) });
  const client = await Client.connect({ servers: ["kms1"], transport, version, timeouts: { deadlineMs: 20_000 } });
  t.after(() => client.close());
  return client;
}

test("Register stores the caller's bytes: Get gives them back with the algorithm and length", async (t) => {
  const client = await connect(t);
  const key = Uint8Array.from({ length: 16 }, (_, i) => i * 7);
  const name = unique("reg");
  const id = await client.register("SymmetricKey", key, {
    attributes: { Name: name, "Cryptographic Usage Mask": ["Encrypt", "Decrypt"] },
    algorithm: "AES",
  });
  const object = await client.get(id, { includeKeyMaterial: true });
  assert.deepEqual(object.material, key);
  assert.equal(object.cryptographicAlgorithm, "AES");
  assert.equal(object.cryptographicLength, 128);
  assert.deepEqual(await client.locateByName(name), [id]);
  await assert.rejects(client.register("NoSuchType", key), /unknown object type "NoSuchType"/);
  await assert.rejects(client.register("SymmetricKey", key, { algorithm: "ROT13" }), /unknown algorithm "ROT13"/);
});

test("Modify Attribute renames, Delete Attribute removes the name; State cannot be deleted (KMIP 1.4)", async (t) => {
  const client = await connect(t);
  const id = await client.createAesKey(unique("attr"));
  const renamed = unique("renamed");
  await client.modifyAttribute(id, "Name", renamed);
  assert.deepEqual(await client.locateByName(renamed), [id]);
  await assert.rejects(client.deleteAttribute(id, "State"), (e) => e.kind === "Server" && e.reason === "PermissionDenied");
  await client.deleteAttribute(id, "Name");
  assert.deepEqual(await client.locateByName(renamed), []);
  // PyKMIP 0.11 has no Add Attribute: the core names the refusal and what to use instead.
  await assert.rejects(client.addAttribute(id, "Name", unique("added")), /does not implement AddAttribute/);
});

test("Modify Attribute with the value replaced, Set Attribute at KMIP 2.0; Set is refused before sending at 1.4", async (t) => {
  const client = await connect(t, "2.0");
  const name = unique("set");
  const id = await client.createAesKey(name);
  const renamed = unique("renamed2");
  await client.modifyAttribute(id, "Name", renamed, { current: name });
  assert.deepEqual(await client.locateByName(renamed), [id]);
  assert.equal((await client.getAttributes(id, ["Sensitive"])).Sensitive, false);
  await client.setAttribute(id, "Sensitive", true);
  assert.equal((await client.getAttributes(id, ["Sensitive"])).Sensitive, true);
  const old = await connect(t, "1.4");
  await assert.rejects(old.setAttribute(id, "Sensitive", true), (e) => e.kind === "Encode");
});

test("Revoke for a compromise takes the date; PyKMIP refuses Re-Key and Check by name", async (t) => {
  const client = await connect(t);
  const id = await client.createAesKey(unique("rev"));
  await client.activate(id);
  await assert.rejects(client.revoke(id, "KeyCompromise", { compromiseDate: 1.5 }), /whole seconds/);
  await client.revoke(id, "KeyCompromise", { compromiseDate: new Date() });
  assert.equal((await client.getAttributes(id, ["State"])).State, "Compromised");
  const other = await client.createAesKey(unique("rekey"));
  await assert.rejects(client.rekey(other), (e) => e.kind === "Server" && e.reason === "OperationNotSupported");
  await assert.rejects(client.check(other), (e) => e.kind === "Server" && e.reason === "OperationNotSupported");
});

test("Create Key Pair, Sign and Signature Verify (RSA); MAC with a registered HMAC key", async (t) => {
  const client = await connect(t);
  const { privateKeyId, publicKeyId } = await client.createKeyPair({
    common: { "Cryptographic Algorithm": "RSA", "Cryptographic Length": 2048 },
    privateKey: { "Cryptographic Usage Mask": ["Sign"] },
    publicKey: { "Cryptographic Usage Mask": ["Verify"] },
  });
  await client.activate(privateKeyId);
  await client.activate(publicKeyId);
  const parameters = {
    CryptographicAlgorithm: "RSA",
    PaddingMethod: "PKCS1V1_5",
    DigitalSignatureAlgorithm: "SHA_256WithRSAEncryption",
  };
  const data = new TextEncoder().encode("signed by wasm");
  const signature = await client.sign(privateKeyId, data, { parameters });
  assert.equal(signature.length, 256);
  assert.equal(await client.signatureVerify(publicKeyId, data, signature, { parameters }), true);
  const other = new TextEncoder().encode("signed by wasm!");
  assert.equal(await client.signatureVerify(publicKeyId, other, signature, { parameters }), false);

  // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
  const key = new TextEncoder().encode("Jefe");
  const id = await client.register("SymmetricKey", key, { algorithm: "HMAC_SHA256", attributes: { "Cryptographic Usage Mask": ["MACGenerate"] } });
  await client.activate(id);
  const mac = await client.mac(id, new TextEncoder().encode("what do ya want for nothing?"), { parameters: { CryptographicAlgorithm: "HMAC_SHA256" } });
  assert.equal(Buffer.from(mac).toString("hex"), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
});

test("Get with a wrapping key gives the AES Key Wrap of the key; Derive Key (HMAC, SHA-256) makes an AES-256 key", async (t) => {
  const client = await connect(t);
  const hex = (h) => Uint8Array.from(Buffer.from(h, "hex"));
  const kek = await client.register("SymmetricKey", hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), {
    attributes: { "Cryptographic Usage Mask": ["WrapKey", "UnwrapKey", "Encrypt", "Decrypt"] },
  });
  await client.activate(kek);
  const key = await client.register("SymmetricKey", hex("101112131415161718191a1b1c1d1e1f"));
  const wrapped = await client.get(key, { includeKeyMaterial: true, wrappingKey: kek });
  // RFC 3394 §4.3 style: 128-bit key data under a 256-bit KEK (the suite's known answer).
  assert.equal(Buffer.from(wrapped.material).toString("hex"), "d333614f36b9d411b8c726675f758a377cd86eb83fcc7c37");
  assert.equal(wrapped.wrapped, true);

  const base = await client.register("SecretData", new Uint8Array(32).fill(0x0b), {
    attributes: { "Cryptographic Usage Mask": ["DeriveKey"] },
  });
  await client.activate(base);
  const derived = await client.deriveKey([base], "HMAC", new TextEncoder().encode("derivation data"), {
    attributes: { "Cryptographic Algorithm": "AES", "Cryptographic Length": 256 },
    parameters: { HashingAlgorithm: "SHA_256" },
  });
  const object = await client.get(derived, { includeKeyMaterial: true });
  assert.equal(object.cryptographicAlgorithm, "AES");
  assert.equal(object.material.length, 32);
  await assert.rejects(client.deriveKey([base], "ROT13", new Uint8Array(1)), /unknown method "ROT13"/);
});
