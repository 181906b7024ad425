"""The one table of the Python live tests' measured differences between key server families.

``KMIPKIT_TEST_SERVER`` chooses the family the tests run against: ``pykmip`` (the default, the
reference the tests were written for) or ``cosmian``. Where a server answers differently, the
test asks :func:`differs` and asserts *that server's* answer; a test that is about PyKMIP itself
is excluded for the other family only through :func:`excluded`, which skips it with the reason.
Every consulted row is printed (``pytest -rs`` lists the exclusions), so nothing is skipped
silently.
"""

from __future__ import annotations

import os
import sys
from typing import Literal, NamedTuple

import pytest

FAMILIES = ("pykmip", "cosmian")


def _family() -> str:
    value = os.environ.get("KMIPKIT_TEST_SERVER", "").strip() or "pykmip"
    if value not in FAMILIES:
        raise RuntimeError(f"KMIPKIT_TEST_SERVER={value!r} names no server family the live tests know: "
                           "use pykmip (the default) or cosmian")
    return value


FAMILY = _family()


class Difference(NamedTuple):
    """``test`` against ``server`` differs as ``kind`` because ``reason`` (measured)."""

    server: str
    kind: Literal["differs", "excluded"]
    reason: str


# test function name -> its differences (measured against Cosmian KMS 5.28.0).
DIFFERENCES: dict[str, list[Difference]] = {}


def difference(test: str) -> Difference | None:
    """The row for ``test`` against the family under test, printed when there is one."""
    for row in DIFFERENCES.get(test, []):
        if row.server == FAMILY:
            print(f"{test} against {FAMILY}: {row.kind}: {row.reason}", file=sys.stderr)
            return row
    return None


def differs(test: str) -> bool:
    """True when the family under test answers ``test`` differently: assert its answer."""
    row = difference(test)
    return row is not None and row.kind == "differs"


def excluded(test: str) -> None:
    """Skips ``test``, with the table's reason, when it is excluded for the family under test."""
    row = difference(test)
    if row is not None and row.kind == "excluded":
        pytest.skip(f"excluded for {FAMILY} (server_differences.py): {row.reason}")
