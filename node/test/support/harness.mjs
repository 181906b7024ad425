// What the perf, failover and TLS tests need beyond servers.mjs: a server that presents a
// chosen certificate (the harness's --server-cert good|wrong-host|expired), a stop that does not
// block the event loop (a kill, as a crash: calls stay in flight while the primary goes down), and the number of
// TCP connections a server holds, read from /proc/net/tcp on the server's side.
import { execFile, execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { fileURLToPath } from 'node:url'
import { after } from 'node:test'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const harness = join(repo, 'conformance', 'pykmip', 'kmip-test-server')

/**
 * Starts one PyKMIP server presenting the server certificate `kind` ('good', 'wrong-host',
 * 'expired') in a fresh directory; stopped (by the PID the harness recorded) and removed when
 * the test file ends. Returns the harness's JSON plus `dir`.
 * @param {'good' | 'wrong-host' | 'expired'} kind @returns {any}
 */
export function startPresenting(kind) {
  const base = join(repo, 'target', 'node-test')
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, `cert-${kind}-`))
  after(() => {
    try {
      execFileSync(harness, ['stop', '--dir', dir], { stdio: 'ignore' })
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
  const out = execFileSync(harness, ['start', '--dir', dir, '--port', '0', '--json', '--server-cert', kind], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000,
  })
  return { ...JSON.parse(out.trim().split('\n').pop() ?? ''), dir }
}

/**
 * Kills `server` at once, as a crash would: SIGKILL to its process group (the harness starts
 * pykmip-server as a session leader and recorded its PID), without blocking the event loop; waits
 * until it is gone, then lets the harness remove its pid file. The harness's own `stop` sends
 * SIGINT first, which lets PyKMIP finish the requests of its open connections.
 * @param {{ dir: string, pid: number }} server
 */
export async function killServer(server) {
  process.kill(-server.pid, 'SIGKILL')
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline && running(server.pid)) await new Promise((resolve) => setTimeout(resolve, 20))
  await promisify(execFile)(harness, ['stop', '--dir', server.dir])
}

/** Whether `pid` is alive (not gone, not a zombie). @param {number} pid */
function running(pid) {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

/**
 * TCP connections in state ESTABLISHED whose local port is `port`: on 127.0.0.1, the server's
 * ends of the connections its clients hold open (IPv4 and IPv6 tables).
 * @param {number} port @returns {number}
 */
export function establishedTo(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0')
  let count = 0
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text
    try {
      text = readFileSync(table, 'utf8')
    } catch {
      continue // no IPv6 table on this machine
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/)
      // fields: sl, local_address (HEXIP:PORT), rem_address, st (01 = ESTABLISHED), ...
      if (fields.length > 3 && fields[1].endsWith(`:${hexPort}`) && fields[3] === '01') count++
    }
  }
  return count
}
