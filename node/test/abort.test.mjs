// AbortSignal: an aborted call rejects at once with an AbortError and its native work stops
// (proved by a silent key server on 127.0.0.1 seeing the client's connection close).
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { once } from 'node:events'
import { test } from 'node:test'
import { Client, AbortError } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'

const { servers } = startServers(1)

/** A TCP server that accepts and never answers; `closed` resolves when a client hangs up. */
async function silentServer() {
  /** @type {import('node:net').Socket[]} */
  const sockets = []
  /** @type {() => void} */
  let hungUp = () => {}
  const closed = new Promise((resolve) => (hungUp = () => resolve(undefined)))
  const server = createServer((socket) => {
    sockets.push(socket)
    socket.on('data', () => {})
    socket.on('close', () => hungUp())
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return {
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
    closed,
    accepted: () => sockets.length,
    stop: () => {
      for (const s of sockets) s.destroy()
      server.close()
    },
  }
}

/** @param {any} err */
function isAbort(err) {
  assert.ok(err instanceof AbortError, `${err?.name}: ${err?.message}`)
  assert.equal(err.name, 'AbortError')
  assert.equal(err.code, 'ABORT_ERR')
  return true
}

test('an already aborted signal rejects without calling the server', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client[Symbol.asyncDispose]())
  const signal = AbortSignal.abort(new Error('not needed'))
  await assert.rejects(client.query({ signal }), (/** @type {any} */ err) => {
    isAbort(err)
    assert.equal(err.cause.message, 'not needed')
    return true
  })
  await assert.rejects(Client.connect(configObject(servers), { signal }), isAbort)
  // The client is still fine afterwards.
  assert.ok((await client.query({ signal: new AbortController().signal })).operations.length > 0)
})

test('aborting a connect to a server that never answers rejects promptly and hangs up', async () => {
  const silent = await silentServer()
  try {
    const config = configObject(servers, { timeouts: { connect: '30s', request: '60s', deadline: '60s' } })
    config.primary.port = silent.port
    const controller = new AbortController()
    const pending = Client.connect(config, { signal: controller.signal })
    while (silent.accepted() === 0) await new Promise((r) => setTimeout(r, 10))
    const t0 = performance.now()
    controller.abort()
    await assert.rejects(pending, isAbort)
    assert.ok(performance.now() - t0 < 500, 'rejected promptly')
    // The native connect was dropped: its TCP connection closes.
    await Promise.race([
      silent.closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('native work was not cancelled')), 5000)),
    ])
  } finally {
    silent.stop()
  }
})

test('aborting a call mid-flight rejects promptly and the native request is dropped', async (t) => {
  const silent = await silentServer()
  try {
    // A primary that never answers; connect negotiates against the real server, pinned so the
    // client does not need the silent one to connect at all.
    const config = configObject([servers[0]], {
      timeouts: { connect: '30s', request: '60s', deadline: '60s' },
      protocol: { version: '1.4' },
    })
    config.primary.port = silent.port
    const client = await Client.connect(config)

    t.after(() => client[Symbol.asyncDispose]())
    const controller = new AbortController()
    const pending = client.query({ signal: controller.signal })
    while (silent.accepted() === 0) await new Promise((r) => setTimeout(r, 10))
    await new Promise((r) => setTimeout(r, 50))
    const t0 = performance.now()
    controller.abort()
    await assert.rejects(pending, isAbort)
    assert.ok(performance.now() - t0 < 500, 'rejected promptly')
    await Promise.race([
      silent.closed,
      new Promise((_, reject) => setTimeout(() => reject(new Error('native work was not cancelled')), 5000)),
    ])
  } finally {
    silent.stop()
  }
})

test('a signal that never fires changes nothing, and listeners are removed', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client[Symbol.asyncDispose]())
  const controller = new AbortController()
  for (let i = 0; i < 20; i++) await client.query({ signal: controller.signal })
  controller.abort()
  // @ts-expect-error: not an AbortSignal, on purpose
  await assert.rejects(client.query({ signal: 'nope' }), TypeError)
})
