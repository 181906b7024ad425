"""Configuration: a ``kmipkit.toml`` file, TOML text, or keyword arguments.

Keyword arguments go to the core's configuration builder, which checks them exactly as a file
is checked (unknown settings, durations, versions, and the files named: present, and private
keys and password files not readable by other users).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Mapping, Optional, Sequence, Union

from . import _native

__all__ = ["Config", "Server"]

PathLike = Union[str, "os.PathLike[str]"]
Duration = Union[float, int, str]


@dataclass(frozen=True)
class Server:
    """One key server: where it is and how to authenticate to it.

    Either ``client_cert`` + ``client_key`` (PEM) or ``pkcs12`` (+ ``pkcs12_password_file``).
    Passwords are never given inline: ``password_file`` or ``password_env`` name where they are.
    ``host`` and ``port`` (default 5696) reach KMIP's own TTLV port; for KMIP over HTTPS give
    ``url="https://kms.example.com:9998/kmip"`` instead (``encoding="json"`` for JSON bodies)::

        Server(url="https://kms.example.com/kmip", ca="ca.pem",
               client_cert="client.pem", client_key="client.key")
    """

    host: Optional[str] = None
    port: Optional[int] = None
    ca: Optional[PathLike] = None
    client_cert: Optional[PathLike] = None
    client_key: Optional[PathLike] = None
    pkcs12: Optional[PathLike] = None
    pkcs12_password_file: Optional[PathLike] = None
    username: Optional[str] = None
    password_file: Optional[PathLike] = None
    password_env: Optional[str] = None
    name: Optional[str] = None
    fingerprint_sha256: Optional[str] = None
    url: Optional[str] = None
    encoding: Optional[str] = None


class Config:
    """A checked kmipkit configuration.

    Build one with :meth:`load` (a ``kmipkit.toml`` file, permission-checked like ssh),
    :meth:`from_toml`, or keyword arguments::

        Config(servers=[Server("kms1.example.com", ca="ca.pem",
                               client_cert="client.pem", client_key="client.key")],
               timeouts={"connect": 2.0, "failover_delay": "100ms"})

    ``servers[0]`` is the primary, the others are tried in order when it fails. ``timeouts``
    keys: connect, request, deadline, failover_delay, down_backoff (seconds or "250ms");
    ``pool`` keys: max_connections_per_server (default 8: more concurrent calls wait their turn),
    max_idle_per_server, idle_timeout, max_lifetime, probe_after_idle.
    ``log`` and ``audit`` are the ``[log]`` and ``[audit]`` tables of ``kmipkit.toml``
    (tamper-evident log: level, format, destination, path, rotate, ...; CSV audit trail: path),
    for example ``log={"level": "basic", "format": "json", "destination": "file",
    "path": "log/kmipkit.log"}, audit={"path": "log/audit.csv"}``; the client starts logging
    when it connects. Verify a log with :func:`kmipkit.observe.verify_log`.
    ``create_when_primary_down=True`` (``[cluster]``) lets Model 2 create a key on first use on a
    secondary while the primary cannot be asked; leave it off unless the servers replicate keys
    (``kmipkit servers check`` tells), see the README's failover section.
    Keywords are checked as a file is (by the core's configuration builder), files named
    included: they must exist, and private keys and password files must not be readable by other
    users. A :class:`~kmipkit.errors.ConfigError` names what is wrong.
    """

    _n: _native.Config

    def __init__(
        self,
        *,
        servers: Sequence[Server],
        key_name: Optional[str] = None,
        key_version: Optional[int] = None,
        protocol_version: Optional[str] = None,
        max_version: Optional[str] = None,
        max_response_size: Optional[int] = None,
        timeouts: Optional[Mapping[str, Duration]] = None,
        pool: Optional[Mapping[str, Union[int, Duration]]] = None,
        log: Optional[Mapping[str, object]] = None,
        audit: Optional[Mapping[str, object]] = None,
        create_when_primary_down: bool = False,
        base_dir: PathLike = ".",
    ) -> None:
        if not servers:
            raise ValueError("a configuration needs at least one server (the primary)")
        self._n = _native.Config.build(
            list(servers),
            key_name=key_name,
            key_version=key_version,
            protocol_version=protocol_version,
            max_version=max_version,
            max_response_size=max_response_size,
            timeouts=list((timeouts or {}).items()),
            pool=list((pool or {}).items()),
            log=list((log or {}).items()),
            audit=list((audit or {}).items()),
            create_when_primary_down=bool(create_when_primary_down),
            base_dir=os.fspath(base_dir),
        )

    @classmethod
    def _wrap(cls, native: _native.Config) -> "Config":
        self = cls.__new__(cls)
        self._n = native
        return self

    @classmethod
    def load(cls, path: PathLike) -> "Config":
        """Reads, checks and parses a ``kmipkit.toml`` file."""
        return cls._wrap(_native.Config.load(os.fspath(path)))

    @classmethod
    def from_toml(cls, text: str, base_dir: PathLike = ".") -> "Config":
        """Parses TOML text; relative paths resolve against ``base_dir``."""
        return cls._wrap(_native.Config.from_toml(text, os.fspath(base_dir)))

    @property
    def servers(self) -> list[tuple[str, str, int]]:
        """``(name, host, port)`` of each server, primary first."""
        return list(self._n.servers)

    @property
    def key_name(self) -> Optional[str]:
        """The ``[key]`` name, if set."""
        return self._n.key_name

    @property
    def key_version(self) -> Optional[int]:
        """The ``[key]`` version, if set."""
        return self._n.key_version

    @property
    def protocol_version(self) -> Optional[str]:
        """The pinned KMIP version, if any."""
        return self._n.protocol_version

    @property
    def path(self) -> Optional[str]:
        """The file this configuration was loaded from, if any."""
        return self._n.path

    def __repr__(self) -> str:
        return repr(self._n)
