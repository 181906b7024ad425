"""Encryption contexts as mappings (docs/FORMAT.md §3.1), the same context in Python and the CLI,
and the salt kept out of the public sealing function."""

from __future__ import annotations

import inspect
import json
import os
import subprocess
from pathlib import Path
from typing import Any, Iterator

import pytest

import kmipkit
from kmipkit import _native, envelope

from conftest import REPO, TestServer

KEY = bytes(range(32))


def test_a_mapping_is_its_canonical_bytes() -> None:
    ct = envelope.seal_with_key(KEY, b"row 7", {"table": "orders", "row": "7"})
    assert envelope.open_with_key(KEY, ct, b"row=7\ntable=orders") == b"row 7"
    assert envelope.open_with_key(KEY, ct, {"row": "7", "table": "orders"}) == b"row 7"
    with pytest.raises(kmipkit.IntegrityError):
        envelope.open_with_key(KEY, ct, {"row": "8", "table": "orders"})
    # Values may hold `=` and line feeds; keys may not.
    odd = {"note": "a=b\nc", "path": "C:\\x"}
    assert envelope.decode_context(envelope.encode_context(odd)) == odd
    assert envelope.encode_context({}) == b""
    for bad in ({"": "v"}, {"a=b": "v"}, {"a\nb": "v"}):
        with pytest.raises(kmipkit.errors.EncodeError, match="encryption context"):
            envelope.seal_with_key(KEY, b"x", bad)
    with pytest.raises(TypeError, match="mapping of str to str"):
        envelope.seal_with_key(KEY, b"x", "table=orders")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        envelope.encode_context({"n": 1})  # type: ignore[dict-item]
    assert envelope.decode_context(b"b=1\na=2") is None


def test_public_seal_takes_no_salt() -> None:
    for f in (envelope.seal_with_key, _native.seal):
        assert "salt" not in inspect.signature(f).parameters, f
    with pytest.raises(TypeError):
        envelope.seal_with_key(KEY, b"x", b"", salt=bytes(32))  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        _native.seal(KEY, b"x", b"", salt=bytes(32))  # type: ignore[call-arg]
    assert "salt" not in kmipkit.envelope.__all__ and "_seal_with_fixed_salt_for_test_vectors" not in envelope.__all__
    # Every call draws a fresh salt (FORMAT.md §5).
    a, b = envelope.seal_with_key(KEY, b"same", b""), envelope.seal_with_key(KEY, b"same", b"")
    assert envelope.header(a)["key"] == envelope.header(b)["key"] and a[13:45] != b[13:45]


@pytest.fixture(scope="session")
def cli() -> Path:
    """The `kmipkit` binary, built by cargo (incrementally) for this test."""
    out = subprocess.run(
        ["cargo", "build", "-p", "kmipkit-cli", "--locked", "--message-format=json-render-diagnostics"],
        cwd=REPO, check=True, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL,
    )
    for line in out.stdout.splitlines():
        message: dict[str, Any] = json.loads(line)
        if message.get("reason") == "compiler-artifact" and message.get("executable") \
                and message["target"]["name"] == "kmipkit":
            return Path(message["executable"])
    raise AssertionError("cargo built no kmipkit binary")


@pytest.fixture
def cli_config(server: TestServer, tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "kmipkit.toml"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(
            f'[primary]\nname = "kms1"\nhost = "127.0.0.1"\nport = {server.port}\n'
            f"ca = {json.dumps(server.path('ca'))}\nclient_cert = {json.dumps(server.path('client_cert'))}\n"
            f"client_key = {json.dumps(server.path('client_key'))}\n"
        )
    yield path


def test_cli_pairs_and_python_mappings_are_one_context(
    cli: Path, cli_config: Path, client: kmipkit.Client, unique: str, tmp_path: Path
) -> None:
    prefix = unique + ":"
    model = kmipkit.Model2(client, prefix)
    pairs = {"table": "orders", "row": "7", "path": "C:\\exports\\a=b"}
    flags = [a for k, v in pairs.items() for a in ("-C", f"{k}={v}")]

    def run(*args: str, data: bytes) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            [str(cli), "--config", str(cli_config), *args], input=data, capture_output=True, cwd=tmp_path,
        )

    # The CLI encrypts with pairs; Python decrypts with the mapping, in another order, or its bytes.
    done = run("encrypt", "--for", "C-7", "--prefix", prefix, *flags, data=b"from the CLI")
    assert done.returncode == 0, done.stderr.decode()
    reordered = dict(reversed(list(pairs.items())))
    assert model.decrypt("C-7", done.stdout, reordered) == b"from the CLI"
    assert model.decrypt("C-7", done.stdout, envelope.encode_context(pairs)) == b"from the CLI"
    with pytest.raises(kmipkit.IntegrityError):
        model.decrypt("C-7", done.stdout, {**pairs, "row": "8"})

    # Python encrypts with the mapping; the CLI decrypts with the pairs, and refuses others.
    ciphertext = model.encrypt("C-7", b"from Python", pairs)
    reordered_flags = [a for k, v in reordered.items() for a in ("-C", f"{k}={v}")]
    done = run("decrypt", "--for", "C-7", "--prefix", prefix, *reordered_flags, data=ciphertext)
    assert (done.returncode, done.stdout) == (0, b"from Python"), done.stderr.decode()
    done = run("decrypt", "--for", "C-7", "--prefix", prefix, "-C", "table=orders", data=ciphertext)
    assert done.returncode == 6, done.stderr.decode()
