"""Logging and audit.

The tamper-evident log and the CSV audit trail are configured in the ``[log]`` and ``[audit]``
tables of ``kmipkit.toml`` (or ``Config(log=..., audit=...)``); a client starts them when it
connects, and every operation (success or failure) becomes one log line and one audit row —
never a key, password, plaintext or ciphertext. :func:`verify_log` checks a log's hash chain.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Union

from . import _native

__all__ = ["LogReport", "verify_log"]


@dataclass(frozen=True)
class LogReport:
    """What :func:`verify_log` found."""

    intact: bool
    """No line deleted, inserted, altered or reordered."""
    lines: int
    first_serial: Optional[int]
    last_serial: Optional[int]
    findings: list[str]
    """Each problem in plain words, with file, line and serial."""


def verify_log(*paths: Union[str, "os.PathLike[str]"]) -> LogReport:
    """Verifies a log and its rotated files (in any order)."""
    d = _native.verify_log([os.fspath(p) for p in paths])
    return LogReport(bool(d["intact"]), int(d["lines"]), d["first_serial"], d["last_serial"], list(d["findings"]))
