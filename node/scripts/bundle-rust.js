'use strict'
// `npm pack` support: copies the Rust sources the addon is built from into rust/ (prepack) and
// removes them again (postpack), so a tarball installs on a machine with cargo and no checkout.
// rust/ is a two-member workspace: the core crate as `cargo package` ships it (src, spec,
// build.rs; no tests, benches or dev-dependencies, which name repository paths) and
// bindings/node; the workspace's Cargo.lock keeps the dependency versions the repository tests.
const fs = require('node:fs')
const path = require('node:path')

const here = path.resolve(__dirname, '..')
const repo = path.resolve(here, '..')
const out = path.join(here, 'rust')

function copy(from, to) {
  fs.cpSync(path.join(repo, from), path.join(out, to ?? from), { recursive: true })
}

/** `text` without the TOML tables from the header `from` up to (not including) `upTo`. */
function withoutTables(text, from, upTo) {
  const start = text.indexOf(`\n${from}\n`)
  const end = text.indexOf(`\n${upTo}\n`)
  if (start < 0 || end < start) throw new Error(`core/Cargo.toml: expected ${from} before ${upTo}`)
  return text.slice(0, start) + text.slice(end)
}

function bundle() {
  fs.rmSync(out, { recursive: true, force: true })
  const root = fs.readFileSync(path.join(repo, 'Cargo.toml'), 'utf8')
  const members = /^members = \[.*\]$/m
  const exclude = /^exclude = \[.*\]\n/m
  if (!members.test(root)) throw new Error('Cargo.toml: no `members = [...]` line')
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(
    path.join(out, 'Cargo.toml'),
    root.replace(members, 'members = ["core", "bindings/node"]').replace(exclude, ''),
  )
  copy('Cargo.lock')
  copy('LICENSE')
  for (const part of ['src', 'spec', 'build.rs', 'README.md', 'LICENSE']) copy(`core/${part}`)
  const core = fs.readFileSync(path.join(repo, 'core', 'Cargo.toml'), 'utf8')
  fs.writeFileSync(path.join(out, 'core', 'Cargo.toml'), withoutTables(core, '[dev-dependencies]', '[lints]'))
  for (const part of ['Cargo.toml', 'build.rs', 'src']) copy(`bindings/node/${part}`)
}

if (process.argv[2] === 'clean') fs.rmSync(out, { recursive: true, force: true })
else bundle()
