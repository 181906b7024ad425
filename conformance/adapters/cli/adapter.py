"""The conformance adapter of the `kmipkit` command line (conformance/adapters/README.md).

    adapter.py --env ENV.json --phase main|seal|open --out RESULTS.json [--scenario GLOB]...

Runs the scenarios of the phase through the `kmipkit` binary ($KMIPKIT_BIN), one command per
action (actions.py), with the step runner of steps.py, and writes the results file."""
from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Optional

import actions
from steps import ActionError, Json, Matcher, StepFailure, check, expand, short, substitute, texts

LANGUAGE = "cli"


class Env:
    def __init__(self, path: Path) -> None:
        data = json.loads(path.read_text())
        self.run = str(data["run"])
        self.vectors = Path(data["vectors"])
        self.scenarios = Path(data["scenarios"])
        self.shared = Path(data["shared"])
        self.work = Path(data["work"]) / LANGUAGE
        self.languages: list[str] = list(data.get("languages", []))
        self.configs: dict[str, str] = dict(data["configs"])


def load_scenarios(folder: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for file in sorted(folder.glob("*.json")):
        found += json.loads(file.read_text())["scenarios"]
    return found


def variants(scenario: dict[str, Any], phase: str, env: Env) -> list[str]:
    if phase == "open":
        return list(env.languages)  # every language of the run, this one included
    return [str(v) for v in scenario.get("versions") or ["-"]]


def needs_material(expect: Json, save: Optional[str], later: list[dict[str, Any]]) -> bool:
    """Whether a `get` must reveal the key bytes: its own expectation, or a later step, reads
    `material` (revealing is a user option of `key get`, used only when the scenario looks)."""
    if "material" in json.dumps(expect):
        return True
    if not save:
        return False
    text = json.dumps(later)
    return f"${save}.material" in text or f'"${save}"' in text


def run_variant(scenario: dict[str, Any], variant: str, phase: str, env: Env, binary: str) -> dict[str, Any]:
    steps: list[dict[str, Any]] = scenario.get("steps", [])
    result: dict[str, Any] = {"scenario": scenario["name"], "variant": variant, "steps": len(steps)}
    version = variant.replace(".", "_")
    names = {"lang": LANGUAGE, "version": version, "run": env.run,
             "unique": f"{LANGUAGE}-{version}-{env.run}", "shared": str(env.shared),
             "work": str(env.work), "vectors": str(env.vectors)}
    if phase == "open":
        names["peer"] = variant
    pinned = "versions" in scenario and phase != "open"
    cli = actions.Cli(binary, env.work)
    matcher = Matcher(env.vectors)
    saved: dict[str, Json] = {}
    for index, step in enumerate(steps):
        action = str(step.get("do"))
        if "versions" in step and variant not in [str(v) for v in step["versions"]]:
            continue
        try:
            client = str(step.get("client", "default"))
            label = f"{client}@{variant}" if pinned else client
            if label not in env.configs:
                raise StepFailure(f"no configuration for client {label!r} in the environment")
            cli.config = env.configs[label]
            args = texts(substitute(expand(step.get("args") or {}, names), saved))
            expect = expand(step.get("expect"), names)
            cli.want_material = action == "get" and needs_material(expect, step.get("save"), steps[index + 1:])
            outcome: Any
            try:
                outcome = actions.perform(cli, action, args)
            except ActionError as e:
                outcome = e
            why = check(expect, outcome, saved, matcher)
            if why is None and step.get("save") and not isinstance(outcome, ActionError):
                saved[str(step["save"])] = outcome
        except StepFailure as e:
            why = str(e)
        except Exception as e:  # a crash inside a step fails this scenario only
            where = traceback.extract_tb(e.__traceback__)[-1]
            why = f"adapter error: {type(e).__name__}: {short(str(e), 200)} ({Path(where.filename).name}:{where.lineno})"
        if why is not None:
            result.update(status="fail", step=index, action=action, detail=why)
            return result
    result["status"] = "pass"
    return result


def write_results(path: Path, phase: str, results: list[dict[str, Any]]) -> None:
    temp = path.with_name(path.name + ".tmp")
    temp.write_text(json.dumps({"language": LANGUAGE, "phase": phase, "results": results}, indent=2) + "\n")
    temp.replace(path)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--env", required=True)
    ap.add_argument("--phase", required=True, choices=["main", "seal", "open"])
    ap.add_argument("--out", required=True)
    ap.add_argument("--scenario", action="append", default=[])
    opts = ap.parse_args()
    binary = os.environ.get("KMIPKIT_BIN", "")
    if not binary or not os.access(binary, os.X_OK):
        print(f"adapter: no kmipkit binary at {binary!r} (KMIPKIT_BIN)", file=sys.stderr)
        return 2
    try:
        env = Env(Path(opts.env))
        scenarios = load_scenarios(env.scenarios)
    except (OSError, ValueError, KeyError) as e:
        print(f"adapter: cannot read the environment or the scenarios: {e}", file=sys.stderr)
        return 2
    env.work.mkdir(parents=True, exist_ok=True)
    out = Path(opts.out)
    results: list[dict[str, Any]] = []
    for scenario in scenarios:
        if scenario.get("phase", "main") != opts.phase:
            continue
        if opts.scenario and not any(fnmatch.fnmatchcase(scenario["name"], g) for g in opts.scenario):
            continue
        for variant in variants(scenario, opts.phase, env):
            results.append(run_variant(scenario, variant, opts.phase, env, binary))
            write_results(out, opts.phase, results)
    write_results(out, opts.phase, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
