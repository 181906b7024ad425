"""Values as failure details show them: short, and never key material or a plaintext
(conformance/adapters/README.md, *The results*)."""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, FrozenSet, Mapping

SECRET_FIELDS: Mapping[str, FrozenSet[str]] = {
    "get": frozenset({"material"}),
    "decrypt": frozenset({"data"}),
    "model1_decrypt": frozenset({"plaintext"}),
    "model2_decrypt": frozenset({"plaintext"}),
    "read_file": frozenset({"data"}),
}
"""Per action, the result fields that hold key bytes or decrypted data (a file read back may be
either): details show them only by length and a digest prefix."""

_LONGEST = 64  # characters of one string shown
_WHOLE = 400  # characters of a whole value shown


def secret_fields(action: str) -> FrozenSet[str]:
    return SECRET_FIELDS.get(action, frozenset())


def is_secret(path: str, secrets: FrozenSet[str]) -> bool:
    """Whether `path` (`plaintext`, `ttlv[0]`, `attributes.Name`) lies in a secret field: a
    field is secret by the name of the result's top-level key."""
    return re.split(r"[.\[]", path, maxsplit=1)[0] in secrets


def conceal(value: Any) -> str:
    """A secret value: `<N bytes, sha256 1a2b3c4d>` (hex text counts its bytes). The digest
    prefix tells equal from different values of the same length without showing either."""
    if not isinstance(value, str):
        return "<not bytes>" if value is not None else "null"
    data = bytes.fromhex(value) if is_hex(value) else value.encode("utf-8")
    return f"<{len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()[:8]}>"


def clip(value: Any, limit: int = _LONGEST) -> str:
    """`value` as compact JSON (a string as itself), cut to about `limit` characters."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= limit else f"{text[:limit]}...({len(text)} chars)"


def show(value: Any, secret: bool) -> str:
    """One value of a detail: concealed when secret, else JSON with long strings cut."""
    if secret:
        return conceal(value)
    return clip(json.dumps(_shortened(value)), _WHOLE)


def render(result: Any, secrets: FrozenSet[str]) -> str:
    """A whole result (`got success {...}`): its secret top-level fields concealed."""
    if isinstance(result, dict):
        result = {k: conceal(v) if k in secrets else v for k, v in result.items()}
    return show(result, False)


def _shortened(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _LONGEST:
        return f"{value[:_LONGEST]}...({len(value)} chars)"
    if isinstance(value, list):
        return [_shortened(v) for v in value]
    if isinstance(value, dict):
        return {k: _shortened(v) for k, v in value.items()}
    return value


def is_hex(text: str) -> bool:
    """Whether `text` is bytes as results write them: lowercase hex, whole bytes."""
    return len(text) % 2 == 0 and re.fullmatch(r"[0-9a-f]*", text) is not None
