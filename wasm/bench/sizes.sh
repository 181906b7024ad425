#!/usr/bin/env bash
# The .wasm sizes of issue 17, raw and gzipped (wasm/size.sh): the full package as wasm/build.sh
# makes it (wasm/pkg), and the offline-only module (`--no-default-features`: no online client),
# built with the same profile, wasm-bindgen and wasm-opt -Oz into target/wasm-offline/.
# Usage: wasm/bench/sizes.sh   (run wasm/build.sh first; it installs the tools this reuses)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
bindgen_version="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/[^0-9.]/, ""); print; exit }' "$root/Cargo.lock")"
bindgen="$root/target/tools/wasm-bindgen-$bindgen_version/bin/wasm-bindgen"
[ -f "$here/pkg/kmipkit_wasm_bg.wasm" ] && [ -x "$bindgen" ] || "$here/build.sh" >&2

cd "$root"
speed=()
for crate in aes aes-gcm polyval ghash ctr cipher universal-hash; do
    speed+=(--config "profile.release.package.$crate.opt-level=3")
done
# The same profile as build.sh; a target dir of its own so the full build's module stays.
CARGO_PROFILE_RELEASE_LTO=fat CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1 CARGO_PROFILE_RELEASE_OPT_LEVEL=s \
    cargo build "${speed[@]}" -p kmipkit-wasm --no-default-features --target wasm32-unknown-unknown \
    --release --target-dir target/wasm-offline/cargo >&2
out="$root/target/wasm-offline/pkg"
rm -rf "$out"
"$bindgen" --target web --out-dir "$out" --out-name kmipkit_wasm \
    target/wasm-offline/cargo/wasm32-unknown-unknown/release/kmipkit_wasm.wasm
"$here/node_modules/.bin/wasm-opt" -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
    --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
    "$out/kmipkit_wasm_bg.wasm" -o "$out/kmipkit_wasm_bg.wasm"
echo "full package (wasm/pkg):"
"$here/size.sh" "$here/pkg/kmipkit_wasm_bg.wasm"
echo "offline only (--no-default-features):"
"$here/size.sh" "$out/kmipkit_wasm_bg.wasm"
