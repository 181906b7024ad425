"""kmipkit's conformance adapter for Python: the scenarios of conformance/scenarios through the
public `kmipkit` package (conformance/adapters/README.md). pyrunner runs the steps; this adapter
adds its actions (kmip_actions.py, envelope_actions.py), its clients (session.py) and how
`kmipkit` errors read as (kind, reason, message).

    adapter.py --check
    adapter.py --env ENV.json --phase main|seal|open --out RESULTS.json [--scenario GLOB]...
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

# The shared step runner lives beside the adapters (../pyrunner), one folder up from here.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pyrunner.errors import ApiError  # noqa: E402
from pyrunner.runner import Adapter, main  # noqa: E402

if TYPE_CHECKING:
    from session import Session

LANGUAGE = "python"


def check() -> Optional[str]:
    try:
        import kmipkit  # noqa: F401
    except ImportError as e:
        return (f"python: cannot import kmipkit with {sys.executable} ({e}); build it with "
                "`python3 -m venv target/python-venv && target/python-venv/bin/pip install ./python`")
    return None


def api_error(e: Exception) -> Optional[ApiError]:
    """A `kmipkit.KmipError` as (kind, reason, message); any other exception is not the API's."""
    import kmipkit
    if not isinstance(e, kmipkit.KmipError):
        return None
    reason = e.result_reason if isinstance(e, kmipkit.ServerError) else None
    return ApiError(e.kind, reason, str(e))


def adapter() -> Adapter[Session]:
    """The actions import kmipkit: imported only once check() has found it."""
    from envelope_actions import ENVELOPE_ACTIONS
    from kmip_actions import KMIP_ACTIONS
    from session import Session

    return Adapter(LANGUAGE, check, Session, {**KMIP_ACTIONS, **ENVELOPE_ACTIONS}, api_error=api_error)


if __name__ == "__main__":
    missing = check()
    if missing is not None:  # before adapter(), which cannot import without kmipkit
        print(missing)
        sys.exit(1)
    sys.exit(main(adapter()))
