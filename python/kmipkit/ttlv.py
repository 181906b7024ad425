"""The KMIP codec: binary TTLV, the KMIP XML and JSON encodings, a readable dump and the typed
message model.

::

    codec = TextCodec()
    ttlv = codec.xml_to_ttlv(xml_text)          # bytes
    print(dump(ttlv))                           # readable tree, key bytes hidden
    xml_again = codec.ttlv_to_xml(ttlv)         # placeholders written back as read
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from . import _native

__all__ = ["Message", "TextCodec", "dump", "normalize", "parse_message"]

TextCodec = _native.TextCodec
"""Converts between TTLV bytes and KMIP XML/JSON; remembers test-case placeholders."""


def dump(ttlv: bytes) -> str:
    """A readable tree of TTLV bytes (byte strings show only their length)."""
    return _native.dump_ttlv(bytes(ttlv))


def normalize(ttlv: bytes) -> bytes:
    """Decodes (bounded, checked) and re-encodes TTLV bytes."""
    return _native.normalize_ttlv(bytes(ttlv))


@dataclass(frozen=True)
class Message:
    """A request or response message read into the typed model."""

    kind: str
    """``"request"`` or ``"response"``."""
    version: str
    operations: list[Optional[str]]
    results: list[tuple[str, Optional[str]]]
    """For responses: (Result Status, Result Reason) per batch item."""
    reencoded: bytes
    """The typed model written back as TTLV."""


def parse_message(ttlv: bytes) -> Message:
    """Reads a request or response message into the typed model."""
    d = _native.parse_message(bytes(ttlv))
    return Message(
        kind=d["kind"],
        version=d["version"],
        operations=list(d["operations"]),
        results=[(r[0], r[1]) for r in d.get("results", [])],
        reencoded=d["reencoded"],
    )
