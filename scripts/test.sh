#!/usr/bin/env bash
# Runs every test of kmipkit from a fresh clone: formatting, lints, unit/integration/property
# tests, the OASIS conformance runner, fuzz regression fixtures, the wasm32 build check and the
# Python package (built from source, tested against PyKMIP, type-checked).
# Installs what it needs (the wasm32 target) itself.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain"
cargo --version
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
  || rustup target add wasm32-unknown-unknown

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "wasm32: the sans-IO core builds without default features and imports nothing from env"
cargo build --locked -p kmipkit --target wasm32-unknown-unknown --no-default-features
cargo build --locked -p kmipkit-wasm-probe --target wasm32-unknown-unknown --release
python3 scripts/check-wasm-imports.py target/wasm32-unknown-unknown/release/kmipkit_wasm_probe.wasm

step "OASIS KMIP XML test cases through the conformance runner"
cargo run --locked -q -p kmipkit-conformance -- xml \
  conformance/vectors/oasis-xml/v1.4 conformance/vectors/oasis-xml/v2.0 conformance/vectors/oasis-xml/v1.1-testcases \
  | grep -E '^(FAIL|[0-9]+ passed)'

step "the PyKMIP test key server harness (builds its venv on first use)"
conformance/pykmip/selftest.sh

step "frozen envelope vectors through an independent decoder written from docs/FORMAT.md"
target/pykmip-venv/bin/python conformance/vectors/envelope/decode.py conformance/vectors/envelope

step "rsyslog for the real-receiver log test (Debian's package unpacked into target/rsyslog)"
conformance/rsyslog/fetch.sh

step "tests"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked 2>&1 | tee "$log"

step "Python: pip install ./python (release, abi3), pytest against live PyKMIP servers, stubtest, mypy --strict"
venv=target/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r python/requirements-test.txt
CARGO_TARGET_DIR="$PWD/target" "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps ./python
# From the repository root, so that the installed package is what is tested, not python/kmipkit.
"$venv/bin/pytest" -q -p no:cacheprovider --rootdir python -c python/pyproject.toml python/tests 2>&1 | tee -a "$log"
"$venv/bin/python" -m mypy.stubtest kmipkit._native
(cd python && "../$venv/bin/mypy" --strict --cache-dir ../target/mypy-cache kmipkit tests)

step "the main job: kmipkit demo against a throw-away PyKMIP server"
cargo run --locked -q -p kmipkit-cli -- demo | tee -a "$log"

# One closing line over every test binary and doc-test run above.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "\nall tests: %d passed, %d failed\n", p, f; exit (f > 0) }' "$log"
