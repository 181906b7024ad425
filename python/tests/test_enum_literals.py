"""Enumeration arguments are ``Literal`` types: ``mypy --strict`` refuses a misspelt KMIP value,
and the lists agree with the specification table the native module reads."""

from __future__ import annotations

import re
import textwrap
import typing
from pathlib import Path

import pytest
from mypy import api as mypy_api

from kmipkit import enums

SPEC = Path(__file__).resolve().parents[2] / "core" / "spec" / "kmip.spec"


def spec_names(kind: str, name: str) -> list[str]:
    text = SPEC.read_text()
    block = re.search(rf"^{kind} {name}\n((?:    .*\n)+)", text, re.M)
    assert block, name
    names: list[str] = []
    for line in block.group(1).splitlines():
        if line.split()[0] not in names:
            names.append(line.split()[0])
    return names


@pytest.mark.skipif(not SPEC.is_file(), reason="core/spec/kmip.spec is in the repository only")
@pytest.mark.parametrize(
    "alias, kind, name",
    [
        (enums.ObjectTypeName, "enum", "ObjectType"),
        (enums.StateName, "enum", "State"),
        (enums.RevocationReason, "enum", "RevocationReasonCode"),
        (enums.CryptographicAlgorithmName, "enum", "CryptographicAlgorithm"),
        (enums.HashingAlgorithmName, "enum", "HashingAlgorithm"),
        (enums.DerivationMethodName, "enum", "DerivationMethod"),
        (enums.UsageMaskName, "mask", "CryptographicUsageMask"),
    ],
)
def test_literals_are_the_specification_names(alias: object, kind: str, name: str) -> None:
    assert list(typing.get_args(alias)) == spec_names(kind, name)


SNIPPET = """
    from kmipkit import AsyncClient, Client

    def blocking(client: Client, uid: str) -> None:
        client.revoke(uid, "KeyCompromise")
        client.revoke(uid, "KeyCompromize")
        client.create("SymetricKey")
        client.hash(b"data", "SHA_256")

    async def asynchronous(client: AsyncClient, uid: str) -> None:
        await client.revoke(uid, "KeyCompromize")
"""


def test_mypy_refuses_misspelt_values(tmp_path: Path) -> None:
    source = tmp_path / "snippet.py"
    source.write_text(textwrap.dedent(SNIPPET))
    stdout, stderr, status = mypy_api.run(
        ["--strict", "--no-incremental", "--cache-dir", str(tmp_path / "cache"), str(source)]
    )
    assert status == 1, stdout + stderr
    errors = [line for line in stdout.splitlines() if ": error:" in line]
    lines = sorted(int(line.split(":")[1]) for line in errors)
    # Exactly the three misspellings (lines 6, 7 and 11 of the snippet), nothing else.
    assert lines == [6, 7, 11], stdout
    assert "KeyCompromize" in stdout and "SymetricKey" in stdout

