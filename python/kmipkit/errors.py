"""The kmipkit exception hierarchy, mapped from the core's stable ``ErrorKind``.

Every exception raised by kmipkit for a failure the core reports is a :class:`KmipError` with the
core's message (which never contains key bytes, passwords or plaintext), a stable numeric
``code``, the ``kind`` name and the ``category`` name, all from the core's one table
(``ErrorKind::name``, ``ErrorKind::code``, ``ErrorKind::category``)::

    KmipError
    ├── CodecError: DecodeError, LimitExceeded, SyntaxError_, ModelError, EncodeError
    ├── ConnectionError_: ConnectionFailed, TlsError, CertificateError, TimeoutError_,
    │                      ConnectionLost, AllServersFailed
    ├── AuthenticationError
    ├── ServerError (.result_reason, .operation, .result_message, .explanation)
    ├── ProtocolError
    ├── ConfigError (.file, .line)
    ├── CiphertextError: IntegrityError, FormatError
    └── LogError (.path)

Each category has its base class above (``"codec"`` -> :class:`CodecError`, ...); a kind newer
than this package is raised as its category's class.
"""

from __future__ import annotations

from typing import Optional

__all__ = [
    "KmipError",
    "CodecError",
    "DecodeError",
    "LimitExceeded",
    "SyntaxError_",
    "ModelError",
    "EncodeError",
    "ConnectionError_",
    "ConnectionFailed",
    "TlsError",
    "CertificateError",
    "AuthenticationError",
    "TimeoutError_",
    "ConnectionLost",
    "AllServersFailed",
    "ServerError",
    "ProtocolError",
    "ConfigError",
    "CiphertextError",
    "IntegrityError",
    "FormatError",
    "LogError",
]


class KmipError(Exception):
    """Any failure reported by the kmipkit core."""

    code: int
    """The stable numeric code of the core's ErrorKind (never reused)."""
    kind: str
    """The ErrorKind name, e.g. ``"Server"``."""
    category: str
    """The ErrorKind's category name, e.g. ``"connection"``."""

    def __init__(
        self, message: str, *, code: int = 0, kind: str = "", category: str = "", **details: object
    ) -> None:
        super().__init__(message)
        self.code = code
        self.kind = kind
        self.category = category
        for name, value in details.items():
            setattr(self, name, value)

    @property
    def message(self) -> str:
        """The core's message."""
        return str(self.args[0]) if self.args else ""


class CodecError(KmipError):
    """TTLV, XML or JSON that cannot be read or written."""


class DecodeError(CodecError):
    """Bytes that are not valid TTLV."""


class LimitExceeded(CodecError):
    """Input over a decoding limit (size, depth, item count)."""


class SyntaxError_(CodecError):  # noqa: N801 - the builtin SyntaxError is a different thing
    """KMIP XML or JSON text that cannot be read."""


class ModelError(CodecError):
    """Well-formed TTLV that does not fit the typed KMIP model."""


class EncodeError(CodecError):
    """A value that cannot be encoded."""


class ConnectionError_(KmipError):  # noqa: N801 - the builtin ConnectionError is an OSError
    """A key server could not be reached or the connection failed.

    When every configured server failed, ``attempts`` lists each server once with its last
    failure. Servers that all failed the same way retrying cannot fix (a certificate, a TLS
    handshake that cannot succeed) raise that specific class at once, e.g.
    :class:`CertificateError`, not :class:`AllServersFailed`.
    """

    attempts: list[tuple[str, str]]
    """Each server tried, with its last failure (empty when one server's failure is raised)."""

    def __init__(
        self, message: str, *, code: int = 0, kind: str = "", category: str = "", **details: object
    ) -> None:
        details.setdefault("attempts", [])
        super().__init__(message, code=code, kind=kind, category=category, **details)


class ConnectionFailed(ConnectionError_):
    """Name resolution or TCP connect failed; nothing was sent."""


class TlsError(ConnectionError_):
    """The TLS handshake failed for a reason other than a certificate."""


class CertificateError(TlsError):
    """A certificate was rejected (the server's by kmipkit, or the client's by the server)."""


class TimeoutError_(ConnectionError_):  # noqa: N801
    """A step did not finish in time."""


class ConnectionLost(ConnectionError_):
    """The connection broke during a request."""


class AllServersFailed(ConnectionError_):
    """Every configured server failed until the deadline (``.attempts``: (server, last error))."""


class AuthenticationError(KmipError):
    """The key server did not accept the client's identity."""


class ServerError(KmipError):
    """The key server refused an operation."""

    result_reason: str
    """The KMIP Result Reason, e.g. ``"ItemNotFound"``."""
    operation: Optional[str]
    """The operation refused (absent for message-level refusals)."""
    result_message: Optional[str]
    """The server's Result Message, as sent."""
    explanation: Optional[str]
    """What the server's profile says about the refusal and what to do instead, if known."""


class ProtocolError(KmipError):
    """A reply that does not fit the request, or an operation the state does not allow."""


class ConfigError(KmipError):
    """A configuration file or setting is not usable."""

    file: Optional[str]
    line: Optional[int]


class CiphertextError(KmipError):
    """A ciphertext that cannot be decrypted."""


class IntegrityError(CiphertextError):
    """A ciphertext failed authentication: wrong key or context, modified or truncated."""


class FormatError(CiphertextError):
    """Bytes that are not a kmipkit ciphertext this version can read."""


class LogError(KmipError):
    """A log, its chain state file or the audit trail could not be opened, written or read."""

    path: Optional[str]
    """The file or destination at fault, if any."""


# The class of each core ErrorKind, by its stable name (the native module looks exceptions up
# here; tests check that every kind the core has is listed).
_KIND_CLASSES: dict[str, type[KmipError]] = {
    "Decode": DecodeError,
    "LimitExceeded": LimitExceeded,
    "Syntax": SyntaxError_,
    "Model": ModelError,
    "Encode": EncodeError,
    "Connect": ConnectionFailed,
    "Tls": TlsError,
    "Certificate": CertificateError,
    "Authentication": AuthenticationError,
    "Timeout": TimeoutError_,
    "ConnectionLost": ConnectionLost,
    "AllServersFailed": AllServersFailed,
    "Server": ServerError,
    "Protocol": ProtocolError,
    "Config": ConfigError,
    "Integrity": IntegrityError,
    "Format": FormatError,
    "Log": LogError,
}

# The base class of each ErrorKind category, by its stable name.
_CATEGORY_CLASSES: dict[str, type[KmipError]] = {
    "codec": CodecError,
    "connection": ConnectionError_,
    "authentication": AuthenticationError,
    "server": ServerError,
    "protocol": ProtocolError,
    "config": ConfigError,
    "ciphertext": CiphertextError,
    "log": LogError,
}
