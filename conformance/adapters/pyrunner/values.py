"""Values in steps (conformance/scenarios/README.md, *Values in args*): `{{…}}` templates,
`$var.field` references, `{"repeat"}` texts, the bytes argument forms and contexts."""

from __future__ import annotations

import re
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from .details import clip
from .errors import StepError

JSON = Any
"""A JSON value as `json.load` gives it: scenarios, arguments and results are plain JSON."""

Context = Union[bytes, Dict[str, str]]
"""A context argument: raw bytes, or key-value pairs for the core's canonical encoding."""

_TEMPLATE = re.compile(r"\{\{([a-z_]+)\}\}")
_REFERENCE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z0-9_-]+)*)")
_MAX_REPEAT = 1 << 24  # a scenario's oversized text, not a way to exhaust memory


# --- templates -----------------------------------------------------------------------------

def templates(lang: str, variant: str, run: str, shared: str, work: str, vectors: str,
              peer: Optional[str]) -> Dict[str, str]:
    """The `{{name}}` values of one scenario variant (`1.4` is `1_4` in names)."""
    version = variant.replace(".", "_")
    names = {"lang": lang, "version": version, "run": run, "unique": f"{lang}-{version}-{run}",
             "shared": shared, "work": work, "vectors": vectors}
    if peer is not None:
        names["peer"] = peer
    return names


def fill_templates(value: JSON, names: Mapping[str, str]) -> JSON:
    """`{{x}}` replaced inside every string value (object keys stay as written)."""
    if isinstance(value, str):
        def one(m: "re.Match[str]") -> str:
            if m.group(1) not in names:
                raise StepError(f"unknown template {m.group(0)}")
            return names[m.group(1)]
        return _TEMPLATE.sub(one, value)
    if isinstance(value, list):
        return [fill_templates(v, names) for v in value]
    if isinstance(value, dict):
        return {k: fill_templates(v, names) for k, v in value.items()}
    return value


# --- variables and repeated texts ----------------------------------------------------------

def lookup(text: str, variables: Mapping[str, JSON]) -> Tuple[bool, JSON]:
    """`(True, value)` when `text` is exactly `$var` or `$var.field.0…`; `(False, None)` when it
    is no reference. A reference to something missing raises StepError."""
    m = _REFERENCE.fullmatch(text)
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
            raise StepError(f"{text}: no field {field!r} in {clip(value)}")
    return True, value


def resolve(value: JSON, variables: Mapping[str, JSON]) -> JSON:
    """Every string value that is exactly a reference replaced by the saved value (object keys,
    such as the `$contains` of a pattern, are never references)."""
    if isinstance(value, str):
        found, saved = lookup(value, variables)
        return saved if found else value
    if isinstance(value, list):
        return [resolve(v, variables) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, variables) for k, v in value.items()}
    return value


def expand_repeats(value: JSON) -> JSON:
    """Every `{"repeat": TEXT, "times": N}` replaced by TEXT repeated N times."""
    if isinstance(value, dict) and set(value) == {"repeat", "times"}:
        text, times = value["repeat"], integer(value["times"], "repeat: times")
        if not isinstance(text, str) or not 0 <= times <= _MAX_REPEAT:
            raise StepError(f"repeat: a text and 0 to {_MAX_REPEAT} times, not {clip(value)}")
        return text * times
    if isinstance(value, list):
        return [expand_repeats(v) for v in value]
    if isinstance(value, dict):
        return {k: expand_repeats(v) for k, v in value.items()}
    return value


def integer(value: JSON, what: str) -> int:
    """A JSON integer (a bool is not one)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise StepError(f"{what}: expected an integer, got {clip(value)}")
    return value


# --- bytes and contexts ----------------------------------------------------------------------

_BYTES_FORMS = ({"hex"}, {"fill", "len"}, {"var"}, {"flip", "at"}, {"truncate", "to"}, {"concat"})


def is_bytes_form(value: JSON) -> bool:
    """Whether `value` is an object with exactly the keys of one bytes form."""
    return isinstance(value, dict) and set(value) in _BYTES_FORMS


def to_bytes(value: JSON) -> bytes:
    """A bytes argument (variables already resolved): a string's UTF-8 bytes (a saved hex
    value written as a bare `$var` is text too: its hex digits' bytes), `hex`, `fill`/`len`,
    `var`, `flip`/`at`, `truncate`/`to`, `concat`."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if not is_bytes_form(value):
        raise StepError(f"not a bytes argument: {clip(value)}")
    if "hex" in value:
        return _unhex(value["hex"], "hex")
    if "var" in value:
        return _unhex(value["var"], "var: the saved value")
    if "fill" in value:
        fill, length = integer(value["fill"], "fill"), integer(value["len"], "fill: len")
        if not 0 <= fill <= 255 or length < 0:
            raise StepError(f"fill: a byte value 0-255 and a length ≥ 0, not {clip(value)}")
        return bytes([fill]) * length
    if "flip" in value:
        data, at = bytearray(to_bytes(value["flip"])), integer(value["at"], "flip: at")
        if not -len(data) <= at < len(data):
            raise StepError(f"flip: byte {at} is outside {len(data)} bytes")
        data[at] ^= 1  # bit 0 of byte `at`; negative counts from the end
        return bytes(data)
    if "truncate" in value:
        return to_bytes(value["truncate"])[: integer(value["to"], "truncate: to")]
    if not isinstance(value["concat"], list):
        raise StepError(f"concat: expected a list, got {clip(value['concat'])}")
    return b"".join(to_bytes(v) for v in value["concat"])


def to_context(value: JSON) -> Context:
    """A context argument: absent = no bytes, a bytes form or a string = raw bytes, any other
    object = key-value pairs (every value a string)."""
    if value is None:
        return b""
    if isinstance(value, str) or is_bytes_form(value):
        return to_bytes(value)
    if isinstance(value, dict) and all(isinstance(v, str) for v in value.values()):
        return {str(k): str(v) for k, v in value.items()}
    raise StepError(f"not a context (bytes, or an object of string pairs): {clip(value)}")


def _unhex(text: JSON, what: str) -> bytes:
    if isinstance(text, str):
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    raise StepError(f"{what}: not hex bytes: {clip(text)}")
