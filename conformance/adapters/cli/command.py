"""How the CLI adapter invokes the binary: `kmipkit --config <client's toml> --json --quiet ...`,
its JSON document read back, and its `--json` error read as (kind, reason, message)."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
from pathlib import Path
from typing import Dict, List, Tuple

from pyrunner.details import clip
from pyrunner.errors import ApiError, StepError
from pyrunner.runner import Variant
from pyrunner.values import JSON

COMMAND_TIMEOUT = 180  # seconds; the configurations' failover deadline is a few seconds
Document = Dict[str, JSON]


def binary() -> str:
    """The kmipkit binary under test: $KMIPKIT_BIN (the `run` wrapper sets it)."""
    return os.environ.get("KMIPKIT_BIN", "")


class Cli:
    """Runs kmipkit commands for the steps of one scenario variant. Each command is its own
    process: nothing (no connection, no key cache) outlives one step, so closing has nothing
    to do; scratch files are removed by the step that made them."""

    def __init__(self, variant: Variant) -> None:
        self.binary = binary()
        self.work = Path(variant.work)
        self._names = itertools.count()

    def close(self) -> None:
        pass

    def temp(self, suffix: str) -> Path:
        path = self.work / "tmp" / f"{os.getpid()}-{next(self._names)}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def exec(self, config: str, args: List[str], stdin: bytes = b"") -> "subprocess.CompletedProcess[bytes]":
        command = [self.binary, "--config", config, "--json", "--quiet", *args]
        try:
            return subprocess.run(command, input=stdin, capture_output=True, cwd=self.work,
                                  timeout=COMMAND_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise StepError(f"`kmipkit {' '.join(args[:3])}` did not finish in {COMMAND_TIMEOUT} s") from None

    def run(self, config: str, args: List[str], stdin: bytes = b"", data_out: bool = False) -> Tuple[Document, bytes]:
        """Runs a command; returns its JSON document and, with `data_out`, its stdout (the data;
        the document is then on stderr). A failed command raises its ApiError."""
        done = self.exec(config, args, stdin)
        if done.returncode != 0:
            raise error_of(done)
        text = done.stderr if data_out else done.stdout
        try:
            document = json.loads(text) if text.strip() else {}
        except ValueError:
            raise StepError(f"kmipkit {args[0]}: not a JSON document: {clip(text.decode(errors='replace'))}") from None
        return document, done.stdout if data_out else b""

    def through_file(self, config: str, args: List[str], ciphertext: bytes) -> Tuple[Document, bytes]:
        """Runs a command that rewrites a ciphertext file in place (`rotate`)."""
        path = self.temp(".kmk")
        path.write_bytes(ciphertext)
        try:
            document, _ = self.run(config, [*args, str(path)])
            return document, path.read_bytes()
        finally:
            path.unlink(missing_ok=True)

    def crypt(self, config: str, args: List[str], data: bytes, stream: bool) -> bytes:
        """`encrypt`/`decrypt`: stdin to stdout, or with `stream` a file to a file."""
        if not stream:
            return self.run(config, [*args, "-"], stdin=data, data_out=True)[1]
        source, target = self.temp(".in"), self.temp(".out")
        source.write_bytes(data)
        try:
            self.run(config, [*args, "-o", str(target), str(source)])
            return target.read_bytes()
        finally:
            source.unlink(missing_ok=True)
            target.unlink(missing_ok=True)


def error_of(done: "subprocess.CompletedProcess[bytes]") -> ApiError:
    """The `{"error": {"kind", "reason", "message", ...}}` document a failed command prints last
    on stderr."""
    stderr = done.stderr.decode(errors="replace")
    for line in reversed(stderr.splitlines()):
        try:
            error = json.loads(line).get("error") if line.startswith("{") else None
        except ValueError:
            error = None
        if isinstance(error, dict):
            return api_error_of(error)
    return ApiError(None, None, f"exit {done.returncode} with no JSON error: {clip(stderr, 300)}")


def api_error_of(error: Document) -> ApiError:
    """One `--json` error object (also the `error` of a `servers check` report)."""
    kind, reason = error.get("kind"), error.get("reason")
    return ApiError(str(kind) if kind else None, str(reason) if reason else None, str(error.get("message")))
