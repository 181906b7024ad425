#!/usr/bin/env bash
# Builds the npm package's module into wasm/pkg/: the crate for wasm32 (release), the glue by the
# wasm-bindgen CLI of the crate's exact version, then wasm-opt -Oz from npm's binaryen; checks
# that the module imports nothing but wasm-bindgen's glue and prints its size raw and gzipped.
#
# Installs what it needs, pinned: the wasm32 target (rustup), wasm-bindgen-cli 0.2.130 into
# target/tools/ (cargo install, about 2.5 min the first time), binaryen from package-lock.json
# (npm ci). One `--target web` build serves browsers, bundlers and Node: see README.md.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
# The CLI must be the version the crate pins (Cargo.lock), or the glue refuses the module.
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$root/Cargo.lock")"
tools="$root/target/tools/wasm-bindgen-$bindgen_version"
bindgen="$tools/bin/wasm-bindgen"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    rustup target add wasm32-unknown-unknown
fi
if ! [ -x "$bindgen" ] || [ "$("$bindgen" --version)" != "wasm-bindgen $bindgen_version" ]; then
    echo "installing wasm-bindgen-cli $bindgen_version into $tools (once, about 2.5 min)" >&2
    # Without --locked: the CLI's own lock file pins crates this registry mirror lacks.
    cargo install wasm-bindgen-cli --version "$bindgen_version" --root "$tools" --force
fi
if ! [ -x "$here/node_modules/.bin/wasm-opt" ]; then
    (cd "$here" && npm ci --no-audit --no-fund)
fi

cd "$root"
# The release profile for size (the workspace's profile is for native code): one codegen unit,
# fat LTO and opt-level "s" take the gzipped module from 299 KiB to 218 KiB; the AES-GCM crates
# stay at opt-level 3, which keeps in-memory encryption at about 44 MiB/s in Node instead of 35
# (59 with everything at 3, no LTO, 299 KiB). Measured with Node 20 on this machine, 1 MiB messages.
speed=()
for crate in aes aes-gcm polyval ghash ctr cipher universal-hash; do
    speed+=(--config "profile.release.package.$crate.opt-level=3")
done
CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_OPT_LEVEL=s \
    cargo build "${speed[@]}" -p kmipkit-wasm --target wasm32-unknown-unknown --release
out="$here/pkg"
rm -rf "$out"
"$bindgen" --target web --out-dir "$out" --out-name kmipkit_wasm \
    target/wasm32-unknown-unknown/release/kmipkit_wasm.wasm
# --enable-bulk-memory etc.: the features rustc's wasm32 target emits by default; -Oz for size.
"$here/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/kmipkit_wasm_bg.wasm" -o "$out/kmipkit_wasm_bg.wasm"
rm -f "$out/.gitignore" "$out/package.json"

node "$here/check-imports.mjs" "$out/kmipkit_wasm_bg.wasm"
"$here/size.sh" "$out/kmipkit_wasm_bg.wasm"
