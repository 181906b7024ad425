"""Logging and audit configured from Python: every operation is logged and audited, the log
verifies, tampering is found, and no key bytes reach either file."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

import kmipkit
from kmipkit.observe import verify_log

from conftest import TestServer
from server_differences import differs


def test_log_and_audit(server: TestServer, tmp_path: Path, unique: str) -> None:
    log, audit = tmp_path / "log" / "kmipkit.log", tmp_path / "log" / "audit.csv"
    config = kmipkit.Config(
        servers=[server.server(name="dc1")],
        log={"level": "basic", "format": "json", "destination": "file", "path": str(log)},
        audit={"path": str(audit)},
    )
    key = bytes(range(50, 82))
    with kmipkit.Client(config) as client:
        uid = client.register(key, attributes={"name": unique})
        assert client.get(uid).material() == key
        with pytest.raises(kmipkit.ServerError):
            client.get("no-such-object")
    text = log.read_text()
    assert "Register" in text
    missing = "ObjectNotFound" if differs("test_log_and_audit") else "ItemNotFound"
    assert "Get" in text and missing in text
    rows = audit.read_text()
    assert "Register" in rows and unique in rows and "dc1" in rows
    for blob in (text, rows):
        assert key.hex() not in blob and key.hex().upper() not in blob
        assert key.decode() not in blob and base64.b64encode(key).decode() not in blob
    report = verify_log(log)
    assert report.intact and report.lines >= 3 and report.findings == []
    lines = text.splitlines()
    log.write_text("\n".join(lines[:1] + lines[2:]) + "\n")  # delete one line
    broken = verify_log(log)
    assert not broken.intact and broken.findings
