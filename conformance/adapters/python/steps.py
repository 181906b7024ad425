"""The step runner's values and state: `{{...}}` templates, `$var` references, bytes and context
arguments, result patterns, and safe rendering of results for failure details
(conformance/scenarios/README.md)."""

from __future__ import annotations

import hashlib
import json
import os
import re
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple, Union

import kmipkit

JSON = Any
"""A JSON value (the scenarios and the results are plain JSON)."""


class Hex(str):
    """Bytes in a result: lowercase hex text that remembers it stands for bytes, so that
    `{"$len": N}` counts bytes and a bare `$var` used as a bytes argument gives the bytes."""

    @classmethod
    def of(cls, data: bytes) -> "Hex":
        return cls(bytes(data).hex())


class StepError(Exception):
    """A step that cannot be run as written (a missing variable, a malformed argument)."""


# --- templates and variables ---------------------------------------------------------------

_TEMPLATE = re.compile(r"\{\{([a-z_]+)\}\}")
_VAR = re.compile(r"^\$([A-Za-z_][A-Za-z0-9_]*)((?:\.[A-Za-z0-9_]+)*)$")


def fill_templates(value: JSON, templates: Mapping[str, str]) -> JSON:
    """`{{x}}` replaced inside every string of `value` (keys stay as written)."""
    if isinstance(value, str):
        def one(m: "re.Match[str]") -> str:
            if m.group(1) not in templates:
                raise StepError(f"unknown template {m.group(0)}")
            return templates[m.group(1)]
        return _TEMPLATE.sub(one, value)
    if isinstance(value, list):
        return [fill_templates(v, templates) for v in value]
    if isinstance(value, dict):
        return {k: fill_templates(v, templates) for k, v in value.items()}
    return value


def lookup(text: str, variables: Mapping[str, JSON]) -> Tuple[bool, JSON]:
    """`(True, value)` when `text` is exactly `$var` or `$var.field...`; `(False, None)` when it
    is not a reference. A reference to something missing raises StepError."""
    m = _VAR.match(text)
    if not m:
        return False, None
    name = m.group(1)
    if name not in variables:
        raise StepError(f"no saved variable ${name}")
    value = variables[name]
    for field in m.group(2).split(".")[1:]:
        if isinstance(value, dict) and field in value:
            value = value[field]
        elif isinstance(value, list) and field.isdigit() and int(field) < len(value):
            value = value[int(field)]
        else:
            raise StepError(f"{text}: no field {field!r}")
    return True, value


def resolve(value: JSON, variables: Mapping[str, JSON]) -> JSON:
    """Every string that is exactly a `$var` reference replaced by the saved value."""
    if isinstance(value, str):
        found, saved = lookup(value, variables)
        return saved if found else value
    if isinstance(value, list):
        return [resolve(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, variables) for k, v in value.items()}
    return value


# --- bytes and context arguments -----------------------------------------------------------

_BYTES_FORMS = ({"hex"}, {"fill", "len"}, {"var"}, {"flip", "at"}, {"truncate", "to"}, {"concat"}, {"repeat", "times"})


def to_text(value: JSON) -> str:
    """A text argument: a string, or `{"repeat": TEXT, "times": N}` (long names)."""
    if isinstance(value, dict) and set(value) == {"repeat", "times"}:
        return to_text(value["repeat"]) * int(value["times"])
    if isinstance(value, (dict, list)):
        raise StepError(f"not a text argument: {short(value)}")
    return str(value)


def is_bytes_form(value: JSON) -> bool:
    return isinstance(value, str) or (isinstance(value, dict) and set(value) in _BYTES_FORMS)


def to_bytes(value: JSON) -> bytes:
    """A bytes argument (already resolved): a string (its UTF-8 bytes; a saved bytes value
    stays those bytes), `hex`, `fill`/`len`, `var`, `flip`/`at`, `truncate`/`to`, `concat`."""
    if isinstance(value, Hex):
        return bytes.fromhex(value)
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"hex"}:
            return bytes.fromhex(str(value["hex"]))
        if keys == {"fill", "len"}:
            return bytes([int(value["fill"])]) * int(value["len"])
        if keys == {"var"}:
            if not isinstance(value["var"], str) or value["var"].startswith("$"):
                raise StepError(f"var: not a saved bytes value: {short(value['var'])}")
            return bytes.fromhex(value["var"])
        if keys == {"flip", "at"}:
            data = bytearray(to_bytes(value["flip"]))
            at = int(value["at"])
            if not -len(data) <= at < len(data):
                raise StepError(f"flip: byte {at} is outside {len(data)} bytes")
            data[at] ^= 1
            return bytes(data)
        if keys == {"truncate", "to"}:
            return to_bytes(value["truncate"])[: int(value["to"])]
        if keys == {"repeat", "times"}:
            return to_bytes(value["repeat"]) * int(value["times"])
        if keys == {"concat"} and isinstance(value["concat"], list):
            return b"".join(to_bytes(v) for v in value["concat"])
    raise StepError(f"not a bytes argument: {short(value)}")


def to_context(value: JSON) -> Union[bytes, Dict[str, str]]:
    """A context argument: absent = empty, a bytes form = raw bytes, another object = key-value
    pairs (encoded by the package's canonical encoding)."""
    if value is None:
        return b""
    if is_bytes_form(value):
        return to_bytes(value)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k): v for k, v in value.items()}
    raise StepError(f"not a context: {short(value)}")


# --- patterns ------------------------------------------------------------------------------

SPECIAL = ("$contains", "$not", "$len", "$min", "$file_hex", "$bytes", "$any")


class Matcher:
    """Matches a result against an expectation pattern; `vectors` is conformance/vectors."""

    def __init__(self, variables: Mapping[str, JSON], result: JSON, vectors: str,
                 secret: Callable[[str], bool]) -> None:
        self.variables = variables
        self.result = result
        self.vectors = vectors
        self.secret = secret

    def mismatch(self, pattern: JSON, value: JSON, path: str = "") -> Optional[str]:
        """None when `value` matches `pattern`, else where and how it differs."""
        if isinstance(pattern, str):
            found, saved = self._ref(pattern)
            if found:
                pattern = saved
        if isinstance(pattern, dict) and len(pattern) == 1 and next(iter(pattern)) in SPECIAL:
            return self._special(next(iter(pattern)), next(iter(pattern.values())), value, path)
        here = path or "result"
        if isinstance(pattern, dict):
            if not isinstance(value, dict):
                return f"{here}: expected an object, got {self.show(value, path)}"
            for key, sub in pattern.items():
                if key not in value:
                    return f"{here}: no key {key!r}"
                found_err = self.mismatch(sub, value[key], f"{path}.{key}" if path else key)
                if found_err:
                    return found_err
            return None
        if isinstance(pattern, list):
            if not isinstance(value, list) or len(value) != len(pattern):
                return f"{here}: expected a list of {len(pattern)}, got {self.show(value, path)}"
            for i, (p, v) in enumerate(zip(pattern, value)):
                found_err = self.mismatch(p, v, f"{path}[{i}]")
                if found_err:
                    return found_err
            return None
        if _scalar_equal(pattern, value):
            return None
        return f"{here}: expected {short(pattern)}, got {self.show(value, path)}"

    def _ref(self, text: str) -> Tuple[bool, JSON]:
        if text == "$result" or text.startswith("$result."):
            return lookup(text, {"result": self.result})
        return lookup(text, self.variables)

    def _special(self, op: str, arg: JSON, value: JSON, path: str) -> Optional[str]:
        here = path or "result"
        got = self.show(value, path)
        if isinstance(arg, str) and op not in ("$file_hex",):
            found, saved = self._ref(arg)
            arg = saved if found else arg
        if op == "$any":
            return None
        if op == "$not":
            return None if self.mismatch(arg, value, path) else f"{here}: expected not {short(arg)}, got {got}"
        if op == "$contains":
            if isinstance(value, list):
                if any(self.mismatch(arg, v, path) is None for v in value):
                    return None
            elif isinstance(value, str) and isinstance(arg, str) and arg in value:
                return None
            return f"{here}: expected to contain {short(arg)}, got {got}"
        if op == "$len":
            if isinstance(value, Hex):
                n = len(value) // 2
            elif isinstance(value, (list, str)):
                n = len(value)
            else:
                return f"{here}: expected a length of {arg}, got {got}"
            return None if _scalar_equal(arg, n) else f"{here}: expected length {arg}, got length {n}"
        if op == "$min":
            ok = _number(value) and _number(arg) and value >= arg
            return None if ok else f"{here}: expected at least {short(arg)}, got {got}"
        if op == "$file_hex":
            with open(os.path.join(self.vectors, str(arg)), "r", encoding="ascii") as f:
                want = "".join(f.read().split()).lower()
            return None if value == want else f"{here}: differs from {arg} (got {got})"
        if op == "$bytes":
            # Compared as SHA-256 digests so a mismatch shows no bytes, only their length and digest.
            expected = to_bytes(arg)
            if isinstance(value, str) and value == expected.hex():
                return None
            digest = hashlib.sha256(expected).hexdigest()[:16]
            return f"{here}: expected {len(expected)} bytes (sha256 {digest}...), got {got}{_digest(value)}"
        raise StepError(f"unknown pattern {op}")

    def show(self, value: JSON, path: str) -> str:
        """`value` for a failure detail: secret fields only by length, long values cut."""
        return render(value, self.secret, path)


def _digest(value: JSON) -> str:
    if isinstance(value, Hex):
        return f" (sha256 {hashlib.sha256(bytes.fromhex(value)).hexdigest()[:16]}...)"
    return ""


def _number(v: JSON) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _scalar_equal(pattern: JSON, value: JSON) -> bool:
    if _number(pattern) and _number(value):
        return bool(pattern == value)
    if isinstance(pattern, bool) or isinstance(value, bool):
        return pattern is value
    if isinstance(pattern, str) and isinstance(value, str):
        return str(pattern) == str(value)
    return pattern is None and value is None


def short(value: JSON, limit: int = 64) -> str:
    text = json.dumps(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render(value: JSON, secret: Callable[[str], bool], path: str = "") -> str:
    """JSON text of a result for people: fields that `secret(path)` flags show as
    `<N bytes>`, each value cut to about 64 characters, the whole to 400."""
    def clean(v: JSON, p: str) -> JSON:
        if secret(p):
            return f"<{len(v) // 2 if isinstance(v, Hex) else len(v) if isinstance(v, (str, list)) else '?'} bytes>"
        if isinstance(v, dict):
            return {k: clean(x, f"{p}.{k}" if p else k) for k, x in v.items()}
        if isinstance(v, list):
            return [clean(x, f"{p}[{i}]") for i, x in enumerate(v)]
        if isinstance(v, str) and len(v) > 64:
            return v[:61] + "..."
        return v
    text = json.dumps(clean(value, path))
    return text if len(text) <= 400 else text[:397] + "..."


def secret_paths(names: List[str]) -> Callable[[str], bool]:
    """A `secret` predicate: a path whose first field is one of `names` is secret."""
    def secret(path: str) -> bool:
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        return head in names
    return secret


# --- a scenario's state and a step's arguments ----------------------------------------------

class Scenario:
    """What one scenario run shares between its steps: its clients (connected on first use,
    closed at the end), its key cache and its scratch directory."""

    def __init__(self, configs: Mapping[str, str], pin: Optional[str], work: str, vectors: str) -> None:
        self.configs = configs
        self.pin = pin
        self.work = work
        self.vectors = vectors
        self.clients: Dict[str, kmipkit.Client] = {}
        self.cache: Optional[kmipkit.KeyCache] = None
        self.files = 0

    def client(self, name: str) -> kmipkit.Client:
        key = f"{name}@{self.pin}" if self.pin else name
        if key not in self.clients:
            if key not in self.configs:
                raise StepError(f"the environment has no configuration {key!r}")
            self.clients[key] = kmipkit.Client(kmipkit.Config.load(self.configs[key]))
        return self.clients[key]

    def key_cache(self) -> kmipkit.KeyCache:
        if self.cache is None:
            self.cache = kmipkit.KeyCache()
        return self.cache

    def scratch(self, what: str) -> str:
        self.files += 1
        os.makedirs(self.work, exist_ok=True)
        return os.path.join(self.work, f"stream-{os.getpid()}-{self.files}.{what}")

    def close(self) -> None:
        for c in self.clients.values():
            c.close()
        self.clients.clear()


class Args:
    """A step's resolved arguments, read with the documented defaults."""

    def __init__(self, s: Scenario, values: Mapping[str, JSON], client: str) -> None:
        self.s = s
        self.values = values
        self.client_name = client

    def client(self) -> kmipkit.Client:
        return self.s.client(self.client_name)

    def has(self, name: str) -> bool:
        return self.values.get(name) is not None

    def get(self, name: str, default: JSON = None) -> JSON:
        value = self.values.get(name)
        return default if value is None else value

    def need(self, name: str) -> JSON:
        if not self.has(name):
            raise StepError(f"missing argument {name!r}")
        return self.values[name]

    def text(self, name: str, default: Optional[str] = None) -> str:
        value = self.get(name, default)
        if value is None:
            raise StepError(f"missing argument {name!r}")
        return to_text(value)

    def opt_text(self, name: str) -> Optional[str]:
        return self.text(name) if self.has(name) else None

    def integer(self, name: str, default: Optional[int] = None) -> int:
        value = self.get(name, default)
        if value is None:
            raise StepError(f"missing argument {name!r}")
        return int(value)

    def opt_int(self, name: str) -> Optional[int]:
        return int(self.values[name]) if self.has(name) else None

    def data(self, name: str) -> bytes:
        return to_bytes(self.need(name))

    def opt_bytes(self, name: str) -> Optional[bytes]:
        return to_bytes(self.values[name]) if self.has(name) else None

    def context(self) -> Union[bytes, Dict[str, str]]:
        return to_context(self.values.get("context"))

    def flag(self, name: str) -> bool:
        return bool(self.get(name, False))

    def cache(self) -> Optional[kmipkit.KeyCache]:
        return self.s.key_cache() if self.flag("cache") else None
