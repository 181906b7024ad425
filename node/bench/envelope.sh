#!/usr/bin/env bash
# Envelope encrypt/decrypt throughput at 1 KiB, 64 KiB and 1 MiB through the package
# (sealWithKey/openWithKey, and Model 2 with a KeyCache against a PyKMIP 0.11 server on
# loopback) beside node:crypto raw AES-256-GCM and the AWS Encryption SDK for JavaScript, in one
# process (node/bench/envelope.mjs). The AWS SDK is installed, pinned by
# node/bench/aws-sdk/package-lock.json, into node/bench/aws-sdk/node_modules: the kmipkit
# package does not depend on it. The server is started with the repository's harness and
# stopped by the PID it recorded on exit.
#   node/bench/envelope.sh [rounds] [ms]     (defaults 7 and 300; about 15 s per round)
# Needs: node >= 20.17, npm, cargo, python3. Raw lines go to $target/bench/node-envelope.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
rounds="${1:-7}" ms="${2:-300}"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/bench"
mkdir -p "$out"

(cd node && npm install --no-audit --no-fund --loglevel=error >/dev/null)
(cd node/bench/aws-sdk && npm ci --no-audit --no-fund --loglevel=error >/dev/null)

server_dir="$out/pykmip-node-envelope"
harness=conformance/pykmip/kmip-test-server
rm -rf "$server_dir"
trap '"$harness" stop --dir "$server_dir" >/dev/null 2>&1 || true' EXIT
"$harness" start --dir "$server_dir" --port 0 --json > "$out/pykmip-node-envelope.json"
config="$out/node-envelope.toml"
python3 - "$out/pykmip-node-envelope.json" "$config" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
text = (f'[primary]\nname = "pykmip"\nhost = "127.0.0.1"\nport = {s["port"]}\n'
        f'ca = "{s["ca"]}"\nclient_cert = "{s["client_cert"]}"\nclient_key = "{s["client_key"]}"\n')
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, text.encode())
os.close(fd)
PY
echo "node $(node --version), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
node "$here/envelope.mjs" "$rounds" "$ms" "$config" | tee "$out/node-envelope.txt"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
