#!/usr/bin/env bash
# The WebAssembly package in a real browser (issue 17): Debian's Chromium, headless, driven by
# playwright-core, loads a page on 127.0.0.1 that imports the package and runs: encrypt and
# decrypt through TransformStreams, a KMIP capture decoded, a file the CLI encrypted decrypted,
# and KMIP over HTTPS by fetch to a Cosmian KMS on another origin (CORS, client certificate).
# Screenshot: target/wasm-browser/result.png. Last line: the counts.
#
# Installs what it needs: Debian's chromium and libnss3-tools (certutil, pk12util: the browser's
# NSS database) by apt-get when missing; playwright-core from wasm/browser/package-lock.json;
# the module (wasm/build.sh) if wasm/pkg is missing; the CLI (cargo build -p kmipkit-cli);
# Cosmian KMS from its build cache (conformance/cosmian: about 13 min the first time on a
# machine). Writes one Chromium policy file (root): AutoSelectCertificateForUrls for
# https://127.0.0.1:* and certificates issued by "kmipkit test CA", so the headless browser
# presents the client certificate instead of waiting on a prompt that no one can answer.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
sudo=()
[ "$(id -u)" = 0 ] || sudo=(sudo -n)

# need_debian_package COMMAND PACKAGE: installs Debian's PACKAGE when COMMAND is missing.
need_debian_package() {
    command -v "$1" >/dev/null && return 0
    "${sudo[@]}" apt-get install -y -q "$2" >/dev/null ||
        { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "$2" >/dev/null; }
}
need_debian_package chromium chromium
need_debian_package certutil libnss3-tools
need_debian_package pk12util libnss3-tools

policy=/etc/chromium/policies/managed/kmipkit-wasm-browser-test.json
policy_text='{
  "AutoSelectCertificateForUrls": [
    "{\"pattern\":\"https://127.0.0.1:*\",\"filter\":{\"ISSUER\":{\"CN\":\"kmipkit test CA\"}}}"
  ]
}'
if [ "$(cat "$policy" 2>/dev/null)" != "$policy_text" ]; then
    "${sudo[@]}" mkdir -p "$(dirname "$policy")"
    printf '%s\n' "$policy_text" | "${sudo[@]}" tee "$policy" >/dev/null
fi

if ! [ -f "$here/pkg/kmipkit_wasm_bg.wasm" ]; then
    "$here/build.sh"
fi
if ! [ -f "$here/browser/node_modules/playwright-core/package.json" ]; then
    (cd "$here/browser" && npm ci --no-audit --no-fund)
fi
(cd "$root" && cargo build -p kmipkit-cli)
"$root/conformance/cosmian/kms-test-server" build

mkdir -p "$root/target/wasm-browser"
# run.mjs stops its Cosmian server itself; this is the net for a run killed half-way (the
# harness stops only the PID it recorded in that directory, and nothing if there is none).
trap '"$root/conformance/cosmian/kms-test-server" stop --dir "$root/target/wasm-browser/run/cosmian" >/dev/null 2>&1 || true' EXIT
# The WebCrypto path in Chromium: the frozen vectors byte for byte, tampering and truncation.
node "$here/bench/browser.mjs" --checks-only | grep -v "^ok  "
node "$here/browser/run.mjs" --cli "$root/target/debug/kmipkit" --out "$root/target/wasm-browser"
