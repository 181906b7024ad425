"""The data side of the step runner (conformance/scenarios/README.md): `{{...}}` templates,
`$var.field` variables, bytes and context arguments, patterns and error expectations."""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any, Mapping, Optional, Union

Json = Any

# Result fields that hold bytes as hex: `$len` counts their bytes, details never show them whole.
BYTES_FIELDS = {"material", "ciphertext", "plaintext", "data", "mac", "signature", "iv", "tag",
                "ttlv", "via_xml", "via_json"}
TEMPLATE = re.compile(r"\{\{([A-Za-z_]+)\}\}")
VARIABLE = re.compile(r"^\$[A-Za-z_][A-Za-z0-9_]*(\.[^.]+)*$")
SPECIALS = {"$contains", "$not", "$len", "$min", "$file_hex", "$bytes", "$sha256", "$any"}
# The one-key objects that are bytes arguments (an object of string pairs otherwise, for contexts).
BYTES_FORMS = ({"hex"}, {"fill", "len"}, {"var"}, {"flip", "at"}, {"truncate", "to"}, {"concat"})


class StepFailure(Exception):
    """The step's outcome did not match (or the step could not be run as written)."""


class Unsupported(StepFailure):
    """The CLI has no command for this action or argument."""

    def __init__(self, why: str) -> None:
        super().__init__(f"unsupported: {why}")


class ActionError(Exception):
    """A kmipkit command failed: its `--json` error document, read back."""

    def __init__(self, kind: Optional[str], message: str, exit_code: Optional[int] = None,
                 category: Optional[str] = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.exit_code = exit_code
        self.category = category

    def reason(self) -> Optional[str]:
        """The KMIP Result Reason of a server refusal. The JSON error has no field for it: it is
        read from the core's message, `key server refused <operation>: <Reason> (...)`."""
        m = re.search(r"key server refused [^:]*: ([A-Za-z][A-Za-z0-9]*)", self.message)
        return m.group(1) if m else None

    def describe(self) -> str:
        return (f"error {self.kind or '(no kind)'} (exit {self.exit_code}, {self.category}): "
                f"{short(self.message, 300)}")


def short(value: Json, limit: int = 64) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else text[:limit] + f"...({len(text)} chars)"


def secret(field: str, value: Json) -> str:
    """A bytes field for a failure detail: key material only by its length, other bytes
    (plaintexts, ciphertexts) cut to 32 hex characters."""
    if field == "material" and isinstance(value, str):
        return f"<{len(value) // 2} bytes of key material>"
    return short(value, 32)


def redacted(result: Json) -> str:
    """A result for a failure detail, byte fields shortened (`secret`)."""
    if isinstance(result, dict):
        shown = {k: secret(k, v) if k in BYTES_FIELDS and isinstance(v, str) else v for k, v in result.items()}
        return short(shown, 400)
    return short(result, 400)


# ---- templates and variables -------------------------------------------------------------

def expand(value: Json, names: Mapping[str, str]) -> Json:
    """Replaces `{{x}}` in every string (keys included)."""
    if isinstance(value, str):
        def one(m: "re.Match[str]") -> str:
            if m.group(1) not in names:
                raise StepFailure(f"unknown template {m.group(0)}")
            return names[m.group(1)]
        return TEMPLATE.sub(one, value)
    if isinstance(value, list):
        return [expand(v, names) for v in value]
    if isinstance(value, dict):
        return {expand(k, names): expand(v, names) for k, v in value.items()}
    return value


def lookup(ref: str, saved: Mapping[str, Json]) -> Json:
    """The value of `$var.field.field`."""
    name, *fields = ref[1:].split(".")
    if name not in saved:
        raise StepFailure(f"unknown variable ${name}")
    value = saved[name]
    for field in fields:
        if isinstance(value, dict) and field in value:
            value = value[field]
        elif isinstance(value, list) and field.isdigit() and int(field) < len(value):
            value = value[int(field)]
        else:
            raise StepFailure(f"{ref}: no field {field!r} in {short(value)}")
    return value


def substitute(value: Json, saved: Mapping[str, Json]) -> Json:
    """Replaces every string that is exactly `$var[.field...]` by the saved value. Keys of
    one-key pattern objects (`$contains`...) are operators, not variables."""
    if isinstance(value, str):
        return lookup(value, saved) if VARIABLE.match(value) and value not in SPECIALS else value
    if isinstance(value, list):
        return [substitute(v, saved) for v in value]
    if isinstance(value, dict):
        return {k: substitute(v, saved) for k, v in value.items()}
    return value


def texts(value: Json) -> Json:
    """Replaces every `{"repeat": "x", "times": N}` (a text argument) by its string."""
    if isinstance(value, dict) and set(value) == {"repeat", "times"}:
        return str(value["repeat"]) * int(value["times"])
    if isinstance(value, list):
        return [texts(v) for v in value]
    if isinstance(value, dict):
        return {k: texts(v) for k, v in value.items()}
    return value


# ---- bytes and contexts --------------------------------------------------------------------

def is_bytes_form(value: Json) -> bool:
    return isinstance(value, dict) and set(value) in BYTES_FORMS


def to_bytes(value: Json) -> bytes:
    """A *bytes* argument (variables already substituted)."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, dict):
        keys = set(value)
        if keys == {"hex"}:
            return bytes.fromhex(str(value["hex"]))
        if keys == {"fill", "len"}:
            return bytes([int(value["fill"])]) * int(value["len"])
        if keys == {"var"}:
            saved = value["var"]
            if not isinstance(saved, str):
                raise StepFailure(f"bytes {{\"var\": ...}}: the saved value is not hex bytes: {short(saved)}")
            return bytes.fromhex(saved)
        if keys == {"flip", "at"}:
            data = bytearray(to_bytes(value["flip"]))
            data[int(value["at"])] ^= 1
            return bytes(data)
        if keys == {"truncate", "to"}:
            return to_bytes(value["truncate"])[: int(value["to"])]
        if keys == {"concat"}:
            return b"".join(to_bytes(v) for v in value["concat"])
    raise StepFailure(f"not a bytes argument: {short(value)}")


def context_of(value: Json) -> Union[dict[str, str], bytes]:
    """A context argument: an object of string pairs (key-value), or bytes (raw). An object
    that has exactly the keys of a bytes form (`{"hex": ...}`, `{"var": ...}`) is read as bytes."""
    if value is None:
        return {}
    if isinstance(value, dict) and not is_bytes_form(value):
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise StepFailure(f"context: not an object of string pairs: {short(value)}")
        return dict(value)
    return to_bytes(value)


# ---- patterns ----------------------------------------------------------------------------

class Matcher:
    """Matches results against patterns; `saved` holds the scenario's variables (and `result`)."""

    def __init__(self, vectors: Path) -> None:
        self.vectors = vectors

    def match(self, pattern: Json, value: Json, path: str = "result", field: str = "") -> Optional[str]:
        """None when `value` matches `pattern`, else what differs (with no key material)."""
        if isinstance(pattern, dict) and len(pattern) == 1 and next(iter(pattern)) in SPECIALS:
            op, arg = next(iter(pattern.items()))
            return self.special(op, arg, value, path, field)
        if isinstance(pattern, dict):
            if not isinstance(value, dict):
                return f"{path}: expected an object, got {self.show(value, field)}"
            for key, sub in pattern.items():
                if key not in value:
                    # Absent is "does not match P": {"k": {"$not": P}} holds for a missing key.
                    if isinstance(sub, dict) and set(sub) == {"$not"}:
                        continue
                    return f"{path}.{key}: missing"
                why = self.match(sub, value[key], f"{path}.{key}", key)
                if why:
                    return why
            return None
        if isinstance(pattern, list):
            if not isinstance(value, list) or len(value) != len(pattern):
                return f"{path}: expected a list of {len(pattern)}, got {self.show(value, field)}"
            for i, (p, v) in enumerate(zip(pattern, value)):
                why = self.match(p, v, f"{path}[{i}]", field)
                if why:
                    return why
            return None
        if isinstance(pattern, bool) or pattern is None or isinstance(pattern, str):
            same = type(value) is type(pattern) and value == pattern
            if isinstance(pattern, str) and isinstance(value, str) and field in BYTES_FIELDS:
                same = value.lower() == pattern.lower()
        else:  # a number
            same = isinstance(value, (int, float)) and not isinstance(value, bool) and value == pattern
        return None if same else f"{path}: expected {self.show(pattern, field)}, got {self.show(value, field)}"

    def special(self, op: str, arg: Json, value: Json, path: str, field: str) -> Optional[str]:
        got = self.show(value, field)
        if op == "$any":
            return None
        if op == "$not":
            return None if self.match(arg, value, path, field) else f"{path}: matches {short(arg)}, expected it not to"
        if op == "$contains":
            if isinstance(value, list):
                ok = any(self.match(arg, item, path, field) is None for item in value)
            elif isinstance(value, str) and isinstance(arg, str):
                ok = (arg.lower() in value.lower()) if field in BYTES_FIELDS else arg in value
            else:
                ok = False
            return None if ok else f"{path}: expected something containing {short(arg)}, got {got}"
        if op == "$len":
            if isinstance(value, str) and field in BYTES_FIELDS:
                n: Optional[int] = len(value) // 2
            elif isinstance(value, (str, list)):
                n = len(value)
            else:
                n = None
            return None if n == arg else f"{path}: expected length {arg}, got {n} ({got})"
        if op == "$min":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and value >= arg
            return None if ok else f"{path}: expected at least {arg}, got {got}"
        if op == "$file_hex":
            text = (self.vectors / str(arg)).read_text()
            want = "".join(text.split()).lower()
            ok = isinstance(value, str) and value.lower() == want
            return None if ok else f"{path}: expected the hex of {arg}, got {got}"
        if op == "$bytes":
            want = to_bytes(arg).hex()
            ok = isinstance(value, str) and value.lower() == want
            return None if ok else f"{path}: expected bytes {short(want)} ({len(want) // 2} bytes), got {got}"
        if op == "$sha256":
            want = hashlib.sha256(to_bytes(arg)).hexdigest()
            ok = isinstance(value, str) and value.lower() == want
            return None if ok else f"{path}: expected SHA-256 {want}, got {got}"
        raise StepFailure(f"unknown pattern operator {op}")

    @staticmethod
    def show(value: Json, field: str) -> str:
        if field in BYTES_FIELDS:
            return secret(field, value)
        return short(value, 200) if isinstance(value, (dict, list)) else short(json.dumps(value), 200)


def check(expect: Json, outcome: Union[Json, ActionError], saved: Mapping[str, Json], matcher: Matcher) -> Optional[str]:
    """None when the outcome (a result, or the error of the command) is what the step expects."""
    if isinstance(expect, dict) and "error" in expect:
        kinds = expect["error"] if isinstance(expect["error"], list) else [expect["error"]]
        if not isinstance(outcome, ActionError):
            return f"expected error {'|'.join(kinds)}, got success {redacted(outcome)}"
        if outcome.kind not in kinds:
            return f"expected error {'|'.join(kinds)}, got {outcome.describe()}"
        if "reason" in expect and outcome.reason() != expect["reason"]:
            return f"expected reason {expect['reason']}, got reason {outcome.reason()}: {outcome.describe()}"
        if "message_contains" in expect and str(expect["message_contains"]) not in outcome.message:
            return f"expected a message containing {expect['message_contains']!r}, got {outcome.describe()}"
        return None
    if isinstance(outcome, ActionError):
        return f"expected success, got {outcome.describe()}"
    if expect is None:
        return None
    pattern = substitute(expect, {**saved, "result": outcome})
    return matcher.match(pattern, outcome)
