#!/usr/bin/env bash
# The Node package's test command: builds the addon (npm install runs the install script,
# which builds bindings/node with @napi-rs/cli), type-checks the tests and the README example
# with tsc --strict, and runs node --test against PyKMIP servers it starts and stops itself.
# Needs: node >= 20.17 with npm, cargo, python3 (the PyKMIP harness builds target/pykmip-venv).
set -euo pipefail
cd "$(dirname "$0")"
start=$(date +%s)
npm install --no-audit --no-fund --loglevel=error
npx tsc -p tsconfig.json
echo "tsc --strict: clean"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
node --test --test-reporter=spec test/*.test.mjs 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
pass=$(grep -E '^ℹ pass ' "$log" | awk '{print $3}')
fail=$(grep -E '^ℹ fail ' "$log" | awk '{print $3}')
echo "node: ${pass:-0} passed, ${fail:-?} failed, tsc clean, $(( $(date +%s) - start ))s"
exit "$status"
