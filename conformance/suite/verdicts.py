"""Expected failures (expected-failures.json) and the verdict of each scenario instance."""
from __future__ import annotations

import fnmatch
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional

PASS, FAIL, XFAIL, XPASS, MISSING = "pass", "FAIL", "xfail", "XPASS", "MISSING"


@dataclass
class Expected:
    language: str
    scenario: str
    variant: str
    reason: str
    used: bool = field(default=False)

    def matches(self, language: str, scenario: str, variant: str) -> bool:
        return (fnmatch.fnmatchcase(language, self.language)
                and fnmatch.fnmatchcase(scenario, self.scenario)
                and fnmatch.fnmatchcase(variant, self.variant))


def load(path: Path, server: str, wire: str = "ttlv") -> list[Expected]:
    """The entries that apply to `server` reached over `wire` (an entry without `server` or
    `wire` applies to every one)."""
    data: dict[str, Any] = json.loads(path.read_text())
    out = []
    for e in data["expected_failures"]:
        if not e.get("reason"):
            raise ValueError(f"{path.name}: every expected failure needs a reason: {e}")
        if fnmatch.fnmatchcase(server, e.get("server", "*")) and fnmatch.fnmatchcase(wire, e.get("wire", "*")):
            out.append(Expected(e["language"], e["scenario"], e.get("variant", "*"), e["reason"]))
    return out


def verdict(expected: list[Expected], language: str, scenario: str, variant: str,
            result: Optional[dict[str, Any]]) -> tuple[str, Optional[Expected]]:
    """pass / FAIL / xfail / XPASS / MISSING, and the expected-failure entry that applied."""
    entry = next((e for e in expected if e.matches(language, scenario, variant)), None)
    if entry is not None:
        entry.used = True
    if result is None:
        return MISSING, entry
    passed = result.get("status") == "pass"
    if entry is None:
        return (PASS if passed else FAIL), None
    return (XPASS if passed else XFAIL), entry
