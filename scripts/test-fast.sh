#!/usr/bin/env bash
# The tests that need no key server, for the edit-compile-test loop: the core's unit tests and
# every integration test file of core/ and cli/ whose name does not start with `live_` (those
# start PyKMIP servers; scripts/test.sh runs them all). Extra arguments go to the test binaries,
# e.g. `scripts/test-fast.sh envelope` runs only the tests whose names contain "envelope".
set -euo pipefail
cd "$(dirname "$0")/.."

targets() {
  for file in "$1"/tests/*.rs; do
    name=$(basename "$file" .rs)
    case "$name" in live_*) ;; *) printf -- '--test %s ' "$name" ;; esac
  done
}

# shellcheck disable=SC2046 # one word per option, by construction
cargo test -p kmipkit --lib $(targets core) -- "$@"
# shellcheck disable=SC2046
cargo test -p kmipkit-cli $(targets cli) -- "$@"
