#!/usr/bin/env python3
"""kmipkit's client against PyKMIP's own client, both against one PyKMIP server, in one run.

    conformance/bench/client-bench.py [--n 400] [--rounds 5] [--quiet-load 1.0 --quiet-wait 900]

Builds `cargo build --release --example get_bench -p kmipkit`, starts one PyKMIP server with
conformance/pykmip/kmip-test-server (fresh PKI and database in target/bench/pykmip/), creates one
AES-256 key as identity `kmipkit-client` (both clients use that client certificate, since
PyKMIP shows an object to its owner only), then measures, round after round, with the clients
taking turns so that a change of machine load hits all of them alike:

  pykmip   ProxyKmipClient.get     PyKMIP's own client, 1 Get per request (it has no batching)
  pykmip   KMIPProxy.get           its lower layer, 1 Get per request (for reference)
  pykmip   KMIPProxy batch x10     10 Gets per request, built with KMIPProxy internals
  kmipkit  Client::get             1 Get per request
  kmipkit  Client::batch x10       10 Gets per request
  kmipkit  Client::batch x50       50 Gets per request (when --n allows; shows the server's ceiling)

Each case is a fresh client process that opens one connection, warms up, and then times
`--n` Gets over that connection: wall time -> Gets/s, the client process's CPU time (user +
system) -> CPU us per Get, and the server process's utime + stime (/proc/PID/stat) -> server CPU
us per Get. Start-up and the TLS handshake are not measured. The table shows the median over
the rounds (min-max in brackets); raw results go to target/bench/client-bench.json and a
Markdown version of the table to target/bench/client-bench.md.

Run by hand; not part of any test suite. Needs python3 >= 3.11 and cargo; the first run builds
the PyKMIP venv (see conformance/pykmip/README.md). Touches only 127.0.0.1.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
HARNESS = ROOT / "conformance" / "pykmip" / "kmip-test-server"
PY_SIDE = HERE / "pykmip_get.py"
OUT = ROOT / "target" / "bench"
RUST_BIN = ROOT / "target" / "release" / "examples" / "get_bench"


def log(msg):
    print(f"[client-bench] {msg}", file=sys.stderr, flush=True)


def loadavg():
    return Path("/proc/loadavg").read_text().split()[:3]


def uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "load average: " + ", ".join(loadavg())


def machine():
    model = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": os.cpu_count(),
        "cpu": model,
        "kernel": platform.release(),
        "rustc": rustc,
    }


def wait_for_quiet(limit, max_wait):
    """Waits until the 1-minute load average is below `limit` (at most `max_wait` seconds)."""
    if limit <= 0:
        return True
    deadline = time.monotonic() + max_wait
    while True:
        one = float(loadavg()[0])
        if one < limit:
            log(f"load {one} < {limit}: starting")
            return True
        if time.monotonic() >= deadline:
            log(f"load still {one} after {max_wait} s; measuring anyway (noted in the results)")
            return False
        log(f"load {one} >= {limit}; waiting")
        time.sleep(15)


def run_json(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({p.returncode}):\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def cases(server, venv_python, uid, n, warmup):
    pid = str(server["pid"])
    py = [venv_python, str(PY_SIDE), "--config", server["client_config"], "--uid", uid,
          "--n", str(n), "--warmup", str(warmup), "--server-pid", pid]
    rs = [str(RUST_BIN), "--host", server["host"], "--port", str(server["port"]),
          "--ca", server["ca"], "--cert", server["client_cert"], "--key", server["client_key"],
          "--uid", uid, "--n", str(n), "--warmup", str(warmup), "--server-pid", pid,
          "--version", "1.2"]
    return [
        ("pykmip ProxyKmipClient.get", py + ["--api", "proxy"]),
        ("kmipkit Client::get", rs + ["--batch", "1"]),
        ("pykmip KMIPProxy batch x10", py + ["--api", "batch", "--batch", "10"]),
        ("kmipkit Client::batch x10", rs + ["--batch", "10"]),
        ("pykmip KMIPProxy.get", py + ["--api", "kmipproxy"]),
    ] + ([("kmipkit Client::batch x50", rs + ["--batch", "50"])] if n % 50 == 0 else [])


def summary(results, key):
    values = [r[key] for r in results if r.get(key) is not None]
    if not values:
        return None
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def fmt(s, digits=0):
    if s is None:
        return "n/a"
    f = f"{{:.{digits}f}}"
    return f"{f.format(s['median'])} ({f.format(s['min'])}-{f.format(s['max'])})"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=400, help="Gets per measurement (a multiple of 10)")
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--quiet-load", type=float, default=0.0,
                   help="wait until the 1-minute load average is below this (0: do not wait)")
    p.add_argument("--quiet-wait", type=float, default=900, help="longest wait for --quiet-load, s")
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--dir", default=str(OUT / "pykmip"), help="server state directory")
    args = p.parse_args()
    if args.n % 10:
        p.error("--n must be a multiple of 10")
    OUT.mkdir(parents=True, exist_ok=True)

    if not args.no_build:
        log("cargo build --release --example get_bench -p kmipkit")
        subprocess.run(["cargo", "build", "--release", "--example", "get_bench", "-p", "kmipkit"],
                       cwd=ROOT, check=True)

    log(f"starting PyKMIP in {args.dir}")
    started = subprocess.run([str(HARNESS), "start", "--dir", args.dir, "--port", "0", "--json"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"kmip-test-server start failed:\n{started.stderr[-3000:]}")
    server = json.loads(started.stdout)
    try:
        venv_python = str(Path(server["venv"]) / "bin" / "python")
        setup = run_json([venv_python, str(PY_SIDE), "--config", server["client_config"], "--setup"])
        uid = setup["uid"]
        log(f"server PID {server['pid']} port {server['port']}; AES-256 key {uid}")

        quiet = wait_for_quiet(args.quiet_load, args.quiet_wait)
        load_before = uptime()
        loads = [loadavg()]
        runs = {}
        plan = cases(server, venv_python, uid, args.n, args.warmup)
        for r in range(args.rounds):
            # Rotate the order so that no case always runs first or last in a round.
            order = plan[r % len(plan):] + plan[:r % len(plan)]
            for name, cmd in order:
                result = run_json(cmd)
                runs.setdefault(name, []).append(result)
                log(f"round {r + 1}/{args.rounds} {name}: {result['gets_per_s']:.0f} Gets/s, "
                    f"client {result['client_cpu_us_per_get']:.1f} us/Get, "
                    f"server {result['server_cpu_us_per_get']:.0f} us/Get")
            loads.append(loadavg())
        load_after = uptime()
    finally:
        subprocess.run([str(HARNESS), "stop", "--dir", args.dir], capture_output=True)
        log("server stopped")

    table = {}
    for name, _ in plan:
        rs = runs[name]
        table[name] = {
            "batch": rs[0]["batch"],
            "gets_per_s": summary(rs, "gets_per_s"),
            "client_cpu_us_per_get": summary(rs, "client_cpu_us_per_get"),
            "server_cpu_us_per_get": summary(rs, "server_cpu_us_per_get"),
        }
    med = lambda name, key: table[name][key]["median"]

    def per_round(a, b, key):
        """Ratio a/b within each round (both measured minutes apart): median, min, max."""
        values = [x[key] / y[key] for x, y in zip(runs[a], runs[b])]
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    paired = {
        "client_cpu_pykmip_proxy_over_kmipkit_single": per_round(
            "pykmip ProxyKmipClient.get", "kmipkit Client::get", "client_cpu_us_per_get"),
        "client_cpu_pykmip_batch_over_kmipkit_batch": per_round(
            "pykmip KMIPProxy batch x10", "kmipkit Client::batch x10", "client_cpu_us_per_get"),
        "throughput_kmipkit_batch_over_single": per_round(
            "kmipkit Client::batch x10", "kmipkit Client::get", "gets_per_s"),
    }
    ratios = {
        "client_cpu_pykmip_proxy_over_kmipkit_single":
            med("pykmip ProxyKmipClient.get", "client_cpu_us_per_get")
            / med("kmipkit Client::get", "client_cpu_us_per_get"),
        "client_cpu_pykmip_batch_over_kmipkit_batch":
            med("pykmip KMIPProxy batch x10", "client_cpu_us_per_get")
            / med("kmipkit Client::batch x10", "client_cpu_us_per_get"),
        "client_cpu_pykmip_proxy_over_kmipkit_batch":
            med("pykmip ProxyKmipClient.get", "client_cpu_us_per_get")
            / med("kmipkit Client::batch x10", "client_cpu_us_per_get"),
        "throughput_kmipkit_batch_over_single":
            med("kmipkit Client::batch x10", "gets_per_s") / med("kmipkit Client::get", "gets_per_s"),
        "throughput_pykmip_batch_over_single":
            med("pykmip KMIPProxy batch x10", "gets_per_s")
            / med("pykmip ProxyKmipClient.get", "gets_per_s"),
        "throughput_kmipkit_single_over_pykmip_single":
            med("kmipkit Client::get", "gets_per_s") / med("pykmip ProxyKmipClient.get", "gets_per_s"),
        # What the server alone allows: one Get's server CPU, single vs batched.
        "server_bound_batch_gets_per_s":
            1e6 / med("kmipkit Client::batch x10", "server_cpu_us_per_get"),
    }
    meta = {
        "command": "conformance/bench/client-bench.py " + " ".join(sys.argv[1:]),
        "machine": machine(),
        "gets_per_measurement": args.n,
        "rounds": args.rounds,
        "uptime_before": load_before,
        "uptime_after": load_after,
        "loadavg_per_round": loads,
        "waited_for_quiet": {"limit": args.quiet_load, "reached": quiet},
        "kmip_version": "1.2 (PyKMIP client default; kmipkit pinned to the same)",
        "server": {"port": server["port"], "pid": server["pid"]},
    }
    (OUT / "client-bench.json").write_text(
        json.dumps({"meta": meta, "table": table, "ratios": ratios, "per_round_ratios": paired,
                    "runs": runs}, indent=2))

    header = ("| client, API | Gets per request | Gets/s | client CPU us/Get | server CPU us/Get |\n"
              "|---|---:|---:|---:|---:|")
    rows = [f"| {name} | {t['batch']} | {fmt(t['gets_per_s'])} | "
            f"{fmt(t['client_cpu_us_per_get'], 1)} | {fmt(t['server_cpu_us_per_get'])} |"
            for name, t in table.items()]
    lines = [header, *rows, "",
             f"Median of {args.rounds} rounds of {args.n} Gets each (min-max in brackets).", "",
             "Ratios (medians):"]
    lines += [f"- {k}: {v:.1f}" for k, v in ratios.items()]
    lines += ["", "Ratios within each round (median, min-max):"]
    lines += [f"- {k}: {fmt(v, 1)}" for k, v in paired.items()]
    lines += ["", f"Machine: {meta['machine']['nproc']} CPUs, {meta['machine']['cpu']}, "
                  f"Linux {meta['machine']['kernel']}, {meta['machine']['rustc']}",
              f"Load before: `{load_before}`", f"Load after:  `{load_after}`"]
    text = "\n".join(lines)
    (OUT / "client-bench.md").write_text(text + "\n")
    print(text)
    aim_cpu = ratios["client_cpu_pykmip_proxy_over_kmipkit_single"] >= 20
    aim_batch = ratios["throughput_kmipkit_batch_over_single"] >= 3
    print(f"\nAim 'client CPU per Get >= 20x lower than PyKMIP's client': "
          f"{'met' if aim_cpu else 'NOT met'} "
          f"({ratios['client_cpu_pykmip_proxy_over_kmipkit_single']:.1f}x single requests)")
    print(f"Aim 'batching several (>= 3) times the throughput of single requests': "
          f"{'met' if aim_batch else 'NOT met'} "
          f"({ratios['throughput_kmipkit_batch_over_single']:.1f}x)")


if __name__ == "__main__":
    main()
