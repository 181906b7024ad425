// Compiled by `tsc --strict --noEmit` in test.sh (never run): the online API as the tests and
// README use it, and what it refuses.
import { Client, KeyCache, Model1, Model2, type KeyCacheStats, type ManagedObject, type Transport } from "../index.js";
import { fetchTransport } from "../fetch.js";
import { nodeHttpsFetch, nodeTlsTransport } from "../node-tls.js";

async function online(): Promise<void> {
  const transport = nodeTlsTransport({
    servers: { kms1: { host: "127.0.0.1", port: 5696, ca: "ca.pem", cert: "client.pem", key: "client.key" } },
  });
  const client = await Client.connect({ servers: ["kms1"], transport, version: "1.4", timeouts: { deadlineMs: 5000 } });
  const id: string = await client.createAesKey("k", { bits: 256 });
  const object: ManagedObject = await client.get(id, { includeKeyMaterial: true });
  object.material?.fill(0);
  const sealed = await client.encrypt(id, new Uint8Array(16), { parameters: { BlockCipherMode: "GCM" } });
  const plain: Uint8Array = await client.decrypt(id, sealed.data, { iv: sealed.iv, tag: sealed.tag });
  const model1 = new Model1(client, { kek: "orders-kek", version: 2 });
  const ct: Uint8Array = await model1.encrypt(plain, { context: { table: "orders" } });
  const current: boolean = model1.isCurrent(await model1.rewrap(ct));
  const model2 = new Model2(client, { prefix: "doc:" });
  const versions = await model2.versions("alice");
  const state: string = versions[0].state;
  await model2.promote("alice", (await model2.addVersion("alice")).version);
  const cache = new KeyCache({ maxAge: 60, maxUses: 100, maxBytes: 4096 });
  const cached1 = new Model1(client, { kek: "orders-kek", cache });
  const cached2 = new Model2(client, { prefix: "doc:", cache });
  const latest: Model1 = await Model1.current(client, { kek: "orders-kek", cache });
  const source = new ReadableStream<Uint8Array>({ start: (c) => { c.enqueue(plain); c.close(); } });
  const sealed1: ReadableStream<Uint8Array> = source.pipeThrough(cached1.createEncryptStream({ context: { t: "o" } }));
  const opened1 = sealed1.pipeThrough(latest.createDecryptStream({ context: { t: "o" }, signal: AbortSignal.timeout(5000) }));
  const opened2 = opened1
    .pipeThrough(cached2.createEncryptStream("alice"))
    .pipeThrough(cached2.createDecryptStream("alice", { allowCompromised: false }));
  await opened2.pipeTo(new WritableStream<Uint8Array>());
  const stats: KeyCacheStats = cache.stats();
  const held: number = stats.hits + stats.entries + cache.size;
  cache.evict("x");
  cache.purge();
  // @ts-expect-error: a cache is a KeyCache, not its options
  new Model2(client, { cache: { maxAge: 1 } });
  await client.close();

  const overFetch: Transport = fetchTransport({
    servers: { kms: "https://127.0.0.1:9998/kmip" },
    fetch: nodeHttpsFetch({ ca: "ca.pem", cert: "c.pem", key: "c.key" }),
  });
  const mine: Transport = { send: async (_server, request) => request };
  await Client.connect({ servers: ["kms"], transport: overFetch });
  await Client.connect({ servers: ["a"], transport: mine });

  // @ts-expect-error: servers are a list of names
  await Client.connect({ servers: "kms1", transport });
  // @ts-expect-error: text is not bytes
  await client.encrypt(id, "text");
  // @ts-expect-error: a Model 1 needs its KEK's name
  new Model1(client, {});
  // @ts-expect-error: a fetch transport's servers are URLs
  fetchTransport({ servers: { kms: { host: "x" } } });
  void current;
  void state;
}
void online;
