#!/usr/bin/env bash
# The WebAssembly package's test command: builds the module (build.sh: pinned tools, import
# check, size), the native peers the cross tests compare with (the core_peer example and the
# CLI), type-checks the .d.ts files, then runs every Node test (cli, online*, readme-online start
# and stop PyKMIP servers on 127.0.0.1 through conformance/pykmip/kmip-test-server;
# online-fetch.test.mjs starts Cosmian KMS through conformance/cosmian/kms-test-server, whose
# binary is built once per machine into ~/.cache/kmipkit). Last line: the counts.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"

"$here/build.sh"
(cd "$root" && cargo build -p kmipkit-wasm --example core_peer && cargo build -p kmipkit-cli)
(cd "$here" && node_modules/.bin/tsc --strict --noEmit -p test/tsconfig.json)
echo "types ok: index.d.ts, online.d.ts, node-tls.d.ts, fetch.d.ts under tsc --strict"

cd "$here"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
node --test --test-reporter=spec test/*.test.mjs 2>&1 | tee "$log" || status=$?
pass=$(awk '/^ℹ pass /{print $3}' "$log")
fail=$(awk '/^ℹ fail /{print $3}' "$log")
echo "wasm: ${pass:-0} passed, ${fail:-0} failed"
exit "$status"
