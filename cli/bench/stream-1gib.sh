#!/usr/bin/env bash
# 1 GiB through `kmipkit encrypt` and `kmipkit decrypt` over stdin/stdout, against a throw-away
# PyKMIP server, with the peak memory of each process (GNU time, /usr/bin/time -v).
#
#   cli/bench/stream-1gib.sh [SIZE_MIB]      default 1024; the result goes to BENCHMARKS.md by hand
#
# Needs: a Rust toolchain, python3 (the harness builds its venv once), /usr/bin/time, ~2.1 GiB of
# free space in $TMPDIR (the ciphertext is written to disk between the two runs).
set -euo pipefail
cd "$(dirname "$0")/../.."
mib=${1:-1024}

cargo build --release -q -p kmipkit-cli
bin=$PWD/target/release/kmipkit
work=$(mktemp -d "${TMPDIR:-/tmp}/kmipkit-bench.XXXXXX")
harness=conformance/pykmip/kmip-test-server
cleanup() { "$harness" stop --dir "$work/server" >/dev/null 2>&1 || true; rm -rf "$work"; }
trap cleanup EXIT

"$harness" start --dir "$work/server" --port 0 --json >"$work/server.json"
python3 - "$work" <<'PY'
import json, os, sys
work = sys.argv[1]
i = json.load(open(f"{work}/server.json"))
path = f"{work}/kmipkit.toml"
fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
os.write(fd, f'''[key]
name = "bench-kek"
[primary]
host = "127.0.0.1"
port = {i["port"]}
ca = "{i["ca"]}"
client_cert = "{i["client_cert"]}"
client_key = "{i["client_key"]}"
'''.encode())
os.close(fd)
PY
export KMIPKIT_CONFIG=$work/kmipkit.toml

echo "encrypting $mib MiB from stdin to a file..."
# The input's hash through a FIFO read by a job of this shell, so it can be waited for.
mkfifo "$work/in.fifo"
sha256sum <"$work/in.fifo" | cut -d' ' -f1 >"$work/in.sha" &
hashing=$!
head -c "$((mib * 1024 * 1024))" /dev/urandom \
  | tee "$work/in.fifo" \
  | /usr/bin/time -v -o "$work/enc.time" "$bin" encrypt --create-kek -C bench=1 >"$work/data.kmk"
wait "$hashing"
echo "decrypting it from stdin to stdout..."
/usr/bin/time -v -o "$work/dec.time" "$bin" decrypt -C bench=1 <"$work/data.kmk" \
  | sha256sum | cut -d' ' -f1 >"$work/out.sha"

if [ "$(cat "$work/in.sha")" != "$(cat "$work/out.sha")" ]; then
  echo "FAIL: the decrypted stream differs from the input" >&2
  exit 1
fi
report() {
  local what=$1 file=$2
  local rss wall
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$file")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$file")
  printf '%-8s %5d MiB   peak RSS %6.1f MiB   wall %s   (%.0f MiB/s)\n' "$what" "$mib" \
    "$(echo "$rss / 1024" | bc -l)" "$wall" "$(python3 -c "
w='$wall'.split(':'); s=sum(float(x)*60**i for i,x in enumerate(reversed(w))); print($mib/s)")"
}
echo "identical: sha256 $(cat "$work/out.sha")"
echo "ciphertext: $(stat -c %s "$work/data.kmk") bytes for $((mib * 1024 * 1024)) bytes of plaintext"
report encrypt "$work/enc.time"
report decrypt "$work/dec.time"
