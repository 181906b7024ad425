"""kmipkit: KMIP key management and envelope encryption, on one Rust core.

::

    import kmipkit

    config = kmipkit.Config.load("kmipkit.toml")
    with kmipkit.Client(config) as client:
        key_id = client.create_aes_key("payments-kek")
        client.activate(key_id)

Blocking :class:`Client` and asyncio :class:`AsyncClient`; Model 1 and Model 2 envelope
encryption, rotation and the key cache in :mod:`kmipkit.envelope`; the TTLV/XML/JSON codec in
:mod:`kmipkit.ttlv`; exceptions in :mod:`kmipkit.errors`.
"""

from . import errors, observe, ttlv
from ._native import __version__
from .client import AsyncClient, Client
from .config import Config, Server
from .envelope import (
    AsyncModel1,
    AsyncModel1Rotation,
    AsyncModel2,
    AsyncModel2Rotation,
    DataKey,
    KeyCache,
    Model1,
    Model1Rotation,
    Model2,
    Model2Rotation,
)
from .errors import (
    AllServersFailed,
    AuthenticationError,
    CertificateError,
    ConfigError,
    ConnectionFailed,
    FormatError,
    IntegrityError,
    KmipError,
    ProtocolError,
    ServerError,
    TlsError,
)
from .types import ApplicationSpecificInformation, Attributes, EncryptResult, KeyPair, KeyRef, ManagedObject, Progress, QueryResult, Secret

__all__ = [
    "AllServersFailed",
    "ApplicationSpecificInformation",
    "AsyncClient",
    "AsyncModel1",
    "AsyncModel1Rotation",
    "AsyncModel2",
    "AsyncModel2Rotation",
    "Attributes",
    "AuthenticationError",
    "CertificateError",
    "Client",
    "Config",
    "ConfigError",
    "ConnectionFailed",
    "DataKey",
    "EncryptResult",
    "FormatError",
    "IntegrityError",
    "KeyCache",
    "KeyPair",
    "KeyRef",
    "KmipError",
    "ManagedObject",
    "Model1",
    "Model1Rotation",
    "Model2",
    "Model2Rotation",
    "Progress",
    "ProtocolError",
    "QueryResult",
    "Secret",
    "Server",
    "ServerError",
    "TlsError",
    "__version__",
    "errors",
    "observe",
    "ttlv",
]
