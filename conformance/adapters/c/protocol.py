"""The line protocol between the driver and the adapter process (protocol.md): one request
line per action, one reply line per request, over the process's stdin and stdout.

    request:  ACTION key=HEX key=HEX ...        (HEX: the value's bytes; a repeated key is a list)
    reply:    ok name=Tvalue ...                 (T: s text, b bytes, i integer, t/f bool, j JSON;
                                                 a name ending in [] is a list item)
              err RESULT REASON HEXMESSAGE       (kmipkit_result_name, KMIP Result Reason number or name)
              bad HEXMESSAGE                     (the adapter could not run the request)
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple, Union

from pyrunner.errors import ApiError, StepError
from pyrunner.values import JSON

REPLY_TIMEOUT = 180  # seconds; the configurations' failover deadline is a few seconds

Value = Union[str, bytes, int, bool, None]
Request = Sequence[Tuple[str, Value]]

ERROR_KINDS = frozenset({
    "Decode", "LimitExceeded", "Syntax", "Model", "Encode", "Connect", "Tls", "Certificate",
    "Authentication", "Timeout", "ConnectionLost", "AllServersFailed", "Server", "Protocol",
    "Config", "Integrity", "Format", "Log"})
"""The core's ErrorKind names: a kmipkit_result of that name is that kind of error. The binding's
own results (NullArgument, InvalidArgument, Panic...) are no ErrorKind: they show as no kind."""


def reason_names(spec: Path) -> Dict[int, str]:
    """The KMIP Result Reasons by number, from the repository's KMIP table (core/spec/kmip.spec,
    `enum ResultReason`): kmipkit_last_error_reason gives the number."""
    names: Dict[int, str] = {}
    inside = False
    for line in spec.read_text(encoding="utf-8").splitlines():
        if line.startswith("enum "):
            inside = line.split()[1] == "ResultReason"
        elif inside and line.startswith(" ") and line.strip():
            name, number = line.split()[:2]
            names[int(number, 16)] = name
        elif inside and line.strip():
            inside = False
    return names


def encode(action: str, args: Request) -> str:
    """One request line; None values are left out (absent arguments)."""
    parts = [action]
    for key, value in args:
        if value is None:
            continue
        if isinstance(value, bool):
            data = b"1" if value else b"0"
        elif isinstance(value, int):
            data = str(value).encode()
        elif isinstance(value, str):
            data = value.encode("utf-8")
        else:
            data = value
        parts.append(f"{key}={data.hex()}")
    return " ".join(parts) + "\n"


def decode(line: str, reasons: Mapping[int, str]) -> Dict[str, JSON]:
    """A reply line as a result (bytes as lowercase hex, lists for `name[]` fields); an `err`
    reply raises ApiError, a `bad` one StepError."""
    words = line.split(" ")
    if words[0] == "err" and len(words) == 4:
        # The reason: its number (C: kmipkit_last_error_reason) or its name (Node: error.reason).
        result, reason = words[1], int(words[2]) if words[2].isdigit() else words[2]
        message = bytes.fromhex(words[3]).decode("utf-8", errors="replace")
        kind = result if result in ERROR_KINDS else None
        if kind is None:
            message = f"[{result}] {message}"
        if isinstance(reason, str):
            raise ApiError(kind, reason, message)
        raise ApiError(kind, reasons.get(reason, str(reason)) if reason else None, message)
    if words[0] == "bad" and len(words) == 2:
        raise StepError("adapter: " + bytes.fromhex(words[1]).decode("utf-8", errors="replace"))
    if words[0] != "ok":
        raise StepError(f"adapter: unreadable reply {line[:80]!r}")
    out: Dict[str, JSON] = {}
    for word in words[1:]:
        m = re.fullmatch(r"([a-z_]+)(\[\])?=([sbitfj])([0-9a-f]*)", word)
        if not m:
            raise StepError(f"adapter: unreadable reply field {word[:80]!r}")
        name, is_list, kind, text = m.groups()
        value = _value(kind, text)
        if is_list:
            items = out.setdefault(name, [])
            assert isinstance(items, list)
            items.append(value)
        else:
            out[name] = value
    return out


def _value(kind: str, text: str) -> JSON:
    if kind == "i":
        return int(text)
    if kind in "tf":
        return kind == "t"
    if kind == "b":
        return text
    decoded = bytes.fromhex(text).decode("utf-8")
    return json.loads(decoded) if kind == "j" else decoded


class Process:
    """One C adapter process: requests in, replies out, one at a time. A request that gets no
    reply within REPLY_TIMEOUT kills the process (the step fails; the next variant starts a new
    one)."""

    def __init__(self, binary: str, reasons: Mapping[int, str]) -> None:
        self.reasons = reasons
        self.proc = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, encoding="ascii", bufsize=1)

    def call(self, action: str, args: Request) -> Dict[str, JSON]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        if self.proc.poll() is not None:
            raise StepError(f"the adapter process has exited ({self.proc.returncode})")
        timer = threading.Timer(REPLY_TIMEOUT, self.proc.kill)
        timer.start()
        try:
            self.proc.stdin.write(encode(action, args))
            self.proc.stdin.flush()
            line = self.proc.stdout.readline()
        except (BrokenPipeError, OSError) as e:
            raise StepError(f"the adapter process is gone: {e}") from None
        finally:
            timer.cancel()
        if not line.endswith("\n"):
            code = self.proc.wait()
            raise StepError(f"the adapter process ended without a reply to {action} (exit {code})")
        return decode(line.rstrip("\n"), self.reasons)

    def close(self) -> None:
        """End of input: the process frees its clients and exits."""
        if self.proc.stdin is not None:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def texts(values: Optional[List[str]], key: str) -> List[Tuple[str, Value]]:
    """A list argument: one `key=` pair per item."""
    return [(key, v) for v in values or []]
