// Real PyKMIP 0.11 key servers for the tests, started with the repository's harness
// (conformance/pykmip/kmip-test-server, ports chosen free, one directory each under
// target/node-test/) and stopped by the PID the harness recorded when the test file ends.
// configFile() writes a kmipkit.toml for them with mode 0600, as the core requires.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { after } from 'node:test'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..')
const harness = join(repo, 'conformance', 'pykmip', 'kmip-test-server')

/** One running server: the harness's JSON (port, pid, ca, client_cert, client_key, wrong_ca, ...). */
/** @param {string} dir @returns {any} */
function start(dir) {
  const out = execFileSync(harness, ['start', '--dir', dir, '--port', '0', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    timeout: 300_000,
  })
  return { ...JSON.parse(out.trim().split('\n').pop() ?? ''), dir }
}

/** Stops the server started in `server.dir` (the harness signals the PID it recorded). */
/** @param {{ dir: string }} server */
export function stop(server) {
  execFileSync(harness, ['stop', '--dir', server.dir], { stdio: ['ignore', 'ignore', 'inherit'] })
}

/**
 * Starts `count` PyKMIP servers for this test file; they are stopped when it ends.
 * @returns {{ dir: string, servers: any[] }}
 */
export function startServers(count = 2) {
  const base = join(repo, 'target', 'node-test')
  mkdirSync(base, { recursive: true })
  const dir = mkdtempSync(join(base, 'run-'))
  /** @type {any[]} */
  const servers = []
  after(() => {
    for (const server of servers) {
      try {
        stop(server)
      } catch {
        // Already stopped by the test (failover); nothing else to do.
      }
    }
    // The run's PKI, databases and configuration files are not needed afterwards.
    rmSync(dir, { recursive: true, force: true })
  })
  for (let i = 0; i < count; i++) servers.push(start(join(dir, `server-${i}`)))
  return { dir, servers }
}

/** The plain-object configuration for `servers` (the first is the primary). */
/** @param {any[]} servers @param {object} [overrides] @returns {any} */
export function configObject(servers, overrides = {}) {
  const table = (/** @type {any} */ s) => ({
    host: '127.0.0.1',
    port: s.port,
    ca: s.ca,
    client_cert: s.client_cert,
    client_key: s.client_key,
  })
  const [primary, ...rest] = servers
  return {
    primary: table(primary),
    ...(rest.length ? { secondary: rest.map(table) } : {}),
    timeouts: { connect: '2s', request: '10s', deadline: '20s', failover_delay: '100ms' },
    ...overrides,
  }
}

/** Writes a kmipkit.toml for `servers` in `dir` (mode 0600); its path. */
/** @param {string} dir @param {any[]} servers @param {string} [name] */
export function configFile(dir, servers, name = 'kmipkit.toml') {
  const table = (/** @type {any} */ s) =>
    `host = "127.0.0.1"\nport = ${s.port}\nca = "${s.ca}"\nclient_cert = "${s.client_cert}"\nclient_key = "${s.client_key}"\n`
  const [primary, ...rest] = servers
  let text = `[primary]\n${table(primary)}`
  for (const s of rest) text += `\n[[secondary]]\n${table(s)}`
  text += '\n[timeouts]\nconnect = "2s"\nrequest = "10s"\ndeadline = "20s"\n'
  const path = join(dir, name)
  writeFileSync(path, text, { mode: 0o600 })
  return path
}
