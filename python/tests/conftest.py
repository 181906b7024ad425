"""Fixtures: live key servers started by the project's harnesses, and configurations.

``KMIPKIT_TEST_SERVER`` chooses the server family: ``pykmip`` (PyKMIP 0.11, the default) or
``cosmian`` (Cosmian KMS 5.28). Each server is started with ``conformance/pykmip/kmip-test-server``
or ``conformance/cosmian/kms-test-server`` ``start --port 0 --json`` in its own directory and
stopped through the harness (by the PID it started) when the test session or test ends. Where
the servers answer differently, the tests consult the one table of differences,
``server_differences.py``. The last pytest line is repeated as ``test result: ... N passed; N failed`` so that
``scripts/test.sh`` counts it with the Rust tests.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

import pytest

import kmipkit

from server_differences import FAMILY

REPO = Path(__file__).resolve().parents[2]
HARNESSES = {
    "pykmip": REPO / "conformance" / "pykmip" / "kmip-test-server",
    "cosmian": REPO / "conformance" / "cosmian" / "kms-test-server",
}
HARNESS = HARNESSES[FAMILY]


class TestServer:
    """A running key server of the chosen family (``FAMILY``) on 127.0.0.1."""

    __test__ = False

    def __init__(self, directory: Path, server_cert: str = "good", family: Optional[str] = None) -> None:
        """Starts a server of ``family`` (default: the one ``KMIPKIT_TEST_SERVER`` chooses). A
        family asked for explicitly that this machine cannot build skips the test, with the
        harness's reason; the chosen family ends the session instead."""
        self.dir = directory
        self.family = family or FAMILY
        harness = HARNESSES[self.family]
        self.harness = harness
        out = subprocess.run(
            [str(harness), "start", "--dir", str(directory), "--port", "0", "--json", "--server-cert", server_cert],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        if out.returncode == 3:
            why = f"{harness} start: this machine cannot build the {self.family} server: {out.stderr.strip()}"
            if family is not None:
                pytest.skip(why)
            pytest.exit(f"{why}; run the tests against PyKMIP (unset KMIPKIT_TEST_SERVER)", returncode=1)
        if out.returncode != 0:
            raise AssertionError(f"{harness} start failed ({out.returncode}): {out.stderr}")
        self.info: dict[str, Any] = json.loads(out.stdout)
        self.running = True

    @property
    def port(self) -> int:
        return int(self.info["port"])

    def path(self, key: str) -> str:
        return str(self.info[key])

    def server(self, name: Optional[str] = None, cert: str = "client_cert", key: str = "client_key",
               ca: str = "ca", port: Optional[int] = None) -> kmipkit.Server:
        return kmipkit.Server(
            "127.0.0.1",
            port=self.port if port is None else port,
            ca=self.path(ca),
            client_cert=self.path(cert),
            client_key=self.path(key),
            name=name,
        )

    def config(self, **kwargs: Any) -> kmipkit.Config:
        kwargs.setdefault("timeouts", {"connect": 5, "request": 20, "deadline": 30})
        return kmipkit.Config(servers=[self.server()], **kwargs)

    def kill(self) -> None:
        """Kills the server at once (SIGKILL to its process group), as a crash would; waits
        until it is gone and its port closed, then lets the harness clean up its pid file."""
        if not self.running:
            return
        pid = int(self.info["pid"])
        os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            gone = not Path(f"/proc/{pid}").exists() or "State:\tZ" in Path(f"/proc/{pid}/status").read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                listening = True
            except OSError:
                listening = False
            if gone and not listening:
                break
            time.sleep(0.02)
        else:
            raise AssertionError(f"PID {pid} survived SIGKILL")
        self.stop()

    def stop(self) -> None:
        if self.running:
            self.running = False
            subprocess.run([str(self.harness), "stop", "--dir", str(self.dir)], check=True,
                           stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="session")
def workdir() -> Iterator[Path]:
    d = Path(tempfile.mkdtemp(prefix="kmipkit-pytest-"))
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="session")
def start_server(workdir: Path) -> Iterator[Callable[..., TestServer]]:
    """Starts servers on demand; every one is stopped at the end of the session."""
    started: list[TestServer] = []
    count = [0]

    def start(server_cert: str = "good", family: Optional[str] = None) -> TestServer:
        count[0] += 1
        s = TestServer(workdir / f"server-{count[0]}", server_cert, family)
        started.append(s)
        return s

    yield start
    for s in started:
        s.stop()


@pytest.fixture(scope="session")
def server(start_server: Callable[..., TestServer]) -> TestServer:
    """One server shared by the tests that do not stop it."""
    return start_server()


@pytest.fixture(scope="session")
def client(server: TestServer) -> Iterator[kmipkit.Client]:
    with kmipkit.Client(server.config()) as c:
        yield c


@pytest.fixture
def unique(request: pytest.FixtureRequest) -> str:
    """A name no other test uses (names are global on the shared server)."""
    return f"{request.node.name}-{os.getpid()}-{os.urandom(3).hex()}"


def pytest_terminal_summary(terminalreporter: Any) -> None:
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    terminalreporter.write_line(f"test result: {'ok' if failed == 0 else 'FAILED'}. {passed} passed; {failed} failed (pytest)")
