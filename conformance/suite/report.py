"""The scenario × language matrix printed at the end of a run."""
from __future__ import annotations

from typing import Any, Optional, Sequence

from verdicts import FAIL, MISSING, PASS, XFAIL, XPASS, Expected

Row = tuple[str, str]  # (scenario, variant)
Cell = tuple[str, Optional[Expected], Optional[dict[str, Any]]]


def label(scenario: str, variant: str) -> str:
    return scenario if variant == "-" else f"{scenario}[{variant}]"


def matrix(rows: Sequence[Row], languages: Sequence[str], cells: dict[tuple[str, str, str], Cell]) -> str:
    width = max([len(label(*r)) for r in rows] + [8])
    cols = [max(len(lang), 7) for lang in languages]
    lines = ["scenario".ljust(width) + "  " + "  ".join(l.ljust(w) for l, w in zip(languages, cols))]
    lines.append("-" * len(lines[0]))
    for scenario, variant in rows:
        marks = []
        for lang, w in zip(languages, cols):
            cell = cells.get((lang, scenario, variant))
            marks.append((cell[0] if cell else "").ljust(w))
        lines.append(label(scenario, variant).ljust(width) + "  " + "  ".join(marks))
    return "\n".join(lines)


def details(cells: dict[tuple[str, str, str], Cell]) -> list[str]:
    """One paragraph per failure, unexpected pass or missing result."""
    out = []
    for (lang, scenario, variant), (status, entry, result) in sorted(cells.items()):
        name = f"{lang}: {label(scenario, variant)}"
        if status == FAIL and result is not None:
            where = f"step {result.get('step')} ({result.get('action')})"
            out.append(f"FAIL {name}: {where}: {result.get('detail')}")
        elif status == MISSING:
            out.append(f"MISSING {name}: the adapter reported no result (it crashed or skipped it)")
        elif status == XPASS and entry is not None:
            out.append(f"XPASS {name}: passes now; remove its expected failure ({entry.reason})")
    return out


def totals(cells: dict[tuple[str, str, str], Cell]) -> tuple[int, int, int]:
    """(passed, failed, expected failures). An unexpected pass counts as a failure: the list
    of expected failures must stay true."""
    statuses = [c[0] for c in cells.values()]
    passed = statuses.count(PASS)
    xfail = statuses.count(XFAIL)
    failed = statuses.count(FAIL) + statuses.count(MISSING) + statuses.count(XPASS)
    return passed, failed, xfail
