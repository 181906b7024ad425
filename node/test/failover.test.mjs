// Failover: with the primary stopped, calls go to the secondary.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Client } from 'kmipkit'
import { startServers, configObject, stop } from './support/servers.mjs'

const { servers } = startServers(2)

test('the secondary answers when the primary is stopped', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client[Symbol.asyncDispose]())
  assert.deepEqual(client.serverNames, ['primary', 'secondary-1'])
  const name = `node-failover-${process.pid}`
  const id = await client.createAesKey(name)
  stop(servers[0])
  const info = await client.query()
  assert.ok(info.operations.includes('Get'))
  assert.deepEqual(await client.discoverVersions(['1.4']), ['1.4'])
  // PyKMIP servers do not replicate: the key made on the stopped primary is not found elsewhere.
  assert.deepEqual(await client.locateByName(name), [])
  assert.equal(typeof id, 'string')
})

test('connecting works with the primary down', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client[Symbol.asyncDispose]())
  assert.ok((await client.query()).operations.includes('Locate'))
})
