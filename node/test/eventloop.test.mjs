// The event loop stays responsive during a bulk run: 2,000 operations, 200 in flight at a time,
// run on the core's threads while perf_hooks measures how late the loop's timers fire.
import assert from 'node:assert/strict'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { test } from 'node:test'
import { Client } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'

const { servers } = startServers(1)

test('2,000 operations in batches of 200 keep the event loop delay p99 under 20 ms', async (t) => {
  const client = await Client.connect(configObject(servers))
  t.after(() => client.close())
  const ids = [await client.createAesKey(`node-loop-${process.pid}-a`), await client.createAesKey(`node-loop-${process.pid}-b`)]
  // Warm the pool first, so the figure is about calls in flight rather than the handshakes.
  await Promise.all(Array.from({ length: 16 }, () => client.query()))

  const histogram = monitorEventLoopDelay({ resolution: 1 })
  // Ticks of a 1 ms timer: proof the loop kept turning while the batches ran.
  let ticks = 0
  const timer = setInterval(() => ticks++, 1)
  histogram.enable()
  const started = performance.now()
  let done = 0
  try {
    for (let batch = 0; batch < 10; batch++) {
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          i % 2 === 0
            ? client.get(ids[i % 4 === 0 ? 0 : 1], { includeKeyMaterial: true }).then((o) => o.material?.length)
            : client.getAttributes(ids[0], ['State']).then((a) => (a.State === 'PreActive' ? 32 : 0)),
        ),
      )
      assert.ok(results.every((n) => n === 32), `batch ${batch}`)
      done += results.length
    }
  } finally {
    histogram.disable()
    clearInterval(timer)
  }
  const seconds = (performance.now() - started) / 1000
  const ms = (/** @type {number} */ ns) => ns / 1e6
  const p99 = ms(histogram.percentile(99))
  t.diagnostic(
    `${done} operations in ${seconds.toFixed(2)} s (${(done / seconds).toFixed(0)}/s); event loop delay ` +
      `p50 ${ms(histogram.percentile(50)).toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${ms(histogram.max).toFixed(2)} ms, ` +
      `${histogram.count} samples, ${ticks} timer ticks`,
  )
  assert.equal(done, 2000)
  assert.ok(histogram.count > 100, `only ${histogram.count} delay samples`)
  // A loop blocked for the run would turn a handful of times, not once every few milliseconds.
  assert.ok(ticks > seconds * 100, `the 1 ms timer fired ${ticks} times in ${seconds.toFixed(2)} s`)
  assert.ok(p99 < 20, `event loop delay p99 ${p99.toFixed(2)} ms`)
})
