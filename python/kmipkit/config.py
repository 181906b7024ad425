"""Configuration: a ``kmipkit.toml`` file, TOML text, or keyword arguments.

Keyword arguments are written as the TOML the core reads, so both paths are checked the same way
(unknown settings, file permissions when loading a file, durations, versions).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Mapping, Optional, Sequence, Union

from . import _native

__all__ = ["Config", "Server"]

PathLike = Union[str, "os.PathLike[str]"]
Duration = Union[float, int, str]


def _text(value: object) -> str:
    # A JSON string is a valid TOML basic string.
    return json.dumps(str(value))


def _value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, os.PathLike):
        return _text(os.fspath(value))
    return _text(value)


def _table(header: str, settings: Mapping[str, object]) -> str:
    return header + "\n" + "".join(f"{k} = {_value(v)}\n" for k, v in settings.items())


# ``[pool]`` settings that are counts, not durations.
_POOL_COUNTS = ("max_idle_per_server", "max_connections_per_server")


def _duration(value: Duration) -> str:
    if isinstance(value, str):
        return _text(value)
    return _text(f"{int(round(float(value) * 1000))}ms")


@dataclass(frozen=True)
class Server:
    """One key server: where it is and how to authenticate to it.

    Either ``client_cert`` + ``client_key`` (PEM) or ``pkcs12`` (+ ``pkcs12_password_file``).
    Passwords are never given inline: ``password_file`` or ``password_env`` name where they are.
    """

    host: str
    port: int = 5696
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

    def _toml(self, header: str) -> str:
        lines = [header, f"host = {_text(self.host)}", f"port = {int(self.port)}"]
        for key in (
            "name",
            "ca",
            "client_cert",
            "client_key",
            "pkcs12",
            "pkcs12_password_file",
            "username",
            "password_file",
            "password_env",
            "fingerprint_sha256",
        ):
            value = getattr(self, key)
            if value is not None:
                lines.append(f"{key} = {_text(os.fspath(value))}")
        return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _Settings:
    servers: Sequence[Server]
    key_name: Optional[str] = None
    key_version: Optional[int] = None
    protocol_version: Optional[str] = None
    max_version: Optional[str] = None
    max_response_size: Optional[int] = None
    timeouts: dict[str, Duration] = field(default_factory=dict)
    pool: dict[str, Union[int, Duration]] = field(default_factory=dict)
    log: dict[str, object] = field(default_factory=dict)
    audit: dict[str, object] = field(default_factory=dict)
    create_when_primary_down: bool = False

    def toml(self) -> str:
        if not self.servers:
            raise ValueError("a configuration needs at least one server (the primary)")
        parts = [self.servers[0]._toml("[primary]")]
        parts += [s._toml("[[secondary]]") for s in self.servers[1:]]
        if self.key_name is not None or self.key_version is not None:
            key = ["[key]"]
            if self.key_name is not None:
                key.append(f"name = {_text(self.key_name)}")
            if self.key_version is not None:
                key.append(f"version = {int(self.key_version)}")
            parts.append("\n".join(key) + "\n")
        protocol = []
        if self.protocol_version is not None:
            protocol.append(f"version = {_text(self.protocol_version)}")
        if self.max_version is not None:
            protocol.append(f"max_version = {_text(self.max_version)}")
        if self.max_response_size is not None:
            protocol.append(f"max_response_size = {int(self.max_response_size)}")
        if protocol:
            parts.append("[protocol]\n" + "\n".join(protocol) + "\n")
        if self.timeouts:
            body = "\n".join(f"{k} = {_duration(v)}" for k, v in self.timeouts.items())
            parts.append("[timeouts]\n" + body + "\n")
        if self.pool:
            body = "\n".join(
                f"{k} = {int(v)}" if k in _POOL_COUNTS else f"{k} = {_duration(v)}"
                for k, v in self.pool.items()
            )
            parts.append("[pool]\n" + body + "\n")
        if self.create_when_primary_down:
            parts.append("[cluster]\ncreate_when_primary_down = true\n")
        if self.log:
            parts.append(_table("[log]", self.log))
        if self.audit:
            parts.append(_table("[audit]", self.audit))
        return "\n".join(parts)


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
    A :class:`~kmipkit.errors.ConfigError` names what is wrong.
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
        settings = _Settings(
            servers=list(servers),
            key_name=key_name,
            key_version=key_version,
            protocol_version=protocol_version,
            max_version=max_version,
            max_response_size=max_response_size,
            timeouts=dict(timeouts or {}),
            pool=dict(pool or {}),
            log=dict(log or {}),
            audit=dict(audit or {}),
            create_when_primary_down=bool(create_when_primary_down),
        )
        self._n = _native.Config.from_toml(settings.toml(), os.fspath(base_dir))

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
