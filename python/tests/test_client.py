"""Every client operation PyKMIP supports, blocking."""

from __future__ import annotations

import hashlib
import hmac

import pytest

import kmipkit
from kmipkit import Client

from server_differences import differs


def test_version_and_query(client: Client) -> None:
    newest = "2.1" if differs("test_version_and_query") else "2.0"
    assert client.version == newest
    q = client.query()
    assert "Create" in q.operations and "Get" in q.operations
    assert q.vendor_identification
    assert client.discover_versions()[0] == newest
    assert client.discover_versions(["1.4", "1.2"]) == ["1.4", "1.2"]


def test_create_get_locate_lifecycle(client: Client, unique: str) -> None:
    uid = client.create_aes_key(unique, 256)
    assert client.locate_by_name(unique) == [uid]
    assert client.locate({"name": unique, "object_type": "SymmetricKey"}) == [uid]
    obj = client.get(uid)
    assert obj.object_type == "SymmetricKey"
    assert obj.cryptographic_algorithm == "AES" and obj.cryptographic_length == 256
    assert len(obj.material()) == 32
    assert "material" not in repr(obj) and obj.material().hex() not in repr(obj)
    attrs = client.get_attributes(uid)
    assert attrs["state"] == "PreActive"
    assert attrs["cryptographic_usage_mask"] == ["Encrypt", "Decrypt"]
    assert "name" in client.get_attribute_list(uid)
    client.activate(uid)
    assert client.get_attributes(uid, ["state"])["state"] == "Active"
    client.revoke(uid, "CessationOfOperation", message="rotated")
    assert client.get_attributes(uid, ["state"])["state"] == "Deactivated"
    client.destroy(uid)
    with pytest.raises(kmipkit.ServerError) as err:
        client.get(uid)
    gone = "ObjectDestroyed" if differs("test_create_get_locate_lifecycle") else "ItemNotFound"
    assert err.value.result_reason == gone
    assert err.value.operation == "Get"
    assert err.value.code == 0x0301


def test_register_and_server_crypto(client: Client, unique: str) -> None:
    key = bytes(range(32))
    uid = client.register(key, attributes={"name": unique, "cryptographic_usage_mask": ["Encrypt", "Decrypt"]})
    client.activate(uid)
    assert client.get(uid).material() == key
    params = {"block_cipher_mode": "GCM", "cryptographic_algorithm": "AES", "tag_length": 16}
    iv = bytes(12)
    enc = client.encrypt(uid, b"attack at dawn", params=params, iv=iv, aad=b"hdr")
    assert enc.tag is not None and len(enc.tag) == 16
    # Check against a local AES-GCM implementation (cryptography, PyKMIP's dependency).
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    assert AESGCM(key).encrypt(iv, b"attack at dawn", b"hdr") == enc.data + enc.tag
    assert client.decrypt(uid, enc.data, params=params, iv=iv, aad=b"hdr", tag=enc.tag) == b"attack at dawn"
    with pytest.raises(kmipkit.ServerError):
        client.decrypt(uid, enc.data, params=params, iv=iv, aad=b"other", tag=enc.tag)


def test_attributes_change(client: Client, unique: str) -> None:
    uid = client.create_aes_key(unique)
    assert client.get_attributes(uid, ["sensitive"])["sensitive"] is False
    client.set_attribute(uid, "sensitive", True)
    assert client.get_attributes(uid, ["sensitive"])["sensitive"] is True
    client.modify_attribute(uid, "name", unique + "-renamed", current=unique)
    assert client.locate_by_name(unique + "-renamed") == [uid]
    assert client.locate_by_name(unique) == []
    client.delete_attribute(uid, "name")
    # Cosmian at 2.x deletes only by value: a reference is answered success, the name stays.
    assert ("name" in client.get_attributes(uid)) == differs("test_attributes_change")


def test_mac_secret_data_rng_keypair(client: Client, unique: str) -> None:
    mac_key = b"k" * 32
    uid = client.register(mac_key, algorithm="HMAC_SHA256",
                          attributes={"name": unique, "cryptographic_usage_mask": ["MACGenerate"]})
    client.activate(uid)
    cosmian = differs("test_mac_secret_data_rng_keypair")
    if cosmian:
        with pytest.raises(kmipkit.ServerError, match="Hashing algorithm is required") as err:
            client.mac(uid, b"data", "HMAC_SHA256")
        assert err.value.result_reason == "OperationNotSupported"
    else:
        assert client.mac(uid, b"data", "HMAC_SHA256") == hmac.new(mac_key, b"data", hashlib.sha256).digest()
    sid = client.register(b"hunter2", object_type="SecretData", attributes={"name": unique + "-s"})
    assert client.get(sid).material() == b"hunter2"
    if cosmian:
        assert len(client.rng_retrieve(16)) == 16
    else:
        with pytest.raises(kmipkit.ServerError) as err:  # PyKMIP 0.11 has no RNG Retrieve
            client.rng_retrieve(16)
        assert err.value.result_reason == "InvalidMessage"
    pair = client.create_key_pair(
        common={"cryptographic_algorithm": "RSA", "cryptographic_length": 2048},
        private_key={"cryptographic_usage_mask": ["Sign"], "name": unique + "-priv"},
        public_key={"cryptographic_usage_mask": ["Verify"], "name": unique + "-pub"},
    )
    client.activate(pair.private_key_id)
    client.activate(pair.public_key_id)
    params = {"digital_signature_algorithm": "SHA_256WithRSAEncryption", "padding_method": "PKCS1V1_5"}
    sig = client.sign(pair.private_key_id, b"msg", params)
    assert client.signature_verify(pair.public_key_id, b"msg", sig, params)
    assert not client.signature_verify(pair.public_key_id, b"other", sig, params)


def test_unsupported_operations_are_server_errors(client: Client, unique: str) -> None:
    uid = client.create_aes_key(unique)
    if differs("test_unsupported_operations_are_server_errors"):
        # Cosmian has Check and ReKey: the same calls succeed.
        assert client.check(uid) == uid
        client.activate(uid)
        assert client.rekey(uid) not in ("", uid)
        return
    with pytest.raises(kmipkit.ServerError) as err:
        client.check(uid)
    assert err.value.result_reason == "OperationNotSupported"
    # The server's profile says what to do instead (docs/SERVERS.md).
    explanation = err.value.explanation
    assert explanation is not None and explanation.startswith("PyKMIP 0.11.0 does not implement Check"), explanation
    assert explanation in str(err.value)
    with pytest.raises(kmipkit.ServerError) as err:
        client.rekey(uid)
    assert err.value.explanation is not None and "create a new key" in err.value.explanation


def test_get_many_in_one_batch(client: Client, unique: str) -> None:
    keys = [bytes([i]) * 32 for i in range(5)]
    uids = [client.register(k, attributes={"name": f"{unique}-{i}"}) for i, k in enumerate(keys)]
    got = client.get_many(uids + ["no-such-object"])
    assert [g.material() for g in got[:5] if isinstance(g, kmipkit.ManagedObject)] == keys
    missing = got[5]
    reason = "ObjectNotFound" if differs("test_get_many_in_one_batch") else "ItemNotFound"
    assert isinstance(missing, kmipkit.ServerError) and missing.result_reason == reason


def test_get_wrapped_under_a_kek(client: Client, unique: str) -> None:
    from cryptography.hazmat.primitives.keywrap import aes_key_unwrap

    kek_bytes, key = bytes(range(32)), bytes(range(32, 64))
    kek = client.register(kek_bytes, attributes={"name": unique + "-kek",
                                                 "cryptographic_usage_mask": ["WrapKey", "Encrypt"]})
    client.activate(kek)
    target = client.register(key, attributes={"name": unique, "cryptographic_usage_mask": ["Encrypt"]})
    wrapped = client.get(target, wrapping_key=kek)
    assert wrapped.wrapped and len(wrapped.material()) == 40  # RFC 3394 adds 8 bytes
    assert aes_key_unwrap(kek_bytes, wrapped.material()) == key


def test_derive_key_hkdf(client: Client, unique: str) -> None:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    base_key = bytes(range(32))
    base = client.register(base_key, attributes={"name": unique, "cryptographic_usage_mask": ["DeriveKey"]})
    salt, info = b"kmipkit salt", b"kmipkit derivation context"
    if differs("test_derive_key_hkdf"):
        with pytest.raises(kmipkit.ServerError, match="Unsupported derivation method") as err:
            client.derive_key([base], "HMAC", info,
                              attributes={"cryptographic_algorithm": "AES", "cryptographic_length": 256},
                              params={"hashing_algorithm": "SHA_256"}, salt=salt)
        assert err.value.result_reason == "OperationNotSupported"
        return
    # PyKMIP's "HMAC" derivation is HKDF (RFC 5869) with the derivation data as info.
    derived = client.derive_key(
        [base], "HMAC", info,
        attributes={"cryptographic_algorithm": "AES", "cryptographic_length": 256},
        params={"hashing_algorithm": "SHA_256"}, salt=salt,
    )
    expected = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(base_key)
    assert client.get(derived).material() == expected
