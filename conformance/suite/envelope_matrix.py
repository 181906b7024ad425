"""conformance/MATRIX.md: what each language encrypts, every language decrypts."""
from __future__ import annotations

from typing import Any, Sequence

from report import Cell
from verdicts import PASS, XFAIL


SERVER_NAMES = {"pykmip": "PyKMIP 0.11", "cosmian": "Cosmian KMS 5.28"}


def render(languages: Sequence[str], open_cases: Sequence[tuple[str, str]],
           cells: dict[tuple[str, str, str], Cell], server: str = "pykmip") -> str:
    """`open_cases`: (scenario name, doc) of the open phase. A cell of the table is producer
    (row) × consumer (column): ✓ when the consumer read every case the producer wrote."""
    command = "conformance/run" + ("" if server == "pykmip" else f" --server {server}")
    head = "| encrypted by ↓ · decrypted by → | " + " | ".join(languages) + " |"
    lines = [
        "# The cross-language envelope matrix",
        "",
        f"Written by `{command}` against {SERVER_NAMES.get(server, server)} (do not edit by hand).",
        "Each language encrypts with its own public API (the `seal` scenarios of",
        "`conformance/scenarios/`), then every language decrypts every language's output (the `open`",
        "scenarios). A cell is ✓ when the column's language read all "
        f"{len(open_cases)} cases the row's language",
        "wrote, else ✗ with the count read.",
        "",
        head,
        "|" + "---|" * (len(languages) + 1),
    ]
    for producer in languages:
        row = []
        for consumer in languages:
            statuses = [cells.get((consumer, name, producer), ("", None, None))[0] for name, _ in open_cases]
            ok = sum(1 for s in statuses if s == PASS)
            expected = sum(1 for s in statuses if s == XFAIL)
            if ok == len(open_cases):
                row.append("✓")
            elif ok + expected == len(open_cases):
                row.append(f"✓ {ok}, {expected} expected failure(s)")
            else:
                row.append(f"✗ {ok}/{len(open_cases)}")
        lines.append(f"| **{producer}** | " + " | ".join(row) + " |")
    lines += ["", "The cases (each written by the row's language, read by the column's):", ""]
    lines += [f"- `{name}`: {doc}" for name, doc in open_cases]
    failing: list[str] = []
    for producer in languages:
        for consumer in languages:
            for name, _ in open_cases:
                cell: Any = cells.get((consumer, name, producer))
                if cell is not None and cell[0] not in (PASS, XFAIL):
                    failing.append(f"- {producer} → {consumer}: `{name}`: {cell[0]}")
    if failing:
        lines += ["", "Not read:", ""] + failing
    return "\n".join(lines) + "\n"
