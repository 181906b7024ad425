// Failover with the primary killed mid-run: calls are in flight when the primary is killed
// (SIGKILL, by the PID the harness recorded). Every one of them resolves, or fails with a
// connection-class error; the calls after that succeed on the secondary.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Client, KmipkitConnectionError } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'
import { killServer } from './support/harness.mjs'

const { servers } = startServers(2)

test('calls in flight when the primary is killed settle, and later calls go to the secondary', async (t) => {
  const client = await Client.connect(
    configObject(servers, {
      timeouts: { connect: '2s', request: '10s', deadline: '30s', failover_delay: '50ms', down_backoff: '60s' },
    }),
  )
  t.after(() => client.close())
  const tag = `node-midrun-${process.pid}`
  // Server-independent work (Query, Discover Versions) and new keys, which either server makes.
  let settled = 0
  const inFlight = Array.from({ length: 300 }, (_, i) => {
    const work =
      i % 3 === 0 ? client.createAesKey(`${tag}-${i}`) : i % 3 === 1 ? client.query() : client.discoverVersions(['1.2'])
    return work.finally(() => settled++)
  })
  // Kill the primary once the run is under way, while most calls still wait.
  while (settled < 15) await new Promise((resolve) => setTimeout(resolve, 1))
  const settledBeforeStop = settled
  await killServer(servers[0])
  const settledAtStop = settled
  const outcomes = await Promise.allSettled(inFlight)

  assert.ok(settledAtStop < 300, `calls were still in flight when the primary was gone (${settledAtStop} settled)`)
  let failed = 0
  for (const [i, outcome] of outcomes.entries()) {
    if (outcome.status === 'rejected') {
      failed++
      const err = outcome.reason
      assert.ok(err instanceof KmipkitConnectionError, `call ${i}: ${err?.name}: ${err?.message}`)
      assert.equal(err.category, 'connection', `call ${i}: ${err.code}`)
      assert.match(err.code, /^KMIPKIT_(CONNECT|TLS|TIMEOUT|CONNECTION_LOST|ALL_SERVERS_FAILED)$/)
    } else if (i % 3 === 0) {
      assert.equal(typeof outcome.value, 'string')
    } else if (i % 3 === 1) {
      assert.ok(/** @type {any} */ (outcome.value).operations.includes('Get'))
    } else {
      assert.deepEqual(outcome.value, ['1.2'])
    }
  }
  t.diagnostic(
    `${settledBeforeStop} settled before the kill, ${settledAtStop} once the primary was gone; ` +
      `of 300, ${failed} failed with a connection error`,
  )

  // Later calls succeed, on the secondary: what they create is found there.
  for (let i = 0; i < 10; i++) {
    const id = await client.createAesKey(`${tag}-after-${i}`)
    const object = await client.get(id, { includeKeyMaterial: true })
    assert.equal(object.material?.length, 32)
  }
  assert.equal((await client.locateByName(`${tag}-after-3`)).length, 1)
  const [primary, secondary] = client.stats()
  assert.equal(primary.server, 'primary')
  assert.equal(primary.down, true, 'the stopped primary is skipped')
  assert.equal(primary.open, 0, 'no connection to the stopped primary is kept')
  assert.ok(secondary.connectionsOpened >= 1 && !secondary.down, JSON.stringify(secondary))

  // A second client connects with the primary down and works at once.
  const fresh = await Client.connect(configObject(servers))
  t.after(() => fresh.close())
  assert.deepEqual(await fresh.discoverVersions(['1.4']), ['1.4'])
})
