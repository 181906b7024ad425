// Logging and audit set in the configuration object ([log] and [audit] of kmipkit.toml), and
// verifyLog(): a client with both on writes the log lines and the CSV rows of its operations,
// never key bytes, and verification finds a removed or changed line.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, after } from 'node:test'
import { Client, verifyLog, KmipkitServerError, KmipkitConfigError, KmipkitLogError } from 'kmipkit'
import { startServers, configObject } from './support/servers.mjs'

const { servers } = startServers(1)
const work = mkdtempSync(join(tmpdir(), 'kmipkit-node-log-'))
after(() => rmSync(work, { recursive: true, force: true }))

test('a client with log and audit on writes both for its operations; verifyLog finds tampering', async () => {
  const dir = join(work, 'run')
  // Relative paths resolve against baseDir, as for the TLS files.
  const config = configObject(servers, {
    log: { level: 'basic', format: 'json', destination: 'file', path: 'log/kmipkit.log' },
    audit: { path: 'log/audit.csv' },
  })
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => 50 + i))
  const name = `node-audit-${process.pid}-${Date.now()}`
  const client = await Client.connect(config, { baseDir: dir })
  try {
    const id = await client.register(key, { attributes: { Name: name } })
    const got = await client.get(id, { includeKeyMaterial: true })
    assert.deepEqual(got.material, key)
    await assert.rejects(client.get('no-such-object'), (/** @type {any} */ err) => {
      assert.ok(err instanceof KmipkitServerError)
      assert.equal(err.reason, 'ItemNotFound')
      return true
    })
  } finally {
    await client.close()
  }
  const logPath = join(dir, 'log', 'kmipkit.log')
  const auditPath = join(dir, 'log', 'audit.csv')
  assert.equal(statSync(logPath).mode & 0o077, 0, 'the log is private to its owner')
  assert.equal(statSync(auditPath).mode & 0o077, 0, 'the audit trail is private to its owner')
  const log = readFileSync(logPath, 'utf8')
  assert.ok(log.includes('Register') && log.includes('Get') && log.includes('ItemNotFound'), log)
  const lines = log.trim().split('\n')
  for (const line of lines) JSON.parse(line) // format = 'json': one JSON object a line

  const rows = readFileSync(auditPath, 'utf8').trim().split('\n')
  const register = rows.find((r) => r.includes('Register'))
  assert.ok(register, rows.join('\n'))
  assert.ok(register.includes(name) && register.includes('primary') && register.includes('127.0.0.1'), register)
  const failed = rows.find((r) => r.includes('Get') && r.includes('ItemNotFound'))
  assert.ok(failed, `a row for the refused Get: ${rows.join('\n')}`)
  assert.ok(rows.some((r) => r.includes('Get') && r.includes(name)) || rows.filter((r) => r.includes('Get')).length >= 2)

  for (const text of [log, rows.join('\n')]) {
    for (const form of [key.toString('hex'), key.toString('hex').toUpperCase(), key.toString('base64'), key.toString('latin1')]) {
      assert.ok(!text.includes(form), 'no key bytes in the log or the audit trail')
    }
  }

  const report = await verifyLog(logPath)
  assert.equal(report.intact, true, report.findings.join('\n'))
  assert.ok(report.lines >= 3, `${report.lines} lines`)
  assert.deepEqual(report.findings, [])
  assert.equal(typeof report.firstSerial, 'number')
  assert.ok(/** @type {number} */ (report.lastSerial) >= /** @type {number} */ (report.firstSerial))

  // One line removed.
  writeFileSync(logPath, [lines[0], ...lines.slice(2)].join('\n') + '\n')
  const removed = await verifyLog([logPath])
  assert.equal(removed.intact, false)
  assert.ok(removed.findings.length > 0)
  assert.ok(removed.findings.some((f) => f.includes('kmipkit.log')), removed.findings.join('\n'))

  // One line changed (ItemNotFound made to look like success).
  const changed = lines.map((l) => l.replace('ItemNotFound', 'Success'))
  assert.notDeepEqual(changed, lines)
  writeFileSync(logPath, changed.join('\n') + '\n')
  const tampered = await verifyLog(logPath)
  assert.equal(tampered.intact, false)
  assert.ok(tampered.findings.length > 0)
})

test('log settings are checked when connecting: a bad one is a KmipkitConfigError naming it', async () => {
  const bad = configObject(servers, { log: { level: 'loud', destination: 'file', path: join(work, 'x.log') } })
  await assert.rejects(Client.connect(bad), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.match(err.message, /level/)
    return true
  })
  const misspelt = configObject(servers, { audit: { file: join(work, 'audit.csv') } })
  await assert.rejects(Client.connect(misspelt), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.match(err.message, /file/)
    return true
  })
  // An empty table is what a bare `[audit]` line is in a file: refused, not ignored.
  const empty = configObject(servers, { audit: {} })
  await assert.rejects(Client.connect(empty), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.match(err.message, /\[audit\] needs path/)
    return true
  })
  const noAddress = configObject(servers, { log: { destination: 'tcp' } })
  await assert.rejects(Client.connect(noAddress), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitConfigError, `${err?.name}: ${err?.message}`)
    assert.match(err.message, /address/)
    return true
  })
  assert.ok(!existsSync(join(work, 'x.log')))
})

test('verifyLog refuses what is not a log: a missing file is a KmipkitLogError, no path a TypeError', async () => {
  await assert.rejects(verifyLog(join(work, 'absent.log')), (/** @type {any} */ err) => {
    assert.ok(err instanceof KmipkitLogError, `${err?.name}: ${err?.message}`)
    assert.match(err.message, /absent\.log/)
    return true
  })
  await assert.rejects(verifyLog([]), TypeError)
  await assert.rejects(verifyLog(/** @type {any} */ (42)), TypeError)
})
