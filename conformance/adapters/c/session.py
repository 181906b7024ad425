"""One scenario variant of the C adapter: its own adapter process (clients, key cache), started
for the variant and ended with it, so that a crash in one scenario never touches another."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict

from protocol import Process, reason_names
from pyrunner.runner import Variant

ROOT = Path(__file__).resolve().parents[3]
_REASONS: Dict[int, str] = {}


def binary() -> str:
    """The adapter program: $KMIPKIT_ADAPTER_PROGRAM (another language's program speaking the same
    line protocol, e.g. ../node/adapter.mjs), else the C program `run` built: $KMIPKIT_C_ADAPTER."""
    return os.environ.get("KMIPKIT_ADAPTER_PROGRAM") or os.environ.get("KMIPKIT_C_ADAPTER", "")


class Session:
    def __init__(self, variant: Variant) -> None:
        if not _REASONS:
            _REASONS.update(reason_names(ROOT / "core" / "spec" / "kmip.spec"))
        self.work = variant.work
        self.vectors = variant.vectors
        self.process = Process(binary(), _REASONS)

    def close(self) -> None:
        self.process.close()
