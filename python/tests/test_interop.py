"""Interoperability with PyKMIP's own client (ProxyKmipClient) on the same server."""

from __future__ import annotations

from typing import Iterator

import pytest
from kmip.core import enums  # type: ignore[import-untyped]
from kmip.pie import client as pykmip_client  # type: ignore[import-untyped]
from kmip.pie import objects

import kmipkit
from kmipkit import Client

from conftest import TestServer
from server_differences import excluded


@pytest.fixture
def pykmip(request: pytest.FixtureRequest, server: TestServer) -> Iterator[pykmip_client.ProxyKmipClient]:
    excluded(request.node.name)
    c = pykmip_client.ProxyKmipClient(
        hostname="127.0.0.1",
        port=server.port,
        cert=server.path("client_cert"),
        key=server.path("client_key"),
        ca=server.path("ca"),
        config="client",
        config_file=server.path("client_config"),
        kmip_version=enums.KMIPVersion.KMIP_2_0,
    )
    c.open()
    yield c
    c.close()


def test_a_key_pykmip_creates_kmipkit_reads_and_uses(
    pykmip: pykmip_client.ProxyKmipClient, client: Client, unique: str
) -> None:
    uid = pykmip.create(enums.CryptographicAlgorithm.AES, 256, name=unique,
                        cryptographic_usage_mask=[enums.CryptographicUsageMask.ENCRYPT,
                                                  enums.CryptographicUsageMask.DECRYPT])
    pykmip.activate(uid)
    expected = pykmip.get(uid).value
    obj = client.get(uid)
    assert obj.material() == expected
    assert client.locate_by_name(unique) == [uid]
    # kmipkit uses it: server-side encryption that PyKMIP decrypts, and a Model 2 key by name.
    params = {"block_cipher_mode": "CBC", "padding_method": "PKCS5", "cryptographic_algorithm": "AES"}
    iv = b"\x01" * 16
    enc = client.encrypt(uid, b"interop data", params=params, iv=iv)
    plain = pykmip.decrypt(enc.data, uid=uid, cryptographic_parameters={
        "block_cipher_mode": enums.BlockCipherMode.CBC,
        "padding_method": enums.PaddingMethod.PKCS5,
        "cryptographic_algorithm": enums.CryptographicAlgorithm.AES,
    }, iv_counter_nonce=iv)
    assert plain == b"interop data"
    model = kmipkit.Model2(client, "")
    ct = model.encrypt(unique, b"sealed under PyKMIP's key")
    assert kmipkit.envelope.header(ct)["key"].uid == uid
    assert model.decrypt(unique, ct) == b"sealed under PyKMIP's key"


def test_a_key_kmipkit_registers_pykmip_retrieves(
    pykmip: pykmip_client.ProxyKmipClient, client: Client, unique: str
) -> None:
    key = bytes(range(7, 39))
    uid = client.register(key, attributes={"name": unique, "cryptographic_usage_mask": ["Encrypt", "Decrypt"]})
    got = pykmip.get(uid)
    assert isinstance(got, objects.SymmetricKey)
    assert got.value == key
    assert got.cryptographic_algorithm == enums.CryptographicAlgorithm.AES and got.cryptographic_length == 256
    assert pykmip.locate(attributes=[]) and uid in pykmip.locate()
