"""The kmipkit.toml files every adapter loads: one per client of scenarios/README.md, and one per
client and KMIP version."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Optional

VERSIONS = ("1.2", "1.4", "2.0")

# Short timeouts: a server that is down is given up on within seconds.
TIMEOUTS = '\n[timeouts]\nconnect = "2s"\nrequest = "15s"\ndeadline = "6s"\nfailover_delay = "50ms"\n'


# How the clients reach the servers (conformance/run --wire): KMIP's TTLV stream, or KMIP over
# HTTPS with TTLV or JSON bodies (each server's `https_port`).
WIRES = ("ttlv", "https", "https-json")


def _server(section: str, name: str, port: int, ca: str, cert: str, key: str, wire: str) -> str:
    if wire == "ttlv":
        where = f'host = "127.0.0.1"\nport = {port}\n'
    else:
        encoding = "json" if wire == "https-json" else "ttlv"
        where = f'url = "https://127.0.0.1:{port}/kmip"\nencoding = "{encoding}"\n'
    return (f'\n{section}\nname = "{name}"\n{where}'
            f'ca = "{ca}"\nclient_cert = "{cert}"\nclient_key = "{key}"\n')


def clients(primary: dict[str, Any], secondary: dict[str, Any], expired: dict[str, Any],
            dead: tuple[int, int], wire: str = "ttlv") -> dict[str, list[tuple[str, int, str, str, str]]]:
    """Each client: its servers as (name, port, ca, client cert, client key), primary first;
    the port is the one `wire` uses."""
    port_key = "port" if wire == "ttlv" else "https_port"

    def good(name: str, s: dict[str, Any]) -> tuple[str, int, str, str, str]:
        return (name, int(s[port_key]), s["ca"], s["client_cert"], s["client_key"])

    p = good("primary", primary)
    return {
        "default": [p],
        "pair": [p, good("secondary", secondary)],
        "secondary": [good("secondary", secondary)],
        "primary_down": [("down", dead[0], p[2], p[3], p[4]), good("secondary", secondary)],
        "all_down": [("down-1", dead[0], p[2], p[3], p[4]), ("down-2", dead[1], p[2], p[3], p[4])],
        "wrong_ca": [(p[0], p[1], primary["wrong_ca"], p[3], p[4])],
        "expired_client": [(p[0], p[1], p[2], primary["expired_client_cert"], primary["expired_client_key"])],
        "untrusted_client": [(p[0], p[1], p[2], primary["wrong_ca_client_cert"], primary["wrong_ca_client_key"])],
        "expired_server": [good("expired", expired)],
    }


def write(directory: Path, all_clients: dict[str, list[tuple[str, int, str, str, str]]],
          wire: str = "ttlv") -> dict[str, str]:
    """Writes every file (mode 0600, as the loader demands); returns {client[@version]: path}."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    paths: dict[str, str] = {}
    for client, servers in all_clients.items():
        for version in (None, *VERSIONS):
            label = client if version is None else f"{client}@{version}"
            path = directory / f"{label}.toml"
            _write_private(path, _toml(servers, version, wire))
            paths[label] = str(path)
    return paths


def _toml(servers: list[tuple[str, int, str, str, str]], version: Optional[str], wire: str) -> str:
    text = ""
    for i, (name, port, ca, cert, key) in enumerate(servers):
        text += _server("[primary]" if i == 0 else "[[secondary]]", name, port, ca, cert, key, wire)
    if version is not None:
        text += f'\n[protocol]\nversion = "{version}"\n'
    return text + TIMEOUTS


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.chmod(path, 0o600)
