#!/usr/bin/env bash
# Gets/s and client CPU per Get through the Node package (node/bench/gets.mjs: Client.get with
# the key bytes, on napi's tokio runtime) against the Rust BlockingClient
# (core/examples/get_core_bench.rs, the twin c-header/bench/get.sh uses), side by side against
# one PyKMIP 0.11 server on loopback: round after round a fresh process of each (the order flips
# every round), WARMUP Gets, then N Gets one after the other. After the rounds, one Node run
# with 8 Gets in flight shows what the async client does with its pool. The server is started
# here with the repository's harness and stopped by the PID it recorded on exit.
#   node/bench/run.sh [rounds] [n]        (defaults 7 and 1000; about 10 s per round)
# Needs: node >= 20.17, npm, cargo, python3. Raw lines go to $target/bench/node-gets.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
rounds="${1:-7}" n="${2:-1000}" warmup=100
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/bench"
mkdir -p "$out"

(cd node && npm install --no-audit --no-fund --loglevel=error >/dev/null && npx tsc -p bench/tsconfig.json)
cargo build --locked -q --release -p kmipkit --example get_core_bench --example get_bench
rust_bench="$target/release/examples/get_core_bench"
# The core's async Client on tokio's current-thread runtime (get_bench --transport tokio): the
# same client the addon runs, without napi, to split tokio's share from napi's and JS's.
tokio_bench() {
  "$target/release/examples/get_bench" --transport tokio --uid "$uid" --n "$n" --warmup "$warmup" \
    --port "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$out/pykmip-node-gets.json")" \
    --ca "$ca" --cert "$cert" --key "$key" |
    python3 -c 'import json,sys; j=json.load(sys.stdin); print("tokio", j["gets"], j["wall_s"], j["client_cpu_us_per_get"], j["client_cpu_us_per_get_ticks"], j["gets_per_s"])'
}
node_bench=(node "$here/gets.mjs")

server_dir="$out/pykmip-node-gets"
harness=conformance/pykmip/kmip-test-server
rm -rf "$server_dir"
trap '"$harness" stop --dir "$server_dir" >/dev/null 2>&1 || true' EXIT
"$harness" start --dir "$server_dir" --port 0 --json > "$out/pykmip-node-gets.json"
config="$out/node-gets.toml"
python3 - "$out/pykmip-node-gets.json" "$config" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
text = (f'[primary]\nname = "pykmip"\nhost = "127.0.0.1"\nport = {s["port"]}\n'
        f'ca = "{s["ca"]}"\nclient_cert = "{s["client_cert"]}"\nclient_key = "{s["client_key"]}"\n')
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, text.encode())
os.close(fd)
PY
uid="$("${node_bench[@]}" "$config" --create "node-bench-get-$$")"
read -r ca cert key < <(python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print(s["ca"], s["client_cert"], s["client_key"])' "$out/pykmip-node-gets.json")
echo "PyKMIP PID $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$out/pykmip-node-gets.json"), key $uid" >&2
echo "node $(node --version), load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
raw="$out/node-gets.txt"
: > "$raw"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order="node node-w1 tokio rust"; else order="rust tokio node-w1 node"; fi
  for side in $order; do
    case "$side" in
      node) line="$("${node_bench[@]}" "$config" "$uid" "$n" "$warmup")" ;;
      # napi's runtime with one tokio worker instead of one per core (bindings/node/src/runtime.rs).
      node-w1) line="$(KMIPKIT_NODE_WORKER_THREADS=1 "${node_bench[@]}" "$config" "$uid" "$n" "$warmup" | sed 's/^node /node-w1 /')" ;;
      tokio) line="$(tokio_bench)" ;;
      *) line="$("$rust_bench" "$config" "$uid" "$n" "$warmup")" ;;
    esac
    echo "$r $line" >> "$raw"
  done
done
echo "0 $("${node_bench[@]}" "$config" "$uid" "$n" "$warmup" 8)" >> "$raw"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$raw" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    r, side, n, wall, cpu, cross, rate = line.split()
    t[(int(r), side)] = (float(cpu), float(cross), float(rate))
rounds = sorted({k[0] for k in t if k[0] > 0})
med = statistics.median
print(f"{len(rounds)} rounds, Gets one after the other; medians (min-max); CPU = client process, every thread, per Get")
# Node's line: cpuUsage, then schedstat; Rust's: schedstat, then /proc/self/stat (10 ms ticks).
# The ratio compares schedstat with schedstat, the same meter on both sides.
sched = {"node": 1, "node-w1": 1, "tokio": 0, "rust": 0}
for side, name, first, second in (("node", "Node (Client.get)", "cpuUsage", "schedstat"),
                                  ("node-w1", "Node, 1 tokio worker", "cpuUsage", "schedstat"),
                                  ("tokio", "Rust async, tokio", "schedstat", "/proc stat"),
                                  ("rust", "Rust BlockingClient", "schedstat", "/proc stat")):
    a = [t[(r, side)][0] for r in rounds]; b = [t[(r, side)][1] for r in rounds]
    rate = [t[(r, side)][2] for r in rounds]
    print(f"{name:<20} {med(rate):>6.0f} Gets/s ({min(rate):.0f}-{max(rate):.0f})"
          f"  CPU {med(a):6.1f} us/Get {first} ({min(a):.1f}-{max(a):.1f}), {med(b):.1f} {second}")
for side in ("node-w1", "tokio"):
    c = [t[(r, side)][sched[side]] / t[(r, "rust")][0] for r in rounds]
    print(f"{side} / Rust BlockingClient per round: CPU per Get {med(c):.2f} ({min(c):.2f}-{max(c):.2f})")
c = [t[(r, "node")][1] / t[(r, "tokio")][0] for r in rounds]
print(f"Node / Rust async tokio per round: CPU per Get {med(c):.2f} ({min(c):.2f}-{max(c):.2f})")
cpu_ratio = [t[(r, "node")][sched["node"]] / t[(r, "rust")][sched["rust"]] for r in rounds]
rate_ratio = [t[(r, "node")][2] / t[(r, "rust")][2] for r in rounds]
print(f"Node / Rust per round: CPU per Get (schedstat) {med(cpu_ratio):.2f} ({min(cpu_ratio):.2f}-{max(cpu_ratio):.2f}),"
      f" Gets/s {med(rate_ratio):.2f} ({min(rate_ratio):.2f}-{max(rate_ratio):.2f})")
for (r, side), (cpu, cross, rate) in sorted(t.items()):
    if r == 0:
        print(f"Node, {side.split('-x')[1]} Gets in flight: {rate:.0f} Gets/s, CPU {cpu:.1f} us/Get cpuUsage, {cross:.1f} schedstat")
PY
