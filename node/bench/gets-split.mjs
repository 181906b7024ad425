// Where a Node Get's CPU goes, by thread and by layer (a targeted look behind run.sh's totals).
//   node bench/gets-split.mjs CONFIG UID N ROUNDS
// One process, one connection configuration. Each round runs N Gets through the package's
// Client.get, then N through the NativeClient directly (the addon's get, no JS wrapper: no
// options, no withoutAbsent, no non-enumerable material), after 100 warm-up Gets of each. For
// each it reports CPU per Get of the main thread (JS, napi's conversions of the reply, Promise
// settling) and of the other threads (tokio workers: TLS, codec, the client; V8's helpers), from
// /proc/self/task/*/schedstat. Prints one line per (round, side):
//   "round side main_us_per_get other_us_per_get total_us_per_get gets_per_s"
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Client } from 'kmipkit'

const native = createRequire(import.meta.url)('../native.js')
const [config, uid, n = 500, rounds = 3] = process.argv.slice(2).map((a, i) => (i >= 2 ? Number(a) : a))

/** CPU time in µs of the main thread and of all the others (live ones). */
function cpu() {
  let main = 0
  let other = 0
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const ns = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0])
      if (Number(tid) === process.pid) main += ns / 1e3
      else other += ns / 1e3
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return { main, other }
}

const client = await Client.connect(String(config))
const handle = await native.NativeClient.connectPath(String(config), undefined)
const sides = {
  'client.get': async () => {
    const o = await client.get(String(uid), { includeKeyMaterial: true })
    if (o.material?.length !== 32) throw new Error('no key')
  },
  'native.get': async () => {
    const o = await handle.get(String(uid), true, null, undefined)
    if (o.material?.length !== 32) throw new Error('no key')
  },
}
for (const fn of Object.values(sides)) for (let i = 0; i < 100; i++) await fn()
for (let r = 1; r <= Number(rounds); r++) {
  for (const [name, fn] of Object.entries(sides)) {
    const a = cpu()
    const start = process.hrtime.bigint()
    for (let i = 0; i < Number(n); i++) await fn()
    const wall = Number(process.hrtime.bigint() - start) / 1e9
    const b = cpu()
    const main = (b.main - a.main) / Number(n)
    const other = (b.other - a.other) / Number(n)
    console.log(`${r} ${name} ${main.toFixed(1)} ${other.toFixed(1)} ${(main + other).toFixed(1)} ${(Number(n) / wall).toFixed(1)}`)
  }
}
await client.close()
handle.close()
