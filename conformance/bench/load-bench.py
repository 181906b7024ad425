#!/usr/bin/env python3
"""Load and latency against one Cosmian KMS server, from one kmipkit process, beside four PyKMIP
client processes, in one run (issue 14, "Load and latency").

    conformance/bench/load-bench.py [--seconds 1.5] [--rounds 3] [--concurrency 1,4,16]
                                    [--model-concurrency 1,8] [--quiet-load 0]

Builds `cargo build --release --example load_bench -p kmipkit`, starts one Cosmian KMS 5.28
server with conformance/cosmian/kms-test-server (fresh PKI and database in
target/bench/cosmian-load/), writes three kmipkit.toml files (KMIP 2.1 pinned in each):

  ttlv-socket   host/port: KMIP TTLV on the mutual-TLS socket
  https-ttlv    url = "https://127.0.0.1:PORT/kmip", encoding = "ttlv"
  https-json    the same URL, encoding = "json" (Cosmian's KMIP JSON)

creates one AES-256 key (as identity kmipkit-client, which owns it on both endpoints), then
measures round after round, the order of the cases rotating between rounds so that load that
comes and goes hits them all alike:

  get, each wire, each --concurrency      C tasks sharing one Client in one process
  model1-seal/-open, model2-seal/-open,   the envelope operations (1 KiB), TTLV socket, with and
    cache on/off, each --model-concurrency  without the key cache
  pykmip x4                               four PyKMIP 0.11 ProxyKmipClient processes
                                          (conformance/bench/pykmip_get.py, KMIP 1.2, the socket)
                                          at once; Gets/s is the sum of the four

Each kmipkit case is a fresh `load_bench` process: a warm-up that opens its connections, then
`--seconds` of operations, every reply checked. Its JSON gives operations per second, latency
percentiles, client CPU (every thread) and the server's CPU (/proc/PID/stat) per operation, and
requests per operation. The tables show medians over the rounds (min-max in brackets). Results:
target/bench/load-bench.json and .md. Run by hand; touches only 127.0.0.1; stops only the server
it started.
"""
import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Optional

HERE = Path(__file__).resolve().parent
# client-bench.py's helpers (load, machine, summaries): its name is not an importable one.
_spec = importlib.util.spec_from_file_location("client_bench", HERE / "client-bench.py")
assert _spec is not None and _spec.loader is not None
cb: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cb)

ROOT, OUT, PY_SIDE = cb.ROOT, cb.OUT, cb.PY_SIDE
HARNESS = ROOT / "conformance" / "cosmian" / "kms-test-server"
TARGET = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
LOAD_BENCH = TARGET / "release" / "examples" / "load_bench"
WIRES = ("ttlv-socket", "https-ttlv", "https-json")
MODEL_OPS = ("model1-seal", "model1-open", "model2-seal", "model2-open")
PYKMIP = "pykmip ProxyKmipClient x4 processes"
AIM = 3000


def log(msg: str) -> None:
    print(f"[load-bench] {msg}", file=sys.stderr, flush=True)


def write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)


def configs(server: dict[str, Any], directory: Path) -> dict[str, str]:
    """One kmipkit.toml per wire, KMIP 2.1 pinned (Cosmian's JSON endpoint speaks 2.1)."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    identity = f'ca = "{server["ca"]}"\nclient_cert = "{server["client_cert"]}"\n' \
               f'client_key = "{server["client_key"]}"\n'
    url = f'url = "https://127.0.0.1:{server["https_port"]}/kmip"\n'
    where = {
        "ttlv-socket": f'host = "127.0.0.1"\nport = {server["port"]}\n',
        "https-ttlv": url + 'encoding = "ttlv"\n',
        "https-json": url + 'encoding = "json"\n',
    }
    paths: dict[str, str] = {}
    for wire, text in where.items():
        path = directory / f"{wire}.toml"
        write_private(path, f'[primary]\nname = "cosmian"\n{text}{identity}'
                            '\n[protocol]\nversion = "2.1"\n')
        paths[wire] = str(path)
    return paths


Case = tuple[str, Optional[list[str]]]


def plan(paths: dict[str, str], uid: str, pid: int, args: argparse.Namespace) -> list[Case]:
    """(name, kind, command) for every kmipkit case; the PyKMIP case is run apart."""
    base = ["--seconds", str(args.seconds), "--warmup", str(args.warmup), "--server-pid", str(pid)]
    cases: list[Case] = []
    for c in args.concurrency:
        for wire in WIRES:
            cmd = [str(LOAD_BENCH), "--config", paths[wire], "--op", "get", "--uid", uid,
                   "--concurrency", str(c)] + base
            cases.append((f"get {wire} c={c}", cmd))
    for c in args.model_concurrency:
        for op in MODEL_OPS:
            for cache in ("off", "on"):
                cmd = [str(LOAD_BENCH), "--config", paths["ttlv-socket"], "--op", op,
                       "--cache", cache, "--concurrency", str(c)] + base
                cases.append((f"{op} cache={cache} c={c}", cmd))
    return cases + [(PYKMIP, None)]


def pykmip_four(server: dict[str, Any], uid: str, args: argparse.Namespace) -> dict[str, Any]:
    """Four PyKMIP client processes at once; Gets/s summed, server CPU over the whole span."""
    venv_python = str(Path(server["venv"]) / "bin" / "python")
    cmd = [venv_python, str(PY_SIDE), "--config", server["client_config"], "--uid", uid,
           "--api", "proxy", "--n", str(args.pykmip_n), "--warmup", str(args.warmup)]
    server_before = server_cpu_us(server["pid"])
    start = time.perf_counter()
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(4)]
    results: list[dict[str, Any]] = []
    for p in procs:
        out, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f"pykmip_get.py failed ({p.returncode}):\n{err[-3000:]}")
        results.append(json.loads(out.strip().splitlines()[-1]))
    span = time.perf_counter() - start
    gets = 4 * (args.pykmip_n + args.warmup)
    return {
        "client": "pykmip", "op": "get", "wire": "ttlv-socket",
        "kmip_version": results[0]["kmip_version"], "concurrency": 4,
        "ops_per_s": sum(r["gets_per_s"] for r in results),
        "ops_per_s_over_span": gets / span,
        "client_cpu_us_per_op": statistics.mean(r["client_cpu_us_per_get"] for r in results),
        # Over the whole span (connects and warm-ups included): the four windows overlap.
        "server_cpu_us_per_op": (server_cpu_us(server["pid"]) - server_before) / gets,
        "latency_us": {"mean": statistics.mean(1e6 * r["wall_s"] / r["gets"] for r in results)},
        "processes": results,
    }


def server_cpu_us(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) * 1e6 / os.sysconf("SC_CLK_TCK")


def table_row(results: list[dict[str, Any]]) -> dict[str, Any]:
    def lat(key: str) -> Any:
        return cb.summary([{"v": r["latency_us"].get(key)} for r in results], "v")

    return {
        "ops_per_s": cb.summary(results, "ops_per_s"),
        "p50_us": lat("p50"), "p99_us": lat("p99"), "mean_us": lat("mean"),
        "client_cpu_us_per_op": cb.summary(results, "client_cpu_us_per_op"),
        "server_cpu_us_per_op": cb.summary(results, "server_cpu_us_per_op"),
        "requests_per_op": cb.summary(results, "requests_per_op"),
        "kmip_version": results[0]["kmip_version"],
    }


def markdown(table: dict[str, Any], meta: dict[str, Any], verdict: str) -> str:
    lines = ["| case | ops/s | p50 µs | p99 µs | client CPU µs/op | server CPU µs/op | "
             "requests/op |", "|---|---:|---:|---:|---:|---:|---:|"]
    for name, t in table.items():
        lines.append(f"| {name} | {cb.fmt(t['ops_per_s'])} | {cb.fmt(t['p50_us'])} | "
                     f"{cb.fmt(t['p99_us'])} | {cb.fmt(t['client_cpu_us_per_op'], 1)} | "
                     f"{cb.fmt(t['server_cpu_us_per_op'])} | {cb.fmt(t['requests_per_op'], 1)} |")
    m = meta["machine"]
    lines += ["", f"Median of {meta['rounds']} rounds of {meta['seconds']} s per case "
              "(min-max in brackets).", "",
              f"Machine: {m['nproc']} CPUs, {m['cpu']}, Linux {m['kernel']}, {m['rustc']}",
              f"Load before: `{meta['uptime_before']}`", f"Load after: `{meta['uptime_after']}`",
              f"1-minute load average per round: {[l[0] for l in meta['loadavg_per_round']]}",
              "", verdict]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=1.5, help="measured time per case")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--warmup", type=int, default=20, help="operations per task before timing")
    p.add_argument("--concurrency", default="1,4,16", help="tasks for the Get cases")
    p.add_argument("--model-concurrency", default="1,8", help="tasks for the Model 1/2 cases")
    p.add_argument("--pykmip-n", type=int, default=800, help="Gets per PyKMIP process")
    p.add_argument("--quiet-load", type=float, default=0.0)
    p.add_argument("--quiet-wait", type=float, default=900)
    p.add_argument("--no-build", action="store_true")
    p.add_argument("--dir", default=str(OUT / "cosmian-load"))
    args = p.parse_args()
    args.concurrency = [int(c) for c in args.concurrency.split(",")]
    args.model_concurrency = [int(c) for c in args.model_concurrency.split(",") if c]
    OUT.mkdir(parents=True, exist_ok=True)
    if not args.no_build:
        log("cargo build --release --example load_bench -p kmipkit")
        subprocess.run(["cargo", "build", "--release", "--example", "load_bench", "-p", "kmipkit"],
                       cwd=ROOT, check=True)

    started = subprocess.run([str(HARNESS), "start", "--dir", args.dir, "--port", "0", "--json"],
                             capture_output=True, text=True)
    if started.returncode != 0:
        sys.exit(f"kms-test-server start failed ({started.returncode}):\n{started.stderr[-3000:]}")
    server = json.loads(started.stdout)
    try:
        paths = configs(server, Path(args.dir) / "kmipkit")
        uid = cb.run_json([str(LOAD_BENCH), "--config", paths["ttlv-socket"],
                           "--create-key", "bench-get"])["uid"]
        log(f"Cosmian PID {server['pid']}, socket {server['port']}, HTTPS "
               f"{server['https_port']}; AES-256 key {uid}")
        quiet = cb.wait_for_quiet(args.quiet_load, args.quiet_wait)
        load_before = cb.uptime()
        loads = []
        cases = plan(paths, uid, server["pid"], args)
        runs: dict[str, list[dict[str, Any]]] = {}
        for r in range(args.rounds):
            shift = r * len(cases) // args.rounds
            for name, cmd in cases[shift:] + cases[:shift]:
                result = pykmip_four(server, uid, args) if cmd is None else cb.run_json(cmd)
                runs.setdefault(name, []).append(result)
                log(f"round {r + 1}/{args.rounds} {name}: {result['ops_per_s']:.0f} ops/s, "
                       f"p50 {result['latency_us'].get('p50', result['latency_us']['mean']):.0f} us")
            loads.append(cb.loadavg())
        load_after = cb.uptime()
    finally:
        subprocess.run([str(HARNESS), "stop", "--dir", args.dir], capture_output=True)
        log("server stopped")

    table = {name: table_row(runs[name]) for name, _ in cases}
    gets = {n: t["ops_per_s"]["median"] for n, t in table.items() if n.startswith("get ")}
    best = max(gets, key=lambda name: gets[name])
    per_round = [x["ops_per_s"] / y["ops_per_s"] for x, y in zip(runs[best], runs[PYKMIP])]
    met = gets[best] >= AIM
    verdict = (f"Aim '>= {AIM:,} Gets/s from one kmipkit process': {'met' if met else 'NOT met'} "
               f"(best: {best}, {gets[best]:.0f} Gets/s; {statistics.median(per_round):.2f}x "
               f"PyKMIP's four processes within rounds, "
               f"{min(per_round):.2f}-{max(per_round):.2f}x)")
    meta = {"command": "conformance/bench/load-bench.py " + " ".join(sys.argv[1:]),
            "machine": cb.machine(), "seconds": args.seconds, "rounds": args.rounds,
            "server": {"name": "cosmian", "version": server.get("version"),
                       "pid": server["pid"]},
            "uptime_before": load_before, "uptime_after": load_after, "loadavg_per_round": loads,
            "waited_for_quiet": {"limit": args.quiet_load, "reached": quiet}}
    (OUT / "load-bench.json").write_text(json.dumps(
        {"meta": meta, "table": table, "verdict": verdict, "runs": runs}, indent=2))
    text = markdown(table, meta, verdict)
    (OUT / "load-bench.md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
