"""kmipkit's conformance adapter for C (conformance/adapters/README.md): the scenarios run
through the public C API (kmipkit.h) by adapter.c, a program that executes one action per
request line; this driver is pyrunner's step runner talking to one adapter process per scenario
variant over the line protocol of protocol.py.

    adapter.py --check
    adapter.py --env ENV.json --phase main|seal|open --out RESULTS.json [--scenario GLOB]...
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

# The shared step runner lives beside the adapters (../pyrunner), one folder up from here.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions import ACTIONS, UNSUPPORTED  # noqa: E402
from pyrunner.runner import Adapter, main  # noqa: E402
from session import Session, binary  # noqa: E402

# Another language whose program speaks this line protocol reuses this driver (../node/run, ../wasm/run).
LANGUAGE = os.environ.get("KMIPKIT_ADAPTER_LANGUAGE", "c")


def check() -> Optional[str]:
    path = binary()
    if not path or not os.access(path, os.X_OK):
        return (f"{LANGUAGE}: no adapter program at {path!r} (KMIPKIT_ADAPTER_PROGRAM, KMIPKIT_C_ADAPTER): "
                f"`conformance/adapters/{LANGUAGE}/run` sets it")
    return None


if __name__ == "__main__":
    # A failed action replies `err`, which protocol.decode raises as pyrunner's ApiError itself.
    sys.exit(main(Adapter(LANGUAGE, check, Session, ACTIONS, unsupported=UNSUPPORTED)))
