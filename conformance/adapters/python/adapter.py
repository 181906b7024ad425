"""kmipkit's conformance adapter for Python: runs the scenarios of conformance/scenarios through
the public `kmipkit` package and writes a results file (conformance/adapters/README.md).

    adapter.py --check
    adapter.py --env ENV.json --phase main|seal|open --out RESULTS.json [--scenario GLOB]...
"""

from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import os
import sys
import traceback
from typing import Any, Dict, List, Optional, Sequence

LANG = "python"


def check() -> int:
    try:
        import kmipkit
    except ImportError as e:
        print(f"python: cannot import kmipkit with {sys.executable} ({e}); build it with "
              "`python3 -m venv target/python-venv && target/python-venv/bin/pip install ./python`")
        return 1
    print(f"python: kmipkit {kmipkit.__version__} with {sys.executable}")
    return 0


def load_scenarios(folder: str) -> List[Dict[str, Any]]:
    """Every scenario of `folder/*.json`, files in name order."""
    out: List[Dict[str, Any]] = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path, "r", encoding="utf-8") as f:
            out.extend(json.load(f)["scenarios"])
    return out


def run_scenario(env: Dict[str, Any], scenario: Dict[str, Any], variant: str, pinned: bool,
                 peer: Optional[str]) -> Dict[str, Any]:
    from actions import ACTIONS, SECRET_FIELDS
    from steps import Args, Matcher, Scenario, StepError, fill_templates, render, resolve, secret_paths, short
    import kmipkit

    version = variant.replace(".", "_")
    work = os.path.join(env["work"], LANG)
    templates = {
        "lang": LANG, "version": version, "run": str(env["run"]), "unique": f"{LANG}-{version}-{env['run']}",
        "shared": env["shared"], "work": work, "vectors": env["vectors"],
    }
    if peer is not None:
        templates["peer"] = peer
    steps: List[Dict[str, Any]] = scenario.get("steps", [])
    record: Dict[str, Any] = {"scenario": scenario["name"], "variant": variant, "status": "pass", "steps": len(steps)}
    s = Scenario(env["configs"], variant if pinned else None, work, env["vectors"])
    variables: Dict[str, Any] = {}
    i, action = 0, ""

    def fail(i: int, action: str, detail: str) -> Dict[str, Any]:
        record.update(status="fail", step=i, action=action, detail=detail)
        return record

    try:
        for i, step in enumerate(steps):
            action = str(step.get("do"))
            if "versions" in step and variant not in step["versions"]:
                continue
            secret = secret_paths(SECRET_FIELDS.get(action, []))
            expect = step.get("expect")
            result: Any = None
            error: Optional[BaseException] = None
            try:
                if action not in ACTIONS:
                    return fail(i, action, f"unknown action {action!r}")
                args = resolve(fill_templates(step.get("args", {}), templates), variables)
                expect = fill_templates(expect, templates)
                result = ACTIONS[action](Args(s, args, str(step.get("client", "default"))))
            except StepError as e:
                return fail(i, action, f"step: {e}")
            except Exception as e:  # noqa: BLE001 - the API's outcome, judged below
                error = e
            if isinstance(expect, dict) and "error" in expect:
                if error is None:
                    return fail(i, action, f"expected error {short(expect['error'])}, got success {render(result, secret)}")
                detail = error_mismatch(expect, error)
                if detail:
                    return fail(i, action, detail)
                continue
            if error is not None:
                return fail(i, action, f"unexpected error {describe(error)}")
            if expect is not None:
                try:
                    detail = Matcher(variables, result, env["vectors"], secret).mismatch(expect, result)
                except StepError as e:
                    detail = f"expect: {e}"
                if detail:
                    return fail(i, action, detail)
            if "save" in step:
                variables[str(step["save"])] = result
    except Exception as e:  # noqa: BLE001 - a broken step fails its scenario only
        return fail(i, action, f"adapter error {type(e).__name__}: {e}")
    finally:
        try:
            s.close()
        except kmipkit.KmipError:
            pass
    return record


def describe(error: BaseException) -> str:
    kind = getattr(error, "kind", None) or type(error).__name__
    reason = getattr(error, "result_reason", None)
    text = f"{kind}{f' ({reason})' if reason else ''}: {error}"
    return text if len(text) <= 300 else text[:297] + "..."


def error_mismatch(expect: Dict[str, Any], error: BaseException) -> Optional[str]:
    """None when `error` is the error expected, else what differs."""
    import kmipkit
    kinds = expect["error"] if isinstance(expect["error"], list) else [expect["error"]]
    if not isinstance(error, kmipkit.KmipError):
        return f"expected error {'/'.join(kinds)}, got exception {type(error).__name__}: {str(error)[:200]}"
    if error.kind not in kinds:
        return f"expected error {'/'.join(kinds)}, got {describe(error)}"
    if "reason" in expect and getattr(error, "result_reason", None) != expect["reason"]:
        return f"expected reason {expect['reason']}, got {describe(error)}"
    if "message_contains" in expect and str(expect["message_contains"]) not in str(error):
        return f"expected a message containing {expect['message_contains']!r}, got {describe(error)}"
    return None


def main(argv: Sequence[str]) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true")
    p.add_argument("--env")
    p.add_argument("--phase", choices=["main", "seal", "open"], default="main")
    p.add_argument("--out")
    p.add_argument("--scenario", action="append", default=[])
    a = p.parse_args(argv)
    if a.check:
        return check()
    if not a.env or not a.out:
        p.error("--env and --out are required")
    if check_quiet() != 0:
        return check()
    with open(a.env, "r", encoding="utf-8") as f:
        env: Dict[str, Any] = json.load(f)
    results: List[Dict[str, Any]] = []
    for scenario in load_scenarios(env["scenarios"]):
        if scenario.get("phase", "main") != a.phase:
            continue
        if a.scenario and not any(fnmatch.fnmatchcase(scenario["name"], g) for g in a.scenario):
            continue
        if a.phase == "open":
            runs = [(peer, False, peer) for peer in env.get("languages", [])]
        elif "versions" in scenario:
            runs = [(v, True, None) for v in scenario["versions"]]
        else:
            runs = [("-", False, None)]
        for variant, pinned, peer in runs:
            try:
                record = run_scenario(env, scenario, variant, pinned, peer)
            except Exception:  # noqa: BLE001 - the scenario fails, the run goes on
                record = {"scenario": scenario.get("name"), "variant": variant, "status": "fail",
                          "steps": len(scenario.get("steps", [])), "step": 0, "action": "",
                          "detail": "adapter error: " + traceback.format_exc(limit=1).strip()[-300:]}
            results.append(record)
            mark = "ok  " if record["status"] == "pass" else "FAIL"
            extra = "" if record["status"] == "pass" else f"  step {record['step']} {record['action']}: {record['detail']}"
            print(f"{mark} {record['scenario']}[{variant}]{extra}", file=sys.stderr)
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"language": LANG, "phase": a.phase, "results": results}, f, indent=1)
        f.write("\n")
    return 0


def check_quiet() -> int:
    try:
        import kmipkit  # noqa: F401
    except ImportError:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
