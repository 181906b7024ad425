"""The key servers of a conformance run, started with the harness of their family
(conformance/pykmip, conformance/cosmian)."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
# The harness of each key server family: the same commands and the same `--json` keys.
HARNESSES = {
    "pykmip": HERE / "pykmip" / "kmip-test-server",
    "cosmian": HERE / "cosmian" / "kms-test-server",
}


class Servers:
    """Starts named key servers of one family and stops them (by the harness, which stops its
    own PID)."""

    def __init__(self, root: Path, family: str) -> None:
        self.root = root
        self.harness = HARNESSES[family]
        self.started: dict[str, dict[str, Any]] = {}

    def start(self, name: str, server_cert: str = "good") -> dict[str, Any]:
        directory = self.root / name
        out = subprocess.run(
            [sys.executable, str(self.harness), "start", "--dir", str(directory), "--port", "0",
             "--json", "--server-cert", server_cert],
            check=False, stdout=subprocess.PIPE, text=True,
        )
        if out.returncode != 0:
            raise RuntimeError(f"could not start the key server {name!r} (see the harness output above)")
        info: dict[str, Any] = json.loads(out.stdout)
        self.started[name] = info
        return info

    def stop_all(self) -> None:
        for name in list(self.started):
            subprocess.run([sys.executable, str(self.harness), "stop", "--dir", str(self.root / name)],
                           check=False, stdout=subprocess.DEVNULL)
            del self.started[name]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released: a server that is down)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port
