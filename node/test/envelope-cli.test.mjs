// Node and the kmipkit CLI read each other's ciphertexts, Model 1 and Model 2, against one
// PyKMIP server: the CLI is built from this checkout (cargo build -p kmipkit-cli, the debug build
// the workspace's tests already made, into target/), then reused.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { test } from 'node:test'
import { Client, Model1, Model2 } from 'kmipkit'
import { startServers, configFile } from './support/servers.mjs'

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')
const { dir, servers } = startServers(1)
const unique = `${process.pid}-${Date.now()}`
const config = configFile(dir, servers)

/** The CLI binary, built once. */
function cli() {
  execFileSync('cargo', ['build', '--quiet', '-p', 'kmipkit-cli'], {
    cwd: repo,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 1_200_000,
  })
  return join(repo, 'target', 'debug', 'kmipkit')
}

/** @param {string[]} args */
function run(args) {
  return execFileSync(cli(), ['--config', config, '--quiet', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
}

test('Model 1: the CLI decrypts what Node encrypted, and Node what the CLI encrypted', { timeout: 1_500_000 }, async (t) => {
  const client = await Client.connect(config)
  t.after(() => client.close())
  const kek = `node-cli-${unique}`
  const model = new Model1(client, kek)
  await model.ensureKek()
  const data = randomBytes(200_000)
  const fromNode = join(dir, 'node.kmk')
  writeFileSync(fromNode, await model.encrypt(data, { context: { table: 'orders', row: '7' } }))
  const out = join(dir, 'node.out')
  run(['decrypt', '--kek', kek, '-C', 'table=orders', '-C', 'row=7', '-o', out, fromNode])
  assert.deepEqual(readFileSync(out), data)

  const plain = join(dir, 'cli.in')
  writeFileSync(plain, data)
  const fromCli = join(dir, 'cli.kmk')
  run(['encrypt', '--kek', kek, '-C', 'row=7', '-C', 'table=orders', '-o', fromCli, plain])
  assert.deepEqual(await model.decrypt(readFileSync(fromCli), { context: { table: 'orders', row: '7' } }), data)
})

test('Model 2: the same both ways with a prefix and an identifier', { timeout: 1_500_000 }, async (t) => {
  const client = await Client.connect(config)
  t.after(() => client.close())
  const prefix = `node-cli2-${unique}:`
  const model = new Model2(client, prefix)
  const data = Buffer.from('document 42, both ways')
  const fromNode = join(dir, 'm2-node.kmk')
  writeFileSync(fromNode, await model.encrypt('doc-42', data, { context: { doc: '42' } }))
  const out = join(dir, 'm2-node.out')
  run(['decrypt', '--for', 'doc-42', '--prefix', prefix, '-C', 'doc=42', '-o', out, fromNode])
  assert.deepEqual(readFileSync(out), data)

  const plain = join(dir, 'm2-cli.in')
  writeFileSync(plain, data)
  const fromCli = join(dir, 'm2-cli.kmk')
  run(['encrypt', '--for', 'doc-42', '--prefix', prefix, '-C', 'doc=42', '-o', fromCli, plain])
  assert.deepEqual(await model.decrypt('doc-42', readFileSync(fromCli), { context: { doc: '42' } }), data)
})
