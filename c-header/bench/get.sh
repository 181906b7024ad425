#!/usr/bin/env bash
# Client CPU per Get and Gets/s through the C API (c-header/bench/get_bench.c,
# kmipkit_client_get) against the Rust BlockingClient (core/examples/get_core_bench.rs), side by
# side against one Cosmian KMS 5.28 on loopback (KMIP 2.1 on the mutual-TLS TTLV socket): round
# after round, a fresh process of each (the order flips every round), one connection, WARMUP
# Gets, then N Gets one after the other. The server is started here and stopped by its harness
# (the PID it recorded) on exit.
#   c-header/bench/get.sh [rounds] [n]        (defaults 9 and 3000; about 5 s per round)
# The raw lines go to $target/bench/c-get.txt.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
rounds="${1:-9}" n="${2:-3000}" warmup=100
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/bench"
mkdir -p "$out"

cargo build --locked -q --release -p kmipkit-ffi
cargo build --locked -q --release -p kmipkit --example get_core_bench
lib="$target/release"
gcc -std=c11 -O2 -Wall -Wextra -Werror -I "$root/c-header" "$here/get_bench.c" \
  -o "$out/get_bench" -L "$lib" -lkmipkit -Wl,-rpath,"$lib" -lpthread -ldl -lm

server_dir="$out/cosmian-c-get"
harness=conformance/cosmian/kms-test-server
rm -rf "$server_dir"
trap '"$harness" stop --dir "$server_dir" >/dev/null 2>&1 || true' EXIT
"$harness" start --dir "$server_dir" --port 0 --json > "$out/cosmian-c-get.json"
config="$out/c-get.toml"
python3 - "$out/cosmian-c-get.json" "$config" <<'PY'
import json, os, sys
s = json.load(open(sys.argv[1]))
text = (f'[primary]\nname = "cosmian"\nhost = "127.0.0.1"\nport = {s["port"]}\n'
        f'ca = "{s["ca"]}"\nclient_cert = "{s["client_cert"]}"\nclient_key = "{s["client_key"]}"\n'
        '\n[protocol]\nversion = "2.1"\n')
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
os.write(fd, text.encode())
os.close(fd)
PY
uid="$("$out/get_bench" "$config" --create c-bench-get)"
echo "Cosmian PID $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["pid"])' "$out/cosmian-c-get.json"), key $uid" >&2
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
raw="$out/c-get.txt"
: > "$raw"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order="c rust"; else order="rust c"; fi
  for side in $order; do
    if [ "$side" = c ]; then line="$("$out/get_bench" "$config" "$uid" "$n" "$warmup")"
    else line="$("$lib/examples/get_core_bench" "$config" "$uid" "$n" "$warmup")"; fi
    echo "$r $line" >> "$raw"
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$raw" <<'PY'
import statistics, sys
t = {}
for line in open(sys.argv[1]):
    r, side, n, wall, cpu, cross, rate = line.split()
    t[(int(r), side)] = (float(cpu), float(cross), float(rate))
rounds = sorted({k[0] for k in t})
med = lambda xs: statistics.median(xs)
print(f"{len(rounds)} rounds; medians (min-max); CPU = this process, every thread, per Get")
for side, name in (("c", "C API (kmipkit_client_get)"), ("rust", "Rust BlockingClient")):
    cpu = [t[(r, side)][0] for r in rounds]; cross = [t[(r, side)][1] for r in rounds]
    rate = [t[(r, side)][2] for r in rounds]
    print(f"{name:<28} {med(rate):>7.0f} Gets/s ({min(rate):.0f}-{max(rate):.0f})"
          f"  CPU {med(cpu):6.1f} us/Get ({min(cpu):.1f}-{max(cpu):.1f}), cross-check {med(cross):.1f}")
cpu_ratio = [t[(r, "c")][0] / t[(r, "rust")][0] for r in rounds]
rate_ratio = [t[(r, "c")][2] / t[(r, "rust")][2] for r in rounds]
print(f"C / Rust per round: CPU per Get {med(cpu_ratio):.3f} ({min(cpu_ratio):.3f}-{max(cpu_ratio):.3f}),"
      f" Gets/s {med(rate_ratio):.3f} ({min(rate_ratio):.3f}-{max(rate_ratio):.3f})")
PY
