"""Patterns: does a step's result match what the step expects (conformance/scenarios/README.md,
*Expectations*)? The runner resolves variables, `$result` included, before matching."""

from __future__ import annotations

import os
from typing import FrozenSet, Optional

from .details import clip, conceal, is_hex, is_secret, show
from .errors import StepError
from .values import JSON, integer, to_bytes

BYTES_FIELDS = frozenset({"material", "data", "iv", "tag", "signature", "mac", "ciphertext",
                          "plaintext", "ttlv", "via_xml", "via_json"})
"""The result fields the action tables give as hex bytes (list items included): `$len` counts
their bytes, not their hex digits."""

OPERATORS = frozenset({"$contains", "$not", "$len", "$min", "$file_hex", "$bytes", "$any"})


def operator(pattern: JSON) -> Optional[str]:
    """The operator of a one-key `{"$op": ARG}` pattern, else None. Any other `$` key is a
    mistake in the scenario (a typo, or an operator no longer defined such as `$sha256`)."""
    if not isinstance(pattern, dict) or len(pattern) != 1:
        return None
    key = str(next(iter(pattern)))
    if not key.startswith("$"):
        return None
    if key not in OPERATORS:
        raise StepError(f"unknown pattern operator {key}")
    return key


class Matcher:
    """Matches results against patterns. `vectors` is conformance/vectors (for `$file_hex`);
    `secrets` the result fields of the action that details must conceal."""

    def __init__(self, vectors: str, secrets: FrozenSet[str]) -> None:
        self.vectors = vectors
        self.secrets = secrets

    def mismatch(self, pattern: JSON, value: JSON, path: str = "", field: str = "") -> Optional[str]:
        """None when `value` matches `pattern`, else where and how they differ. `path` is where
        `value` lies in the result (`attributes.State`, `ttlv[0]`), `field` its nearest key."""
        op = operator(pattern)
        if op is not None:
            return self._operator(op, pattern[op], value, path, field)
        here = path or "result"
        if isinstance(pattern, dict):
            if not isinstance(value, dict):
                return f"{here}: expected an object, got {self._show(value, path)}"
            for key, sub in pattern.items():
                at = f"{path}.{key}" if path else key
                if key not in value:
                    if operator(sub) == "$not":  # an absent value is not P, whatever P is
                        continue
                    return f"{at}: missing, expected {self._show(sub, at)}"
                why = self.mismatch(sub, value[key], at, key)
                if why:
                    return why
            return None
        if isinstance(pattern, list):
            if not isinstance(value, list) or len(value) != len(pattern):
                return f"{here}: expected a list of {len(pattern)}, got {self._show(value, path)}"
            for i, (sub, item) in enumerate(zip(pattern, value)):
                why = self.mismatch(sub, item, f"{path}[{i}]", field)
                if why:
                    return why
            return None
        if _equal(pattern, value):
            return None
        return f"{here}: expected {self._show(pattern, path)}, got {self._show(value, path)}"

    def _operator(self, op: str, arg: JSON, value: JSON, path: str, field: str) -> Optional[str]:
        here, got = path or "result", self._show(value, path)
        if op == "$any":
            return None  # present: a missing key never gets here
        if op == "$not":
            if self.mismatch(arg, value, path, field) is not None:
                return None
            return f"{here}: expected anything but {self._show(arg, path)}, got {got}"
        if op == "$contains":
            if isinstance(value, list):
                ok = any(self.mismatch(arg, item, path, field) is None for item in value)
            else:
                ok = isinstance(value, str) and isinstance(arg, str) and arg in value
            return None if ok else f"{here}: expected something containing {self._show(arg, path)}, got {got}"
        if op == "$len":
            want = integer(arg, "$len")
            if isinstance(value, str) and field in BYTES_FIELDS and is_hex(value):
                length = len(value) // 2
            elif isinstance(value, (str, list)):
                length = len(value)
            else:
                return f"{here}: expected something of length {want}, got {got}"
            return None if length == want else f"{here}: expected length {want}, got length {length}"
        if op == "$min":
            ok = _number(value) and _number(arg) and value >= arg
            return None if ok else f"{here}: expected at least {clip(arg)}, got {got}"
        if op == "$file_hex":
            hex_text = self._file_hex(arg)
            return None if value == hex_text else f"{here}: expected the hex of {arg}, got {got}"
        hex_text = to_bytes(arg).hex()  # $bytes
        return None if value == hex_text else f"{here}: expected {self._show_bytes(hex_text, path)}, got {got}"

    def _file_hex(self, name: JSON) -> str:
        """The hex text of a file of conformance/vectors: lowercase, without white space."""
        if not isinstance(name, str):
            raise StepError(f"$file_hex: expected a file name, got {clip(name)}")
        try:
            with open(os.path.join(self.vectors, name), "r", encoding="ascii") as f:
                return "".join(f.read().split()).lower()
        except (OSError, ValueError) as e:
            raise StepError(f"$file_hex: cannot read {name}: {e}") from None

    def _show(self, value: JSON, path: str) -> str:
        return show(value, is_secret(path, self.secrets))

    def _show_bytes(self, hex_text: str, path: str) -> str:
        if is_secret(path, self.secrets):
            return conceal(hex_text)
        return f"{len(hex_text) // 2} bytes {clip(hex_text)}"


def _number(value: JSON) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _equal(pattern: JSON, value: JSON) -> bool:
    """Scalars: numbers by value (1 matches 1.0), anything else only an equal value of its type."""
    if _number(pattern) and _number(value):
        return bool(pattern == value)
    return type(pattern) is type(value) and bool(pattern == value)
