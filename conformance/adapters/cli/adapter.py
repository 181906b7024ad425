"""The conformance adapter of the `kmipkit` command line (conformance/adapters/README.md).

    adapter.py --check
    adapter.py --env ENV.json --phase main|seal|open --out RESULTS.json [--scenario GLOB]...

Runs the scenarios through the binary ($KMIPKIT_BIN), one command per action (actions.py,
invoked by command.py), with pyrunner's step runner. Standard library only."""
from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Optional

# The shared step runner lives beside the adapters (../pyrunner), one folder up from here.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from actions import ACTIONS, UNSUPPORTED  # noqa: E402
from command import Cli, binary  # noqa: E402
from pyrunner.runner import Adapter, main  # noqa: E402

LANGUAGE = "cli"


def check() -> Optional[str]:
    path = binary()
    if not path or not os.access(path, os.X_OK):
        return f"cli: no kmipkit binary at {path!r} (KMIPKIT_BIN); build it: cargo build -p kmipkit-cli"
    return None


if __name__ == "__main__":
    # A failed command raises pyrunner's ApiError itself (command.error_of): no translation.
    sys.exit(main(Adapter(LANGUAGE, check, Cli, ACTIONS, unsupported=UNSUPPORTED)))
