"""Which scenario instances each adapter must report: the scenarios of a phase, each variant."""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

PHASES = ("main", "seal", "open")


@dataclass(frozen=True)
class Scenario:
    name: str
    phase: str
    variants: tuple[str, ...]
    file: str


def load(directory: Path, languages: Sequence[str], patterns: Sequence[str]) -> list[Scenario]:
    """Every scenario of `directory/*.json` (name order) that matches one of `patterns` (all if
    none). Checks what every adapter relies on: unique names, known phases, steps present."""
    found: list[Scenario] = []
    seen: set[str] = set()
    for path in sorted(directory.glob("*.json")):
        data: dict[str, Any] = json.loads(path.read_text())
        for s in data["scenarios"]:
            name = s["name"]
            if name in seen:
                raise ValueError(f"{path.name}: scenario {name!r} is defined twice")
            seen.add(name)
            phase = s.get("phase", "main")
            if phase not in PHASES:
                raise ValueError(f"{path.name}: scenario {name!r} has phase {phase!r}; use one of {PHASES}")
            if not s.get("steps"):
                raise ValueError(f"{path.name}: scenario {name!r} has no steps")
            if patterns and not any(fnmatch.fnmatchcase(name, p) for p in patterns):
                continue
            if phase == "open":
                variants = tuple(languages)
            else:
                variants = tuple(s.get("versions") or ["-"])
            found.append(Scenario(name, phase, variants, path.name))
    return found
