'use strict'
// npm's `install` script: builds the native addon from source with @napi-rs/cli (a pinned
// runtime dependency) into this folder: kmipkit.<platform>.node, native.js (napi's loader) and
// native.d.ts (napi's declarations). Needs cargo on PATH. In the repository the crate is
// ../bindings/node and the build shares the workspace's target/ directory; installed from a
// tarball (`npm pack`), it is rust/bindings/node, which scripts/bundle-rust.js put there.
const { spawnSync } = require('node:child_process')
const fs = require('node:fs')
const path = require('node:path')

const here = path.resolve(__dirname, '..')
const inRepository = path.resolve(here, '..', 'bindings', 'node', 'Cargo.toml')
const bundled = path.join(here, 'rust', 'bindings', 'node', 'Cargo.toml')
const manifest = fs.existsSync(inRepository) ? inRepository : bundled

function fail(message) {
  console.error(`kmipkit: ${message}`)
  process.exit(1)
}

if (!fs.existsSync(manifest)) {
  fail(`cannot build the native addon: ${manifest} is missing; install kmipkit from a checkout of the kmipkit repository or from a tarball that npm pack made there`)
}
const cargo = spawnSync('cargo', ['--version'], { encoding: 'utf8' })
if (cargo.status !== 0) {
  fail('cannot build the native addon: cargo is not on PATH; install Rust from https://rustup.rs and run npm install again')
}
const cliPackage = require.resolve('@napi-rs/cli/package.json', { paths: [here] })
const cli = path.join(path.dirname(cliPackage), require(cliPackage).bin.napi)
const args = [
  cli, 'build', '--platform', '--release',
  '--manifest-path', manifest,
  '--package-json-path', path.join(here, 'package.json'),
  '--output-dir', here,
  '--js', 'native.js',
  '--dts', 'native.d.ts',
]
const built = spawnSync(process.execPath, args, { cwd: here, stdio: 'inherit' })
if (built.status !== 0) fail(`building the native addon failed (exit ${built.status}); see the cargo output above`)
