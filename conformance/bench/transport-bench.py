#!/usr/bin/env python3
"""Client CPU per Get for each of kmipkit's transports, PyKMIP's client and the bare TCP floor,
against one PyKMIP server, in one run (issue 12's performance aims).

    conformance/bench/transport-bench.py [--n 2000] [--rounds 5] [--quiet-load 1.0]

Builds the `get_bench` and `tcp_floor` examples in release mode, starts one PyKMIP server with
conformance/pykmip/kmip-test-server and one `tcp_floor --serve` process, creates one AES-256
key, then measures round after round, the cases taking turns so that a change of machine load
hits all of them alike:

  tcp floor                  a bare blocking TCP request/reply of a Get's sizes (no TLS, no KMIP)
  tcp floor, 3 ms server     the same against a server that answers 3 ms after each request (about
                             PyKMIP's latency per Get here), so the client sleeps and wakes per
                             request as it does against PyKMIP
  kmipkit blocking           BlockingClient: std::net + rustls, no async runtime
  kmipkit tokio              Client over the tokio pool (current-thread runtime)
  kmipkit host               Client over a HostLink::blocking whose host function forwards to
                             its own blocking pool (the host seam on top of the blocking link)
  kmipkit client logic only  the host case, but after the warm-up the host answers each request
                             with the last reply at once: request, session, failover, decoding and
                             checks without TLS or sockets (what the client itself costs)
  pykmip ProxyKmipClient     PyKMIP 0.11's own client

Each case is a fresh process on one kept-open connection: a warm-up, then `--n` single Gets
(KMIP 1.2, every reply checked); its user+system CPU time over those Gets gives CPU per Get.
Aims: blocking <= 1.5x the floor, tokio <= 2x the floor. Results: target/bench/transport-bench.json
and .md. Run by hand; touches only 127.0.0.1.
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("client_bench", HERE / "client-bench.py")
cb = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cb)

ROOT, OUT, HARNESS, PY_SIDE = cb.ROOT, cb.OUT, cb.HARNESS, cb.PY_SIDE
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
GET_BENCH = TARGET / "release" / "examples" / "get_bench"
TCP_FLOOR = TARGET / "release" / "examples" / "tcp_floor"


def cases(server, floor_port, slow_floor_port, venv_python, uid, n, warmup):
    pid = str(server["pid"])
    rs = [str(GET_BENCH), "--host", server["host"], "--port", str(server["port"]),
          "--ca", server["ca"], "--cert", server["client_cert"], "--key", server["client_key"],
          "--uid", uid, "--n", str(n), "--warmup", str(warmup), "--server-pid", pid,
          "--version", "1.2", "--batch", "1"]
    py = [venv_python, str(PY_SIDE), "--config", server["client_config"], "--uid", uid,
          "--n", str(n), "--warmup", str(warmup), "--server-pid", pid, "--api", "proxy"]
    return [
        ("tcp floor", [str(TCP_FLOOR), "--port", str(floor_port), "--n", str(n)]),
        ("tcp floor, 3 ms server", [str(TCP_FLOOR), "--port", str(slow_floor_port), "--n", str(n)]),
        ("kmipkit blocking", rs + ["--transport", "blocking"]),
        ("kmipkit tokio", rs + ["--transport", "tokio"]),
        ("kmipkit host", rs + ["--transport", "host"]),
        ("kmipkit client logic only", rs + ["--transport", "replay"]),
        ("pykmip ProxyKmipClient", py),
    ]


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=2000, help="Gets per measurement (at least 2,000)")
    p.add_argument("--warmup", type=int, default=50)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--quiet-load", type=float, default=0.0)
    p.add_argument("--quiet-wait", type=float, default=900)
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--dir", default=str(OUT / "pykmip-transports"))
    args = p.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.no_build:
        for example in ("get_bench", "tcp_floor"):
            cb.log(f"cargo build --release --example {example} -p kmipkit")
            subprocess.run(["cargo", "build", "--release", "--example", example, "-p", "kmipkit"],
                           cwd=ROOT, check=True)

    started = subprocess.run([str(HARNESS), "start", "--dir", args.dir, "--port", "0", "--json"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"kmip-test-server start failed:\n{started.stderr[-3000:]}")
    server = json.loads(started.stdout)
    floor = subprocess.Popen([str(TCP_FLOOR), "--serve", "0"], stdout=subprocess.PIPE, text=True)
    slow_floor = subprocess.Popen([str(TCP_FLOOR), "--serve", "0", "--delay-us", "3000"],
                                  stdout=subprocess.PIPE, text=True)
    try:
        floor_port = json.loads(floor.stdout.readline())["port"]
        slow_floor_port = json.loads(slow_floor.stdout.readline())["port"]
        venv_python = str(Path(server["venv"]) / "bin" / "python")
        uid = cb.run_json([venv_python, str(PY_SIDE), "--config", server["client_config"],
                           "--setup"])["uid"]
        cb.log(f"server PID {server['pid']} port {server['port']}; floor port {floor_port}; key {uid}")
        quiet = cb.wait_for_quiet(args.quiet_load, args.quiet_wait)
        load_before = cb.uptime()
        plan = cases(server, floor_port, slow_floor_port, venv_python, uid, args.n, args.warmup)
        runs = {}
        for r in range(args.rounds):
            order = plan[r % len(plan):] + plan[:r % len(plan)]
            for name, cmd in order:
                result = cb.run_json(cmd)
                runs.setdefault(name, []).append(result)
                cb.log(f"round {r + 1}/{args.rounds} {name}: "
                       f"{result['client_cpu_us_per_get']:.1f} us/Get, "
                       f"{result['gets_per_s']:.0f} Gets/s")
        load_after = cb.uptime()
    finally:
        for process in (floor, slow_floor):
            process.kill()
            process.wait()
        subprocess.run([str(HARNESS), "stop", "--dir", args.dir], capture_output=True)

    table = {name: {"client_cpu_us_per_get": cb.summary(runs[name], "client_cpu_us_per_get"),
                    "gets_per_s": cb.summary(runs[name], "gets_per_s")} for name, _ in plan}

    def over_floor(name, floor="tcp floor"):
        """CPU per Get of `name` over the floor's, within each round: median, min, max."""
        values = [a["client_cpu_us_per_get"] / b["client_cpu_us_per_get"]
                  for a, b in zip(runs[name], runs[floor])]
        return {"median": statistics.median(values), "min": min(values), "max": max(values)}

    ratios = {name: over_floor(name) for name, _ in plan if name != "tcp floor"}
    slow = "tcp floor, 3 ms server"
    over_slow = {name: over_floor(name, slow) for name, _ in plan if not name.startswith("tcp")}
    meta = {"command": "conformance/bench/transport-bench.py " + " ".join(sys.argv[1:]),
            "machine": cb.machine(), "gets_per_measurement": args.n, "rounds": args.rounds,
            "uptime_before": load_before, "uptime_after": load_after,
            "waited_for_quiet": {"limit": args.quiet_load, "reached": quiet}}
    (OUT / "transport-bench.json").write_text(
        json.dumps({"meta": meta, "table": table, "over_floor": ratios,
                    "over_3ms_floor": over_slow, "runs": runs}, indent=2))
    lines = ["| client | client CPU µs/Get | Gets/s | CPU over the floor | "
             "CPU over the 3 ms-server floor |",
             "|---|---:|---:|---:|---:|"]
    for name, _ in plan:
        t = table[name]
        ratio = "1" if name == "tcp floor" else cb.fmt(ratios[name], 2)
        slow_ratio = cb.fmt(over_slow[name], 2) if name in over_slow else ""
        lines.append(f"| {name} | {cb.fmt(t['client_cpu_us_per_get'], 1)} | "
                     f"{cb.fmt(t['gets_per_s'])} | {ratio} | {slow_ratio} |")
    lines += ["", f"Median of {args.rounds} rounds of {args.n} Gets (min-max in brackets); "
              "ratios are taken within each round.",
              f"Machine: {meta['machine']['nproc']} CPUs, {meta['machine']['cpu']}, "
              f"Linux {meta['machine']['kernel']}, {meta['machine']['rustc']}",
              f"Load before: `{load_before}`", f"Load after: `{load_after}`"]
    text = "\n".join(lines)
    (OUT / "transport-bench.md").write_text(text + "\n")
    print(text)
    for name, aim in (("kmipkit blocking", 1.5), ("kmipkit tokio", 2.0)):
        got = ratios[name]["median"]
        print(f"Aim '{name} <= {aim}x the floor': {'met' if got <= aim else 'NOT met'} ({got:.2f}x; "
              f"{over_slow[name]['median']:.2f}x the 3 ms-server floor)")


if __name__ == "__main__":
    main()
