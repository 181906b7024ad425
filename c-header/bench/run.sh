#!/usr/bin/env bash
# Envelope seal/open through the C API against the Rust core, side by side in one run:
# c-header/bench/envelope_bench.c (-O2, against the release libkmipkit) and its Rust twin
# core/examples/envelope_core_bench.rs, with the same key, header and data, alternately, round
# after round (the order flips every round), at 1 KiB, 64 KiB and 1 MiB. The machine is shared,
# so the figure to trust is each round's ratio C / Rust, of which the median is reported.
#   c-header/bench/run.sh [rounds]        (default 15; about 2 s per round)
# Output: one line per size and operation (median MB/s of each, median ratio, range of ratios);
# the raw times go to $target/bench/c-envelope.tsv.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
rounds="${1:-15}"
target="${CARGO_TARGET_DIR:-$root/target}"
out="$target/bench"
mkdir -p "$out"

cargo build --locked -q --release -p kmipkit-ffi
cargo build --locked -q --release -p kmipkit --example envelope_core_bench
lib="$target/release"
gcc -std=c11 -O2 -Wall -Wextra -Werror -I "$root/c-header" "$here/envelope_bench.c" \
  -o "$out/envelope_bench" -L "$lib" -lkmipkit -Wl,-rpath,"$lib" -lpthread -ldl -lm
c_bench="$out/envelope_bench"
rust_bench="$lib/examples/envelope_core_bench"

# About 512 MiB per timing, at most 50,000 calls: roughly 0.1 s per size, operation and side.
iterations() { local n=$(((512 << 20) / $1)); echo $((n > 50000 ? 50000 : n)); }
tsv="$out/c-envelope.tsv"
echo -e "round\tside\top\tsize\tns" > "$tsv"
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
for ((r = 1; r <= rounds; r++)); do
  for size in 1024 65536 1048576; do
    n="$(iterations "$size")"
    if ((r % 2)); then order="c rust"; else order="rust c"; fi
    for side in $order; do
      if [ "$side" = c ]; then bin="$c_bench"; else bin="$rust_bench"; fi
      "$bin" "$size" "$n" | while read -r op sz ns; do echo -e "$r\t$side\t$op\t$sz\t$ns"; done >> "$tsv"
    done
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

python3 - "$tsv" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
t = {(int(r["round"]), r["side"], r["op"], int(r["size"])): float(r["ns"]) for r in rows}
rounds = sorted({k[0] for k in t})
print(f"{len(rounds)} rounds; MB/s = 10^6 plaintext bytes per second; ratio = C throughput / Rust's, per round")
print(f"{'op':<5} {'size':>8} {'C MB/s':>9} {'Rust MB/s':>10} {'median':>7} {'min':>5} {'max':>5}")
for op in ("seal", "open"):
    for size in (1024, 65536, 1048576):
        c = [t[(r, "c", op, size)] for r in rounds]
        rust = [t[(r, "rust", op, size)] for r in rounds]
        ratios = [b / a for a, b in zip(c, rust)]
        mbs = lambda ns: size / ns * 1e3
        print(f"{op:<5} {size:>8} {mbs(statistics.median(c)):>9.0f} {mbs(statistics.median(rust)):>10.0f}"
              f" {statistics.median(ratios):>6.1%} {min(ratios):>5.0%} {max(ratios):>5.0%}")
PY
