// Failover through nodeTlsTransport between two live PyKMIP servers (each with its own PKI):
// with the primary stopped, the kept-open connection to it is found dead, reconnecting is
// refused, and the core fails over to the secondary — reads and failover-safe creates alike.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Client, Model2 } from "../index.js";
import { nodeTlsTransport } from "../node-tls.js";
import { startServers, stop, tlsServers } from "./servers.mjs";

const servers = startServers("pykmip", 2);
const name = (what) => `wasm-failover-${what}-${process.pid}-${Date.now()}`;

function connect(t) {
  const transport = nodeTlsTransport({ servers: tlsServers(servers), connectTimeoutMs: 2000 });
  const client = Client.connect({
    servers: ["kms1", "kms2"],
    transport,
    version: "1.4",
    timeouts: { deadlineMs: 20_000, failoverDelayMs: 100, requestMs: 10_000 },
  });
  t.after(async () => (await client).close());
  return client;
}

test("with the primary stopped, the secondary answers: Query, Locate, a failover-safe Create; Model 2 refuses to create blind", async (t) => {
  const client = await connect(t);
  assert.deepEqual(client.serverNames, ["kms1", "kms2"]);
  const onPrimary = name("primary");
  const id = await client.createAesKey(onPrimary);
  assert.equal((await client.getAttributes(id, ["Name"])).Name, onPrimary);

  const stopping = Date.now();
  stop(servers[0]);
  t.diagnostic(`primary stopped in ${Date.now() - stopping} ms`);
  const failing = Date.now();
  const info = await client.query();
  assert.ok(info.operations.includes("Get"));
  const failedOver = Date.now() - failing;
  t.diagnostic(`first call after the stop answered in ${failedOver} ms`);
  // The dead connection is noticed at once, not after a request timeout.
  assert.ok(failedOver < 5000, `failed over in ${failedOver} ms`);
  // PyKMIP servers do not replicate: what the stopped primary made is not on the secondary.
  assert.deepEqual(await client.locateByName(onPrimary), []);
  const onSecondary = name("secondary");
  const id2 = await client.createAesKey(onSecondary);
  assert.deepEqual(await client.locateByName(onSecondary), [id2], "created once, on the secondary");
  // A Model 2 key is created only where the primary can be asked whether it exists already:
  // servers that do not replicate could otherwise hold two different keys for one identifier.
  const model = new Model2(client, { prefix: `${name("doc")}:` });
  await assert.rejects(model.encrypt("carol", new TextEncoder().encode("after failover")), (err) => {
    assert.equal(err.code, "KMIPKIT_CONNECT");
    assert.match(err.message, /cannot tell whether .*carol` exists: kms1 is down/);
    assert.match(err.message, /127\.0\.0\.1:\d+/);
    return true;
  });
});

test("connecting works with the primary down", async (t) => {
  const client = await connect(t);
  assert.ok((await client.query()).operations.includes("Locate"));
  assert.deepEqual(await client.discoverVersions(["1.4"]), ["1.4"]);
});
