"""Typed results of client operations, attribute names, and protected key bytes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterator, Mapping, Optional, Union

from . import _native

__all__ = [
    "ApplicationSpecificInformation",
    "AttributeValue",
    "Attributes",
    "EncryptResult",
    "KeyPair",
    "KeyRef",
    "ManagedObject",
    "Progress",
    "QueryResult",
    "Secret",
    "to_kmip_name",
    "to_python_name",
]

Secret = _native.Secret
"""Key bytes in protected memory (locked, zeroized when freed). ``repr`` shows only the length;
``expose()`` returns the bytes, only when called."""



@dataclass(frozen=True)
class ApplicationSpecificInformation:
    """The Application Specific Information attribute: a namespace and its data (absent when a
    KMIP 1.3+ server is to generate it). kmipkit marks the objects it creates with one."""

    application_namespace: str
    application_data: Optional[str] = None


AttributeValue = Union[str, int, bool, list[str], ApplicationSpecificInformation, dict[str, Any]]
"""An attribute value as Python sees it: names of enumerations, integers (dates are Unix
seconds), booleans, lists of mask names, :class:`ApplicationSpecificInformation`; other
structured attributes (links, digests, cryptographic parameters) as dicts of their fields by KMIP
tag name (``{"LinkType": "ParentLink", "LinkedObjectIdentifier": "7"}``)."""


def _typed(name: str, value: AttributeValue) -> AttributeValue:
    if name == "ApplicationSpecificInformation" and isinstance(value, dict):
        data = value.get("ApplicationData")
        return ApplicationSpecificInformation(str(value.get("ApplicationNamespace", "")), data)
    return value


def to_kmip_name(name: str) -> str:
    """``cryptographic_algorithm`` -> ``CryptographicAlgorithm``; ``x-vendor`` names unchanged."""
    if name.startswith(("x-", "y-")) or (name[:1].isupper()):
        return name
    return "".join(part[:1].upper() + part[1:] for part in name.split("_"))


def to_python_name(name: str) -> str:
    """``CryptographicAlgorithm`` -> ``cryptographic_algorithm``; vendor names unchanged."""
    if name.startswith(("x-", "y-")) or not name[:1].isupper():
        return name
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def attribute_pairs(attributes: Optional[Mapping[str, Any]]) -> list[tuple[str, Any]]:
    """Keyword-style attributes to ``(KMIP tag name, value)`` pairs; list values of ``name``
    give several names."""
    pairs: list[tuple[str, Any]] = []
    for key, value in (attributes or {}).items():
        kmip = to_kmip_name(key)
        if kmip == "Name" and isinstance(value, (list, tuple)):
            pairs.extend((kmip, v) for v in value)
        else:
            pairs.append((kmip, value))
    return pairs


class Attributes(Mapping[str, AttributeValue]):
    """Attributes read from a server, by snake_case name (``attrs["cryptographic_length"]``).

    A multi-valued attribute (several ``name`` values, for example) maps to its first value;
    :meth:`all` returns every value.
    """

    def __init__(self, pairs: list[tuple[str, AttributeValue]]) -> None:
        self._pairs = [(to_python_name(k), _typed(k, v)) for k, v in pairs]

    def __getitem__(self, key: str) -> AttributeValue:
        for k, v in self._pairs:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        seen: list[str] = []
        for k, _ in self._pairs:
            if k not in seen:
                seen.append(k)
        return iter(seen)

    def __len__(self) -> int:
        return len(set(k for k, _ in self._pairs))

    def all(self, key: str) -> list[AttributeValue]:
        """Every value of ``key``, in the server's order."""
        return [v for k, v in self._pairs if k == key]

    def __repr__(self) -> str:
        return f"Attributes({dict(self)!r})"


@dataclass(frozen=True)
class KeyPair:
    """The identifiers of a new key pair."""

    private_key_id: str
    public_key_id: str


@dataclass(frozen=True)
class EncryptResult:
    """What the server's Encrypt returned: ciphertext, the IV it chose, the AEAD tag."""

    data: bytes
    iv: Optional[bytes] = None
    tag: Optional[bytes] = None


@dataclass(frozen=True)
class QueryResult:
    """What the server says about itself."""

    operations: list[str]
    object_types: list[str]
    vendor_identification: Optional[str]
    server_information: Optional[str]


@dataclass(frozen=True)
class ManagedObject:
    """An object fetched with Get. Key bytes are held in protected memory and never shown;
    :meth:`material` returns them only when called."""

    unique_identifier: str
    object_type: str
    cryptographic_algorithm: Optional[str] = None
    cryptographic_length: Optional[int] = None
    key_format_type: Optional[str] = None
    wrapped: bool = False
    certificate: Optional[bytes] = field(default=None, repr=False)
    _secret: Optional[_native.Secret] = field(default=None, repr=False, compare=False)

    @classmethod
    def _from_native(cls, d: dict[str, Any]) -> "ManagedObject":
        return cls(
            unique_identifier=d["unique_identifier"],
            object_type=d["object_type"],
            cryptographic_algorithm=d.get("cryptographic_algorithm"),
            cryptographic_length=d.get("cryptographic_length"),
            key_format_type=d.get("key_format_type"),
            wrapped=bool(d.get("wrapped", False)),
            certificate=d.get("certificate"),
            _secret=d.get("material"),
        )

    @property
    def secret(self) -> Optional[_native.Secret]:
        """The key bytes as a :class:`Secret` (still protected), if the object has any."""
        return self._secret

    def material(self) -> bytes:
        """The key bytes (wrapped bytes if ``wrapped``), copied into ``bytes``: an explicit request."""
        if self._secret is None:
            raise ValueError(f"object {self.unique_identifier} ({self.object_type}) carries no key bytes")
        return self._secret.expose()


@dataclass(frozen=True)
class KeyRef:
    """A key's name, version and KMIP unique identifier, as recorded in ciphertexts."""

    name: str
    version: int
    uid: str

    @classmethod
    def _of(cls, t: tuple[str, int, str]) -> "KeyRef":
        return cls(t[0], t[1], t[2])


@dataclass(frozen=True)
class Progress:
    """Progress of a bulk rotation."""

    processed: int
    rotated: int
    already_current: int
    key_manager_calls: int

    @classmethod
    def _of(cls, t: tuple[int, int, int, int]) -> "Progress":
        return cls(*t)
