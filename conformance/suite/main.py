"""The conformance suite behind conformance/run: servers, adapters, verdicts, the matrix.

It runs the conformance suite: every scenario of conformance/scenarios/ in every language whose
adapter is built, against real PyKMIP servers started for the run.

    conformance/run [--build] [--language L]... [--scenario GLOB]... [--require-all] [--keep] [--env ENV] [--jobs N]

Prints the scenario × language matrix (pass, FAIL, xfail = expected failure, XPASS = an expected
failure that passes now, MISSING = no result), the details of every failure, and last the line
`N passed, N failed`; exits 1 when anything failed. With every language and scenario, it also
rewrites conformance/MATRIX.md, the cross-language envelope table. See conformance/README.md.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import configs
import envelope_matrix
import plan
import report
import servers
import verdicts

HERE = Path(__file__).resolve().parent.parent
REPO = HERE.parent
# In the order of the matrix's columns. A language joins by adding its adapter and its name here.
LANGUAGES = ["rust", "python", "cli", "c", "node", "wasm"]
ADAPTER_TIMEOUT = 30 * 60  # seconds for one adapter's phase; a hang fails the run, never blocks CI


def build() -> None:
    """What the adapters need, as scripts/test.sh builds it: the CLI, the Rust adapter and
    libkmipkit (the C adapter's `run` compiles its program against it), and the Python package
    in target/python-venv."""
    subprocess.run(["cargo", "build", "-q", "-p", "kmipkit-cli", "-p", "kmipkit-conformance-rust",
                    "-p", "kmipkit-ffi"],
                   cwd=REPO, check=True)
    venv = REPO / "target" / "python-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                    "--force-reinstall", "--no-deps", "./python"],
                   cwd=REPO, check=True, env={**os.environ, "CARGO_TARGET_DIR": str(REPO / "target")})


def adapter(language: str) -> Path:
    return HERE / "adapters" / language / "run"


def available(language: str) -> tuple[bool, str]:
    path = adapter(language)
    if not os.access(path, os.X_OK):
        return False, f"no adapter at {path.relative_to(REPO)}"
    out = subprocess.run([str(path), "--check"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return out.returncode == 0, out.stdout.strip()


def run_phase(language: str, phase: str, env: Path, out: Path, patterns: list[str]) -> str:
    """Runs one adapter's phase; returns what it printed and a closing line, to be printed whole
    (adapters run side by side, and interleaved lines would mix their failures)."""
    args = [str(adapter(language)), "--env", str(env), "--phase", phase, "--out", str(out)]
    for p in patterns:
        args += ["--scenario", p]
    started = time.monotonic()
    try:
        done = subprocess.run(args, timeout=ADAPTER_TIMEOUT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, errors="replace")
    except subprocess.TimeoutExpired as e:
        said = e.stdout if isinstance(e.stdout, str) else (e.stdout or b"").decode(errors="replace")
        return f"{said}  {language} {phase}: gave up after {ADAPTER_TIMEOUT} s\n"
    return f"{done.stdout}  {language} {phase}: exit {done.returncode} in {time.monotonic() - started:.1f} s\n"


def run_languages(languages: list[str], phase: str, env: Path, results: Path, patterns: list[str],
                  jobs: int) -> None:
    """Every language's adapter for one phase, `jobs` at a time. They share the servers safely:
    every name a scenario makes carries its language ({{unique}}, {{lang}}), and the next phase
    starts only when this one has ended, so a reader always finds every writer's files. Most of
    an adapter's time is its own start-up and TLS handshakes rather than the server's work, so
    two side by side nearly halve the phase. The slowest (the last columns) start first."""
    order = list(reversed(languages))
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        runs = [pool.submit(run_phase, lang, phase, env, results / f"{lang}-{phase}.json", patterns)
                for lang in order]
        for run in concurrent.futures.as_completed(runs):
            print(run.result(), end="", flush=True)


def results_of(path: Path) -> dict[tuple[str, str], dict[str, Any]]:
    if not path.is_file():
        return {}
    data = json.loads(path.read_text())
    return {(r["scenario"], r["variant"]): r for r in data.get("results", [])}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--language", action="append", default=[], choices=LANGUAGES)
    ap.add_argument("--scenario", action="append", default=[], help="fnmatch pattern on scenario names")
    ap.add_argument("--require-all", action="store_true", help="an adapter that is not built is a failure")
    ap.add_argument("--build", action="store_true",
                    help="build the CLI, the Rust adapter and the Python package first (minutes on a fresh clone)")
    ap.add_argument("--keep", action="store_true", help="leave the servers running and the run directory")
    ap.add_argument("--server", default="pykmip", choices=sorted(servers.HARNESSES),
                    help="the key server family to start (default pykmip)")
    ap.add_argument("--wire", default="ttlv", choices=configs.WIRES,
                    help="how clients reach the servers: KMIP's TTLV stream (default), or KMIP over "
                         "HTTPS with TTLV or JSON bodies (a server family with an HTTPS endpoint)")
    ap.add_argument("--dir", help="the run directory (default target/conformance[-SERVER][-WIRE][-LANG])")
    ap.add_argument("--env", help="run against the servers an existing env.json names; start none")
    ap.add_argument("--jobs", type=int, default=2,
                    help="adapters run side by side within a phase (default 2; 1 = one after the other)")
    opts = ap.parse_args()

    if opts.build:
        print("==> building the adapters' packages", flush=True)
        build()
    wanted = opts.language or LANGUAGES

    languages: list[str] = []
    missing: list[str] = []
    for language in wanted:
        ok, why = available(language)
        if ok:
            languages.append(language)
        else:
            missing.append(f"{language}: {why}")
    for line in missing:
        print(f"not built, skipped: {line}")
    if not languages:
        print("no adapter is built\n0 passed, 1 failed")
        return 1

    harness = servers.HARNESSES[opts.server]
    if not opts.env and not os.access(harness, os.X_OK):
        print(f"no harness for {opts.server} at {harness.relative_to(REPO)}\n0 passed, 1 failed")
        return 1
    scenarios = plan.load(HERE / "scenarios", languages, opts.scenario)
    expected = verdicts.load(HERE / "expected-failures.json", opts.server, opts.wire)
    default_dir = "conformance" + ("" if opts.server == "pykmip" else f"-{opts.server}")
    default_dir += "" if opts.wire == "ttlv" else f"-{opts.wire}"
    if len(opts.language) == 1:
        default_dir += f"-{opts.language[0]}"
    root = Path(opts.dir or REPO / "target" / default_dir).resolve()
    # Servers a previous --keep run left in this directory are stopped before it is replaced.
    for left in sorted((root / "servers").glob("*")):
        subprocess.run([sys.executable, str(servers.HARNESSES[opts.server]), "stop", "--dir", str(left)],
                       check=False, stdout=subprocess.DEVNULL)
    shutil.rmtree(root, ignore_errors=True)
    for sub in ("shared", "work", "results"):
        (root / sub).mkdir(parents=True)

    fleet = servers.Servers(root / "servers", opts.server)
    try:
        env = root / "env.json"
        if opts.env:
            described = json.loads(Path(opts.env).read_text())
            env.write_text(json.dumps({**described, "languages": languages,
                                       "shared": str(root / "shared"), "work": str(root / "work")}, indent=2))
        else:
            print(f"==> key servers (conformance/{opts.server})", flush=True)
            primary = fleet.start("primary")
            secondary = fleet.start("secondary")
            expired = fleet.start("expired", server_cert="expired")
            dead = (servers.closed_port(), servers.closed_port())
            if opts.wire != "ttlv" and "https_port" not in primary:
                print(f"{opts.server} has no HTTPS endpoint: --wire {opts.wire} needs one\n0 passed, 1 failed")
                return 1
            paths = configs.write(root / "configs",
                                  configs.clients(primary, secondary, expired, dead, opts.wire), opts.wire)
            env.write_text(json.dumps({
                "run": secrets.token_hex(4),
                "vectors": str(HERE / "vectors"),
                "scenarios": str(HERE / "scenarios"),
                "shared": str(root / "shared"),
                "work": str(root / "work"),
                "languages": languages,
                "configs": paths,
            }, indent=2))
        print(f"environment: {env}", flush=True)
        for phase in plan.PHASES:
            if not any(s.phase == phase for s in scenarios):
                continue
            print(f"==> phase {phase}", flush=True)
            run_languages(languages, phase, env, root / "results", opts.scenario, opts.jobs)
    finally:
        if opts.keep:
            print(f"--keep: servers left running; stop them with conformance/pykmip/kmip-test-server stop --dir {root}/servers/NAME")
        else:
            fleet.stop_all()

    cells: dict[tuple[str, str, str], report.Cell] = {}
    rows: list[tuple[str, str]] = []
    for s in scenarios:
        rows += [(s.name, v) for v in s.variants]
    for language in languages:
        got: dict[tuple[str, str], dict[str, Any]] = {}
        for phase in plan.PHASES:
            got.update(results_of(root / "results" / f"{language}-{phase}.json"))
        for s in scenarios:
            for v in s.variants:
                result = got.get((s.name, v))
                status, entry = verdicts.verdict(expected, language, s.name, v, result)
                cells[(language, s.name, v)] = (status, entry, result)

    print()
    print(report.matrix(rows, languages, cells))
    problems = report.details(cells)
    if problems:
        print("\n" + "\n".join(problems))
    reasons = sorted({(e.language, e.scenario, e.reason) for e in expected if e.used})
    if reasons:
        print("\nexpected failures (conformance/expected-failures.json):")
        for lang, scen, why in reasons:
            print(f"  {lang} {scen}: {why}")
    whole = not opts.scenario and not missing and opts.language in ([], LANGUAGES)
    if whole:
        stale = [e for e in expected if not e.used and e.language in languages]
        for e in stale:
            print(f"stale expected failure (matches nothing): {e.language} {e.scenario}")
        opens = [(s.name, doc_of(s)) for s in scenarios if s.phase == "open"]
        # The matrix is of the envelope, whatever carries KMIP: one per server family.
        if opens and opts.wire == "ttlv":
            matrix = "MATRIX.md" if opts.server == "pykmip" else f"MATRIX-{opts.server}.md"
            (HERE / matrix).write_text(envelope_matrix.render(languages, opens, cells, opts.server))
            print(f"\nwrote conformance/{matrix}")
    passed, failed, xfail = report.totals(cells)
    if opts.require_all and missing:
        failed += len(missing)
    print(f"\n{xfail} expected failures")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


def doc_of(s: plan.Scenario) -> str:
    for item in json.loads((HERE / "scenarios" / s.file).read_text())["scenarios"]:
        if item["name"] == s.name:
            return str(item.get("doc", ""))
    return ""
