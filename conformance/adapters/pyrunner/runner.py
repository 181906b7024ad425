"""The adapter contract of conformance/adapters/README.md, once for every adapter written in
Python: the command line, the scenarios of a phase and their variants, each step run and judged
(conformance/scenarios/README.md), and the results file.

An adapter's `adapter.py` ends with `sys.exit(runner.main(Adapter(...)))`."""

from __future__ import annotations

import argparse
import fnmatch
import glob
import json
import os
import sys
import traceback
from dataclasses import dataclass, field
from typing import (Callable, Dict, FrozenSet, Generic, List, Mapping, Optional, Protocol, Sequence, TypeVar,
                    Union)

from .args import Args
from .details import clip, render, secret_fields
from .errors import ApiError, StepError, Unsupported
from .matching import Matcher
from .values import JSON, expand_repeats, fill_templates, resolve, templates

Result = Dict[str, JSON]
"""What an action returns: a JSON object, bytes as lowercase hex."""


class Session(Protocol):
    """What an adapter keeps for one scenario variant (its clients, key cache, scratch files),
    made before the first step and closed after the last."""

    def close(self) -> None: ...


SessionT = TypeVar("SessionT", bound=Session)


@dataclass(frozen=True)
class Variant:
    """One run of a scenario, as its session sees it."""

    scenario: str
    name: str
    """`-`, a KMIP version (`1.4`), or in the open phase the peer language."""
    pin: Optional[str]
    """The KMIP version clients are pinned to (scenarios with `versions`), else None."""
    peer: Optional[str]
    """Open phase: the language whose files are read (`{{peer}}`)."""
    work: str
    """This language's scratch directory (`{{work}}`)."""
    vectors: str
    """conformance/vectors (`{{vectors}}`)."""


@dataclass(frozen=True)
class Adapter(Generic[SessionT]):
    """What a language adds to the runner: its actions, its sessions, its errors."""

    language: str
    check: Callable[[], Optional[str]]
    """None when the adapter can run; else one line saying what is missing and how to build it."""
    session: Callable[[Variant], SessionT]
    actions: Mapping[str, Callable[[SessionT, Args], Result]]
    """One function per action of the scenarios README, mapping it onto the language's API."""
    unsupported: Mapping[str, str] = field(default_factory=dict)
    """Actions the language cannot express, each with why (the step fails as `unsupported`)."""
    api_error: Optional[Callable[[Exception], Optional[ApiError]]] = None
    """The API's own exceptions as ApiError (None for any other exception: an adapter bug).
    An ApiError raised by an action needs no translation."""


@dataclass(frozen=True)
class Env:
    """ENV.json, written by conformance/run."""

    run: str
    vectors: str
    scenarios: str
    shared: str
    work: str
    languages: List[str]
    configs: Dict[str, str]

    @staticmethod
    def load(path: str) -> Env:
        with open(path, "r", encoding="utf-8") as f:
            data = json.load(f)
        return Env(str(data["run"]), str(data["vectors"]), str(data["scenarios"]), str(data["shared"]),
                   str(data["work"]), [str(x) for x in data.get("languages", [])],
                   {str(k): str(v) for k, v in data["configs"].items()})


def main(adapter: Adapter[SessionT], argv: Optional[Sequence[str]] = None) -> int:
    """The adapter's command line: exit 0 when the scenarios ran (whatever their outcome), 1 when
    the adapter cannot run, 2 when the environment or the scenarios cannot be read."""
    p = argparse.ArgumentParser(description=f"The {adapter.language} conformance adapter "
                                "(conformance/adapters/README.md).")
    p.add_argument("--check", action="store_true", help="exit 0 when the adapter can run")
    p.add_argument("--env", help="ENV.json")
    p.add_argument("--phase", choices=["main", "seal", "open"], default="main")
    p.add_argument("--out", help="RESULTS.json")
    p.add_argument("--scenario", action="append", default=[], help="fnmatch pattern (repeatable)")
    opts = p.parse_args(argv)
    missing = adapter.check()
    if missing is not None:
        print(missing)
        return 1
    if opts.check:
        return 0
    if not opts.env or not opts.out:
        p.error("--env and --out are required")
    try:
        env = Env.load(opts.env)
        scenarios = load_scenarios(env.scenarios)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
        print(f"{adapter.language} adapter: cannot read the environment or the scenarios: {e}", file=sys.stderr)
        return 2
    results: List[Result] = []
    write_results(opts.out, adapter.language, opts.phase, results)
    for scenario in scenarios:
        name = str(scenario.get("name"))
        if scenario.get("phase", "main") != opts.phase:
            continue
        if opts.scenario and not any(fnmatch.fnmatchcase(name, g) for g in opts.scenario):
            continue
        for variant in variants(scenario, opts.phase, env, adapter.language):
            record = ScenarioRun(adapter, env, scenario, variant).run()
            results.append(record)
            # After each variant, so a run that is killed still leaves what it did.
            write_results(opts.out, adapter.language, opts.phase, results)
            print_progress(record)
    return 0


def load_scenarios(folder: str) -> List[Dict[str, JSON]]:
    """Every scenario of `folder/*.json`: files in name order, scenarios in file order."""
    found: List[Dict[str, JSON]] = []
    for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
        with open(path, "r", encoding="utf-8") as f:
            found.extend(json.load(f)["scenarios"])
    return found


def variants(scenario: Mapping[str, JSON], phase: str, env: Env, language: str) -> List[Variant]:
    """Open phase: once per language of the run; with `versions`: once per version, clients
    pinned to it; otherwise once, variant `-`."""
    def one(name: str, pin: Optional[str], peer: Optional[str]) -> Variant:
        work = os.path.join(env.work, language)
        return Variant(str(scenario.get("name")), name, pin, peer, work, env.vectors)
    if phase == "open":
        return [one(peer, None, peer) for peer in env.languages]
    if "versions" in scenario:
        return [one(str(v), str(v), None) for v in scenario["versions"]]
    return [one("-", None, None)]


class ScenarioRun(Generic[SessionT]):
    """One variant of one scenario: its steps in order until the first that fails."""

    def __init__(self, adapter: Adapter[SessionT], env: Env, scenario: Mapping[str, JSON], variant: Variant) -> None:
        self.adapter = adapter
        self.env = env
        self.variant = variant
        self.steps: List[Dict[str, JSON]] = list(scenario.get("steps", []))
        self.names = templates(adapter.language, variant.name, env.run, env.shared, variant.work,
                               env.vectors, variant.peer)
        self.variables: Dict[str, JSON] = {}
        self.record: Result = {"scenario": variant.scenario, "variant": variant.name, "status": "pass",
                               "steps": len(self.steps)}

    def run(self) -> Result:
        index, action = 0, ""
        try:
            os.makedirs(self.variant.work, exist_ok=True)
            session = self.adapter.session(self.variant)
        except Exception as e:  # noqa: BLE001 - this scenario fails, the run goes on
            return self.fail(0, "", adapter_error(e))
        try:
            for index, step in enumerate(self.steps):
                action = str(step.get("do"))
                if "versions" in step and self.variant.name not in [str(v) for v in step["versions"]]:
                    continue
                detail = self.guarded(session, step, self.steps[index + 1:])
                if detail is not None:
                    return self.fail(index, action, detail)
        finally:
            try:
                session.close()
            except Exception as e:  # noqa: BLE001 - reported unless a step already failed
                if self.record["status"] == "pass":
                    self.fail(index, action, "closing the session: " + adapter_error(e))
        return self.record

    def fail(self, index: int, action: str, detail: str) -> Result:
        self.record.update(status="fail", step=index, action=action, detail=detail)
        return self.record

    def guarded(self, session: SessionT, step: Dict[str, JSON], later: List[Dict[str, JSON]]) -> Optional[str]:
        """The step's failure detail, or None: an exception inside fails this scenario only."""
        try:
            return self.step(session, step, later)
        except Unsupported as e:
            return str(e)
        except StepError as e:
            return f"cannot run as written: {e}"
        except Exception as e:  # noqa: BLE001 - an adapter bug, shown with where it happened
            return adapter_error(e)

    def step(self, session: SessionT, step: Dict[str, JSON], later: List[Dict[str, JSON]]) -> Optional[str]:
        action = str(step.get("do"))
        perform = self.adapter.actions.get(action)
        if perform is None:
            if action in self.adapter.unsupported:
                raise Unsupported(self.adapter.unsupported[action])
            raise StepError(f"unknown action {action!r}")
        values = expand_repeats(resolve(fill_templates(step.get("args") or {}, self.names), self.variables))
        if not isinstance(values, dict):
            raise StepError(f"args: expected an object, got {clip(values)}")
        expect = fill_templates(step.get("expect"), self.names)
        save = step.get("save")
        client = str(step.get("client", "default"))
        args = Args(action, values, client, self.config(client),
                    lambda name: reads_field(name, expect, save, later))
        outcome: Union[Result, ApiError]
        try:
            outcome = perform(session, args)
        except ApiError as e:
            outcome = e
        except StepError:
            raise
        except Exception as e:
            error = self.adapter.api_error(e) if self.adapter.api_error else None
            if error is None:
                raise
            outcome = error
        detail = self.judge(expect, outcome, secret_fields(action))
        if detail is None and save is not None and not isinstance(outcome, ApiError):
            self.variables[str(save)] = outcome
        return detail

    def config(self, client: str) -> str:
        """The kmipkit.toml of a step's client: `<client>@<version>` when the variant pins one."""
        key = f"{client}@{self.variant.pin}" if self.variant.pin else client
        if key not in self.env.configs:
            raise StepError(f"the environment has no configuration {key!r}")
        return self.env.configs[key]

    def judge(self, expect: JSON, outcome: Union[Result, ApiError], secrets: FrozenSet[str]) -> Optional[str]:
        """None when the outcome is what the step expects, else what differs."""
        if isinstance(expect, dict) and "error" in expect:
            return error_mismatch(resolve(expect, self.variables), outcome, secrets)
        if isinstance(outcome, ApiError):
            return f"expected success, got {outcome.describe()}"
        if expect is None:
            return None
        pattern = expand_repeats(resolve(expect, {**self.variables, "result": outcome}))
        return Matcher(self.variant.vectors, secrets).mismatch(pattern, outcome)


def error_mismatch(expect: Mapping[str, JSON], outcome: Union[Result, ApiError],
                   secrets: FrozenSet[str]) -> Optional[str]:
    """`{"error": KIND or [KIND, ...], "reason"?, "message_contains"?}` against the outcome."""
    unknown = set(expect) - {"error", "reason", "message_contains"}
    if unknown:
        raise StepError(f"an error expectation has no key {sorted(unknown)[0]!r}")
    kinds = [str(k) for k in expect["error"]] if isinstance(expect["error"], list) else [str(expect["error"])]
    wanted = " or ".join(kinds)
    if not isinstance(outcome, ApiError):
        return f"expected error {wanted}, got success {render(outcome, secrets)}"
    if outcome.kind not in kinds:
        return f"expected error {wanted}, got {outcome.describe()}"
    if "reason" in expect and outcome.reason != expect["reason"]:
        return f"expected reason {expect['reason']}, got {outcome.describe()}"
    if "message_contains" in expect and str(expect["message_contains"]) not in outcome.message:
        return f"expected a message containing {str(expect['message_contains'])!r}, got {outcome.describe()}"
    return None


def reads_field(name: str, expect: JSON, save: JSON, later: List[Dict[str, JSON]]) -> bool:
    """Whether the expectation names `name`, or a later step reads it (or the whole result)
    through the saved variable. Textual, so it may say yes when not needed, never the reverse."""
    if name in json.dumps(expect):
        return True
    if save is None:
        return False
    text = json.dumps(later)
    return f"${save}.{name}" in text or f'"${save}"' in text


def adapter_error(e: BaseException) -> str:
    """An unexpected exception, with the innermost place it came from."""
    frames = traceback.extract_tb(e.__traceback__)
    where = f" ({os.path.basename(frames[-1].filename)}:{frames[-1].lineno})" if frames else ""
    return f"adapter error {type(e).__name__}: {clip(str(e), 200)}{where}"


def write_results(path: str, language: str, phase: str, results: List[Result]) -> None:
    """RESULTS.json, replaced whole (a reader never sees half a file)."""
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    temp = path + ".tmp"
    with open(temp, "w", encoding="utf-8") as f:
        json.dump({"language": language, "phase": phase, "results": results}, f, indent=1)
        f.write("\n")
    os.replace(temp, path)


def print_progress(record: Result) -> None:
    """One line per variant on stderr, as the Rust adapter prints them."""
    name = f"{record['scenario']}[{record['variant']}]"
    if record["status"] == "pass":
        print(f"ok   {name}", file=sys.stderr, flush=True)
    else:
        print(f"FAIL {name}  step {record['step']} {record['action']}: {record['detail']}",
              file=sys.stderr, flush=True)
