#!/usr/bin/env bash
# Prints the size of a .wasm module raw and gzipped (gzip -9, what a server would send).
# Usage: wasm/size.sh [module.wasm]   (default: wasm/pkg/kmipkit_wasm_bg.wasm)
set -euo pipefail
module="${1:-$(cd "$(dirname "$0")" && pwd)/pkg/kmipkit_wasm_bg.wasm}"
raw=$(wc -c < "$module")
gz=$(gzip -9 -c "$module" | wc -c)
awk -v r="$raw" -v g="$gz" -v m="$(basename "$module")" \
    'BEGIN { printf "size %s: %d bytes raw (%.1f KiB), %d bytes gzipped (%.1f KiB)\n", m, r, r/1024, g, g/1024 }'
