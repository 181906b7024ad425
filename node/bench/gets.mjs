// The Node side of node/bench/run.sh: Gets through the package's Client on one connection
// configuration, timing the loop and this process's CPU time. The Rust side is
// core/examples/get_core_bench.rs (the BlockingClient), which prints the same line.
//
//   node bench/gets.mjs CONFIG --create NAME            creates an AES-256 key, prints its uid
//   node bench/gets.mjs CONFIG UID N WARMUP [INFLIGHT]  WARMUP Gets, then N measured Gets
//
// INFLIGHT (default 1) is how many Gets wait at once: 1 is one after the other, as the Rust
// side does; more shows what the async client does with a pool. Prints one line:
//   "node[-xINFLIGHT] N WALL_S CPU_US_PER_GET SCHEDSTAT_US_PER_GET GETS_PER_S"
// CPU is process.cpuUsage() (user + system, every thread, the addon's tokio threads included);
// /proc/self/task/*/schedstat (live threads, as the Rust side reads it) is the cross-check.
// Every reply is checked (the key's 32 bytes), so a refusal cannot pass for a fast Get.
import { readdirSync, readFileSync } from 'node:fs'
import { Client } from 'kmipkit'

/** CPU time of this process's live threads, in microseconds. */
function schedstatUs() {
  let ns = 0
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      ns += Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {
      // The thread ended between the listing and the read; it no longer counts.
    }
  }
  return ns / 1e3
}

function cpuUs() {
  const { user, system } = process.cpuUsage()
  return user + system
}

/** @param {Client} client @param {string} uid */
async function getOnce(client, uid) {
  const object = await client.get(uid, { includeKeyMaterial: true })
  if (object.uniqueIdentifier !== uid) throw new Error(`Get answered for ${object.uniqueIdentifier}, not ${uid}`)
  if (object.material?.length !== 32) throw new Error('Get returned no 32-byte key')
}

/**
 * `n` Gets, `inflight` of them waiting at any time.
 * @param {Client} client @param {string} uid @param {number} n @param {number} inflight
 */
async function gets(client, uid, n, inflight) {
  let next = 0
  const worker = async () => {
    while (next < n) {
      next++
      await getOnce(client, uid)
    }
  }
  await Promise.all(Array.from({ length: Math.min(inflight, n) }, worker))
}

function usage() {
  console.error('usage: gets.mjs CONFIG --create NAME | gets.mjs CONFIG UID N WARMUP [INFLIGHT]')
  process.exit(2)
}

const [config, second, ...rest] = process.argv.slice(2)
if (config === undefined || second === undefined) usage()
const client = await Client.connect(config)
try {
  if (second === '--create') {
    if (rest.length !== 1) usage()
    const uid = await client.createAesKey(rest[0], { bits: 256 })
    await client.activate(uid)
    console.log(uid)
  } else {
    const [n, warmup, inflight = 1] = rest.map(Number)
    if (![n, warmup, inflight].every((v) => Number.isInteger(v) && v >= 0) || inflight < 1 || rest.length < 2) usage()
    await gets(client, second, warmup, inflight)
    const [cpu0, sched0, start] = [cpuUs(), schedstatUs(), process.hrtime.bigint()]
    await gets(client, second, n, inflight)
    const wall = Number(process.hrtime.bigint() - start) / 1e9
    const cpu = (cpuUs() - cpu0) / n
    const sched = (schedstatUs() - sched0) / n
    const side = inflight === 1 ? 'node' : `node-x${inflight}`
    console.log(`${side} ${n} ${wall.toFixed(4)} ${cpu.toFixed(2)} ${sched.toFixed(2)} ${(n / wall).toFixed(1)}`)
  }
} finally {
  await client.close()
}
