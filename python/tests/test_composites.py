"""What the clients take from the core's composites: one batch of Gets with a result per id,
the Register defaults of each kind, an AES key for a usage, locate by name, Re-Key Key Pair."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

import kmipkit
from kmipkit import Client

from conftest import TestServer
from server_differences import differs


def test_get_many_answers_every_id_past_a_refusal(client: Client, unique: str) -> None:
    keys = [bytes([i]) * 32 for i in range(1, 4)]
    uids = [client.register(k, attributes={"name": f"{unique}-{i}"}) for i, k in enumerate(keys)]
    # A missing id in the middle: the items after it are still answered (KMIP's default
    # would drop them), and an id asked twice is answered twice, in order.
    got = client.get_many([uids[2], "no-such-object", uids[0], uids[1], uids[2]])
    assert len(got) == 5
    missing = got[1]
    reason = "ObjectNotFound" if differs("test_get_many_answers_every_id_past_a_refusal") else "ItemNotFound"
    assert isinstance(missing, kmipkit.ServerError) and missing.result_reason == reason
    found = [g for i, g in enumerate(got) if i != 1]
    assert all(isinstance(g, kmipkit.ManagedObject) for g in found)
    assert [g.material() for g in found if isinstance(g, kmipkit.ManagedObject)] == [
        keys[2], keys[0], keys[1], keys[2]
    ]
    assert client.get_many([]) == []


def test_create_aes_key_for_a_usage(client: Client, unique: str) -> None:
    uid = client.create_aes_key(unique, 128, usage=["WrapKey", "UnwrapKey"])
    attrs = client.get_attributes(uid, ["cryptographic_usage_mask", "cryptographic_length", "state"])
    usage = attrs["cryptographic_usage_mask"]
    assert isinstance(usage, list) and sorted(usage) == ["UnwrapKey", "WrapKey"]
    assert attrs["cryptographic_length"] == 128 and attrs["state"] == "PreActive"
    assert client.locate_by_name(unique) == [uid]
    with pytest.raises(ValueError, match="`Decrpyt` is not a name of mask CryptographicUsageMask"):
        client.create_aes_key(unique + "-bad", usage=["Encrypt", "Decrpyt"])  # type: ignore[list-item]


def test_register_defaults_of_each_kind(client: Client, server: TestServer, unique: str) -> None:
    blob = bytes(range(256))
    if differs("test_register_defaults_of_each_kind"):
        with pytest.raises(kmipkit.ServerError, match="OpaqueDataType") as err:
            client.register(blob, object_type="OpaqueObject", attributes={"name": unique + "-o"})
        assert err.value.result_reason == "InvalidMessage"
    else:
        opaque = client.get(client.register(blob, object_type="OpaqueObject", attributes={"name": unique + "-o"}))
        assert opaque.object_type == "OpaqueObject" and opaque.material() == blob

    pem = Path(server.path("ca")).read_text()
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import Encoding

    der = x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)
    cert = client.get(client.register(der, object_type="Certificate", attributes={"name": unique + "-c"}))
    assert cert.object_type == "Certificate" and cert.certificate == der

    with pytest.raises(kmipkit.errors.EncodeError, match="SymmetricKey, SecretData, OpaqueObject or Certificate"):
        client.register(b"\x01" * 8, object_type="PrivateKey")
    with pytest.raises(kmipkit.errors.EncodeError, match="SymmetricKey only"):
        client.register(b"pw", object_type="SecretData", algorithm="AES")


def test_rekey_key_pair_is_refused_by_pykmip(client: Client, server: TestServer, unique: str) -> None:
    uid = client.create_aes_key(unique)
    # Cosmian has Re-Key Key Pair, and refuses an id that is no private key as ItemNotFound.
    refusal = "ItemNotFound" if differs("test_rekey_key_pair_is_refused_by_pykmip") else "OperationNotSupported"
    with pytest.raises(kmipkit.ServerError) as err:
        client.rekey_key_pair(uid)
    assert err.value.result_reason == refusal

    async def main() -> None:
        async with kmipkit.AsyncClient(server.config()) as aclient:
            with pytest.raises(kmipkit.ServerError) as err:
                await aclient.rekey_key_pair(uid)
            assert err.value.result_reason == refusal
            got = await aclient.get_many([uid, "no-such-object", uid])
            assert isinstance(got[1], kmipkit.ServerError)
            assert isinstance(got[0], kmipkit.ManagedObject) and isinstance(got[2], kmipkit.ManagedObject)
            assert await aclient.locate_by_name(unique) == [uid]

    asyncio.run(main())
