// Many Promises at once on one client share the core's capped connection pool: all resolve,
// and no more than `pool.max_connections_per_server` connections are ever open to the server,
// counted on the server's side (/proc/net/tcp) and by the client's own stats().
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Client, KmipkitClosedError } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'
import { establishedTo } from './support/harness.mjs'

const { servers } = startServers(1)
const port = servers[0].port

/**
 * Runs `work` while sampling, every 2 ms, the connections the server holds and the client's
 * open count; returns work's result and the largest of each.
 * @template T @param {Client} client @param {() => Promise<T>} work
 */
async function sampled(client, work) {
  let serverPeak = 0
  let clientPeak = 0
  let samples = 0
  const sample = () => {
    samples++
    serverPeak = Math.max(serverPeak, establishedTo(port))
    clientPeak = Math.max(clientPeak, client.stats()[0].open)
  }
  const timer = setInterval(sample, 2)
  try {
    const result = await work()
    sample()
    return { result, serverPeak, clientPeak, samples }
  } finally {
    clearInterval(timer)
  }
}

test('500 concurrent Promises all resolve within a connection cap of 3', async (t) => {
  const cap = 3
  const client = await Client.connect(configObject(servers, { pool: { max_connections_per_server: cap } }))
  t.after(() => client.close())
  const names = [0, 1, 2, 3].map((i) => `node-conc-${process.pid}-${i}`)
  /** @type {string[]} */
  const ids = []
  for (const name of names) ids.push(await client.createAesKey(name))
  await client.activate(ids[0])
  const { result, serverPeak, clientPeak, samples } = await sampled(client, () =>
    Promise.all(
      Array.from({ length: 500 }, (_, i) => {
        const k = i % ids.length
        return i % 2 === 0
          ? client.get(ids[k], { includeKeyMaterial: true }).then((o) => ({ k, o }))
          : client.getAttributes(ids[k], ['Name', 'State']).then((a) => ({ k, a }))
      }),
    ),
  )
  assert.equal(result.length, 500)
  for (const r of result) {
    if ('o' in r) {
      assert.equal(r.o.uniqueIdentifier, ids[r.k])
      assert.equal(r.o.material?.length, 32)
    } else {
      assert.equal(r.a.Name, names[r.k])
      assert.equal(r.a.State, r.k === 0 ? 'Active' : 'PreActive')
    }
  }
  const [stats] = client.stats()
  t.diagnostic(`server peak ${serverPeak}, client peak ${clientPeak}, ${samples} samples, ${JSON.stringify(stats)}`)
  assert.ok(samples > 10, `only ${samples} samples were taken`)
  assert.ok(serverPeak <= cap, `the server held ${serverPeak} connections at once; cap ${cap}`)
  // The count is real: the server was seen holding several connections at once.
  assert.ok(serverPeak >= 2, `the server was seen with ${serverPeak} connections`)
  assert.ok(clientPeak <= cap, `the client had ${clientPeak} open at once; cap ${cap}`)
  assert.ok(stats.openPeak <= cap, `openPeak ${stats.openPeak}`)
  // 500 calls in flight use the whole cap: the calls ran side by side, not one after the other.
  assert.equal(stats.openPeak, cap)
  assert.ok(stats.connectionsOpened <= cap, `opened ${stats.connectionsOpened}`)
  assert.ok(stats.connectionsReused >= 500, `reused ${stats.connectionsReused}`)
})

test('the default cap (8) holds for 500 Promises too', async (t) => {
  // The idle limit is raised to the cap, so connections are kept rather than closed and opened
  // again, and every connection the server ever accepted counts toward the peak.
  const client = await Client.connect(configObject(servers, { pool: { max_idle_per_server: 8 } }))
  t.after(() => client.close())
  const id = await client.createAesKey(`node-conc-default-${process.pid}`)
  const { result, serverPeak } = await sampled(client, () =>
    Promise.all(Array.from({ length: 500 }, () => client.getAttributes(id, ['State']))),
  )
  assert.ok(result.every((a) => a.State === 'PreActive'))
  const [stats] = client.stats()
  assert.ok(serverPeak <= 8, `the server held ${serverPeak} connections at once`)
  assert.ok(stats.openPeak <= 8 && stats.openPeak > 1, `openPeak ${stats.openPeak}`)
  assert.ok(stats.connectionsOpened <= 8, `opened ${stats.connectionsOpened}`)
})

test('stats() reports each server by name and throws once the client is closed', async () => {
  const client = await Client.connect(configObject(servers))
  const before = client.stats()
  assert.equal(before.length, 1)
  assert.equal(before[0].server, 'primary')
  assert.equal(before[0].down, false)
  await client.query()
  const after = client.stats()[0]
  assert.deepEqual(Object.keys(after).sort(), [
    'connectionsOpened', 'connectionsReused', 'down', 'idle', 'open', 'openPeak', 'server', 'staleDiscarded',
  ])
  assert.ok(after.connectionsOpened >= 1)
  assert.ok(after.connectionsOpened + after.connectionsReused > before[0].connectionsOpened + before[0].connectionsReused)
  assert.ok(after.open >= after.idle && after.idle >= 1, JSON.stringify(after))
  await client.close()
  assert.throws(() => client.stats(), KmipkitClosedError)
})
