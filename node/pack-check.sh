#!/usr/bin/env bash
# The issue's "done when" check: `npm pack`, install the tarball into an empty project, and run
# the README example (examples/readme-example.ts, compiled by tsc) against a PyKMIP server on
# 127.0.0.1 that this script starts and stops (by the PID the harness recorded).
# CARGO_TARGET_DIR defaults to the repository's target/ so dependencies are not rebuilt
# (unset it, or set KMIPKIT_COLD=1, for a build from nothing, about 4 min more).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
work="$repo/target/node-pack-check"
harness="$repo/conformance/pykmip/kmip-test-server"
start=$(date +%s)
if [ -z "${KMIPKIT_COLD:-}" ]; then export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$repo/target}"; fi

rm -rf "$work" && mkdir -p "$work/project"
(cd "$here" && npm install --no-audit --no-fund --loglevel=error --ignore-scripts && npm pack --pack-destination "$work" --loglevel=error)
cd "$work/project"
echo '{ "name": "empty", "version": "1.0.0", "private": true }' > package.json
npm install "$work/kmipkit-0.1.0.tgz" --no-audit --no-fund --loglevel=error
"$here/node_modules/.bin/tsc" "$here/examples/readme-example.ts" --rootDir "$here/examples" --outDir . \
  --module nodenext --moduleResolution nodenext --target es2022 --strict --types node \
  --typeRoots "$here/node_modules/@types"

trap '"$harness" stop --dir "$work/server" >/dev/null 2>&1 || true' EXIT
info="$("$harness" start --dir "$work/server" --port 0 --json | tail -1)"
node -e '
  const s = JSON.parse(process.argv[1])
  const q = (v) => JSON.stringify(String(v))
  const text = `[primary]\nhost = "127.0.0.1"\nport = ${s.port}\nca = ${q(s.ca)}\nclient_cert = ${q(s.client_cert)}\nclient_key = ${q(s.client_key)}\n`
  require("node:fs").writeFileSync("kmipkit.toml", text, { mode: 0o600 })' "$info"
echo 'import { main } from "./readme-example.js"; await main("kmipkit.toml")' > run.mjs
out="$(node run.mjs)"
echo "$out"
grep -q "card 4111" <<<"$out"
echo "pack-check: the tarball installed and the README example ran, $(( $(date +%s) - start ))s"
