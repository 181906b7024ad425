#!/usr/bin/env bash
# Runs every test of kmipkit from a fresh clone: formatting, lints, unit/integration/property
# tests, the OASIS conformance runner, fuzz regression fixtures, the wasm32 build check, the C
# library (C tests plain, under sanitizers and valgrind), the
# Python package (built from source, tested against PyKMIP, type-checked), the Node package
# (npm install ./node, node --test, the packed tarball), the WebAssembly package (Node tests and
# headless Chromium), the conformance suite (conformance/run: every scenario in every language).
# Packages the core crate and tests it unpacked, and checks the dependency graph with cargo deny.
# Installs what it needs (the wasm32 target, cargo-deny, Debian packages, pinned npm packages).
set -euo pipefail
cd "$(dirname "$0")/.."

# Each step prints the minutes and seconds since the start, so a slow step shows in the CI log.
step() { printf '\n==> [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*"; }
# need_debian_package COMMAND PACKAGE: installs Debian's PACKAGE when COMMAND is missing.
need_debian_package() {
  command -v "$1" >/dev/null && return 0
  local sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo -n)
  "${sudo[@]}" apt-get install -y -q "$2" >/dev/null || { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "$2" >/dev/null; }
}

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
# The wasm binding's online client is wasm32-only, so the workspace lints above never see it.
cargo clippy --locked -p kmipkit-wasm --target wasm32-unknown-unknown -- -D warnings

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

step "C: libkmipkit (bindings/c) and kmipkit.h, the C tests against live PyKMIP: plain, ASan+UBSan, valgrind"
# The header's freshness is checked by `cargo test` above (bindings/c/tests/header.rs).
need_debian_package valgrind valgrind
c-header/tests/run.sh 2>&1 | tee target/c-tests.log
tail -1 target/c-tests.log | awk '{ printf "test result: C. %d passed; %d failed;\n", $3, $5 }' >> "$log"
# The install test: install.sh into a temporary prefix, the examples built against it with
# pkg-config (dynamic, static) and CMake (installs Debian's cmake when missing), then the
# README checked against kmipkit.h and the example it shows.
c-header/examples/build.sh 2>&1 | tee target/c-examples.log
c-header/check-readme.sh

step "Python: pip install ./python (release, abi3), pytest against live PyKMIP servers, stubtest, mypy --strict"
venv=target/python-venv
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r python/requirements-test.txt
CARGO_TARGET_DIR="$PWD/target" "$venv/bin/pip" install --quiet --disable-pip-version-check --force-reinstall --no-deps ./python
# From the repository root, so that the installed package is what is tested, not python/kmipkit.
"$venv/bin/pytest" -q -p no:cacheprovider --rootdir python -c python/pyproject.toml python/tests 2>&1 | tee -a "$log"
"$venv/bin/python" -m mypy.stubtest kmipkit._native
(cd python && "../$venv/bin/mypy" --strict --cache-dir ../target/mypy-cache kmipkit tests)

step "Node: npm install ./node (builds the addon with @napi-rs/cli), tsc --strict, node --test against live PyKMIP"
node/test.sh 2>&1 | tee target/node-tests.log
# Its closing line `node: N passed, N failed, ...` joins the total below.
tail -1 target/node-tests.log | awk '{ printf "test result: node. %d passed; %d failed;\n", $2, $4 }' >> "$log"
# npm pack, the tarball installed into an empty project, the README example run from it.
node/pack-check.sh

step "WebAssembly: wasm/build.sh (pinned wasm-bindgen CLI, wasm-opt from npm's binaryen, no env imports), node --test"
wasm/test.sh 2>&1 | tee target/wasm-tests.log
# Its closing line `wasm: N passed, N failed` joins the total below.
tail -1 target/wasm-tests.log | awk '{ printf "test result: wasm. %d passed; %d failed;\n", $2, $4 }' >> "$log"
# The package in a real browser: Debian's Chromium (installed when missing), headless, driven by
# playwright-core; streams, a KMIP capture, a CLI file, KMIP over fetch to Cosmian on another
# origin. Screenshot: target/wasm-browser/result.png.
wasm/test-browser.sh 2>&1 | tee target/wasm-browser.log
tail -1 target/wasm-browser.log | awk '{ printf "test result: wasm-browser. %d passed; %d failed;\n", $2, $4 }' >> "$log"

step "conformance: the shared scenarios in Rust, Python, the CLI, C, Node and Wasm against live PyKMIP servers (conformance/run)"
cargo build --locked -q -p kmipkit-cli -p kmipkit-conformance-rust -p kmipkit-ffi
# One mypy run per folder: each is its own program (two have a module named actions); the
# adapters import the shared step runner, conformance/adapters/pyrunner, hence MYPYPATH.
for program in conformance/suite conformance/adapters/pyrunner conformance/adapters/python conformance/adapters/cli conformance/adapters/c; do
  MYPYPATH=conformance/adapters "$venv/bin/mypy" --strict --cache-dir target/mypy-cache "$program"
done
python3 -m unittest discover -s conformance/suite -p 'test_*.py'
conformance/run --require-all 2>&1 | tee target/conformance.log
# Its closing line `N passed, N failed` joins the total below.
tail -1 target/conformance.log | awk '{ printf "test result: conformance. %d passed; %d failed;\n", $1, $3 }' >> "$log"

step "Cosmian KMS, the second real key server: harness self-test and the conformance suite against it"
# Built once per machine into ~/.cache/kmipkit (about 13 minutes on 2 cores the first time).
# Exit 3 means it cannot be built here (no cargo, no OpenSSL headers, no network): say so, go on.
cosmian=0
conformance/cosmian/kms-test-server build || cosmian=$?
if [ "$cosmian" = 3 ]; then
  echo "SKIPPED: Cosmian KMS cannot be built on this machine (the reason is above); its tests did not run"
elif [ "$cosmian" != 0 ]; then
  exit "$cosmian"
else
  conformance/cosmian/selftest.sh
  # Every scenario again through Cosmian's KMIP-over-HTTPS endpoint, with TTLV and with JSON bodies:
  # there in Rust only, since every language reaches the HTTPS transport through the same core
  # code the Rust adapter drives (each wire run in all languages cost about 5 minutes).
  # The Node and WebAssembly adapters run against PyKMIP above; against Cosmian they are not yet
  # run (their declared differences there are not measured yet: a printed skip, not a silent one).
  echo "NOT RUN against Cosmian yet: the node and wasm conformance adapters (they run against PyKMIP above)"
  for wire in ttlv https https-json; do
    languages=(--language rust)
    if [ "$wire" = ttlv ]; then languages+=(--language python --language cli --language c); fi
    conformance/run --server cosmian --wire "$wire" --require-all "${languages[@]}" 2>&1 | tee "target/conformance-cosmian-$wire.log"
    tail -1 "target/conformance-cosmian-$wire.log" \
      | awk -v wire="$wire" '{ printf "test result: conformance (Cosmian, %s). %d passed; %d failed;\n", wire, $1, $3 }' >> "$log"
  done
fi

step "the live suites against Cosmian KMS: core/tests/live_*.rs and pytest with KMIPKIT_TEST_SERVER=cosmian"
# The same decision as the step above: the build is impossible here (exit 3) -> say so, go on.
# Differences are declared in conformance/testkit/src/differences.rs and
# python/tests/server_differences.py; each test consulting them prints the reason.
if [ "$cosmian" = 3 ]; then
  echo "SKIPPED: Cosmian KMS cannot be built on this machine (the reason is above); its live suites did not run"
else
  KMIPKIT_TEST_SERVER=cosmian cargo test --locked -p kmipkit --test 'live_*' 2>&1 | tee -a "$log"
  # pytest: only the files that talk to the key server (about 60 s here). Left out: the pure
  # codec and typing files (test_vectors, test_parity, test_sync_async_parity,
  # test_enum_literals: no server), test_readme (it checks the READMEs' examples, not the
  # server, and costs 40 s) and test_https (it starts Cosmian itself, so the PyKMIP pass above
  # already ran it). live_transport_https and live_server_profiles likewise start Cosmian
  # themselves and also ran above; they are cheap (under 30 s together) and stay in the glob.
  cosmian_pytests="test_async test_attributes_typed test_client test_composites test_concurrency
    test_context test_envelope test_errors test_failover test_interop test_observe test_threads_fork"
  KMIPKIT_TEST_SERVER=cosmian "$venv/bin/pytest" -q -rs -p no:cacheprovider --rootdir python -c python/pyproject.toml \
    $(for t in $cosmian_pytests; do printf 'python/tests/%s.py ' "$t"; done) 2>&1 | tee -a "$log"
fi

step "publishing: cargo package -p kmipkit, then build and test the unpacked crate on its own"
# --no-verify: the test below builds the unpacked crate anyway, outside the workspace's feature
# unification (its own manifest and lock file). It shares target/ with the workspace: the
# dependencies whose features come out the same are not compiled a second time.
cargo package -p kmipkit --locked --no-verify --allow-dirty
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)
# --no-verify leaves only the .crate archive: unpack it where the verification would have.
rm -rf "target/package/kmipkit-$version"
tar -xzf "target/package/kmipkit-$version.crate" -C target/package
CARGO_TARGET_DIR="$PWD/target" \
  cargo test --locked --manifest-path "target/package/kmipkit-$version/Cargo.toml" 2>&1 | tee -a "$log"

step "cargo deny: licences, banned and duplicate crypto crates, sources (deny.toml)"
# Installs itself once into ~/.cache/kmipkit (about 5 minutes of compiling on 2 idle cores).
# The advisories check needs the RustSec database from GitHub, which these machines cannot
# reach: set KMIPKIT_DENY_ADVISORIES=1 where it can be fetched.
deny_version=0.20.2
deny_root="${XDG_CACHE_HOME:-$HOME/.cache}/kmipkit"
if ! "$deny_root/bin/cargo-deny" --version 2>/dev/null | grep -qx "cargo-deny $deny_version"; then
  CARGO_TARGET_DIR="$deny_root/build" cargo install cargo-deny --version "$deny_version" --locked --root "$deny_root"
  rm -rf "$deny_root/build"
fi
deny_checks=(licenses bans sources)
[ "${KMIPKIT_DENY_ADVISORIES:-0}" = 1 ] && deny_checks+=(advisories)
PATH="$deny_root/bin:$PATH" cargo deny --locked check "${deny_checks[@]}"

step "the main job: kmipkit demo against a throw-away PyKMIP server"
cargo run --locked -q -p kmipkit-cli -- demo | tee -a "$log"

# One closing line over every test binary and doc-test run above.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "\nall tests: %d passed, %d failed\n", p, f; exit (f > 0) }' "$log"
