"""Model 1 and Model 2 against a live PyKMIP server: in memory, streaming over file-like
objects, rotation and bulk rotation with progress, the key cache, dependency reports."""

from __future__ import annotations

import io
import os
import threading
import time
from typing import BinaryIO, cast

import pytest

import kmipkit
from kmipkit import Client, envelope

from conftest import TestServer
from server_differences import differs


def test_model1_roundtrip_and_data_key(client: Client, unique: str) -> None:
    model = kmipkit.Model1(client, unique, 1)
    kek = model.ensure_kek()
    assert kek.name == unique and kek.version == 1 and kek.uid
    assert model.kek() == kek
    ct = model.encrypt(b"row 1", b"table=orders")
    assert model.decrypt(ct, b"table=orders") == b"row 1"
    with pytest.raises(kmipkit.IntegrityError):
        model.decrypt(ct, b"table=other")
    dek = model.create_dek()
    assert "bytes" in repr(dek) and dek.expose().hex() not in repr(dek)
    many = [dek.seal(f"row {i}".encode(), b"t") for i in range(5)]
    assert [model.decrypt(c, b"t") for c in many] == [f"row {i}".encode() for i in range(5)]
    # The protected form unlocks to the same key on the key manager.
    assert model.unlock(dek.protected).expose() == dek.expose()
    assert envelope.header(ct)["key"] == kek
    local = model.create_dek(local=True)
    assert model.decrypt(local.seal(b"x"), b"") == b"x"


def test_model1_key_wrap_is_refused_at_setup_by_a_server_that_cannot_unwrap(client: Client, unique: str) -> None:
    # PyKMIP 0.11 has no Import and cannot unwrap on the server: key wrap is refused when the
    # KEK is set up, not at the first unlock; the default method still works.
    model = kmipkit.Model1(client, unique, 1, kek_method="key-wrap")
    assert model.kek_method == "key-wrap"
    if differs("test_model1_key_wrap_is_refused_at_setup_by_a_server_that_cannot_unwrap"):
        model.ensure_kek()
        dek = model.create_dek()
        assert model.unlock(dek.protected).expose() == dek.expose()
    else:
        with pytest.raises(kmipkit.ProtocolError, match="cannot protect Model 1 data keys by AES key wrap"):
            model.ensure_kek()
    assert kmipkit.Model1(client, unique + "-gcm", 1).kek_method == "encrypt"
    with pytest.raises(kmipkit.ConfigError, match="key-wrap"):
        kmipkit.Model1(client, unique, 1, kek_method="rfc3394")


def test_model1_without_a_version_uses_the_current_kek_version(client: Client, unique: str) -> None:
    # Issue 18 item 5: after a rotation, a model made without a version encrypts under the new
    # version (before, it defaulted to version 1).
    first = kmipkit.Model1(client, unique)
    assert first.kek_version == 1  # no version yet: the first one, which ensure_kek creates
    kek1 = first.ensure_kek()
    kek2 = kmipkit.Model1(client, unique, 2).ensure_kek()
    current = kmipkit.Model1(client, unique)
    assert current.kek_version == 2 and current.kek_key_name == f"{unique}/v2"
    assert kmipkit.Model1.current(client, unique).kek_key_name == f"{unique}/v2"
    ct = current.encrypt(b"after rotate", b"x=1")
    assert envelope.header(ct)["key"] == kek2
    assert kmipkit.Model1(client, unique, 1).decrypt(ct, b"x=1") == b"after rotate"
    # A staged (Pre-Active) higher version does not take over until it is activated.
    staged = client.create_aes_key(f"{unique}/v3")
    assert kmipkit.Model1(client, unique).kek_version == 2
    client.activate(staged)
    assert kmipkit.Model1(client, unique).kek_version == 3
    # None Active: an error naming the states rather than a silent choice.
    for uid in (staged, kek2.uid, kek1.uid):
        client.revoke(uid)
    with pytest.raises(kmipkit.ProtocolError, match="is Active"):
        kmipkit.Model1(client, unique)


def test_model1_refuses_a_ciphertext_of_another_kek(client: Client, unique: str) -> None:
    # Issue 18 item 4: the model's KEK decides, not the ciphertext. Before, a model sharing a
    # key cache with another KEK's model decrypted that KEK's ciphertexts.
    cache = kmipkit.KeyCache()
    a = kmipkit.Model1(client, f"{unique}-a", 1, cache)
    b = kmipkit.Model1(client, f"{unique}-b", 1, cache)
    a.ensure_kek()
    b.ensure_kek()
    dek_b = b.create_dek()
    of_b = dek_b.seal(b"B's data", b"c")
    assert b.decrypt(of_b, b"c") == b"B's data"  # B's key is now in the shared cache
    with pytest.raises(kmipkit.IntegrityError, match="-b"):
        a.decrypt(of_b, b"c")
    with pytest.raises(kmipkit.IntegrityError):
        a.decrypt_stream(io.BytesIO(of_b), io.BytesIO(), b"c")
    with pytest.raises(kmipkit.IntegrityError):
        a.unlock(dek_b.protected)
    rotation = kmipkit.Model1Rotation(a)
    with pytest.raises(kmipkit.IntegrityError):
        rotation.is_current(of_b)
    with pytest.raises(kmipkit.IntegrityError):
        rotation.rewrap(of_b)
    out = io.BytesIO()
    assert b.decrypt_stream(io.BytesIO(of_b), out, b"c") == len(b"B's data")
    # Streaming under a given data key: only one of the model's own KEK, whose ciphertexts the
    # model can open again.
    with pytest.raises(kmipkit.IntegrityError):
        a.encrypt_stream(io.BytesIO(b"x"), io.BytesIO(), b"c", dek=dek_b)
    streamed = io.BytesIO()
    assert b.encrypt_stream(io.BytesIO(b"more"), streamed, b"c", dek=dek_b) == 4
    assert b.decrypt(streamed.getvalue(), b"c") == b"more"
    assert envelope.header(streamed.getvalue())["wrapped_dek"] == dek_b.protected


def test_model1_streaming(client: Client, unique: str) -> None:
    model = kmipkit.Model1(client, unique, 1)
    model.ensure_kek()
    data = os.urandom(300_000)  # several 64 KiB frames
    out = io.BytesIO()
    assert model.encrypt_stream(io.BytesIO(data), out, b"ctx") == len(data)
    ct = out.getvalue()
    assert model.decrypt(ct, b"ctx") == data  # streaming and in-memory forms are one format
    back = io.BytesIO()
    assert model.decrypt_stream(io.BytesIO(ct), back, b"ctx") == len(data)
    assert back.getvalue() == data
    truncated = io.BytesIO(ct[:-20])
    with pytest.raises(kmipkit.IntegrityError):
        model.decrypt_stream(truncated, io.BytesIO(), b"ctx")


class _Greedy(io.BytesIO):
    """A file-like whose ``read(n)`` ignores ``n`` and returns everything left."""

    def read(self, size: int | None = -1) -> bytes:
        return super().read()


class _Trickle(io.RawIOBase):
    """A raw stream whose ``write`` takes at most 1000 bytes per call, as raw streams may."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, b: "bytes | bytearray | memoryview") -> int:  # type: ignore[override]
        taken = bytes(b[:1000])
        self.data += taken
        return len(taken)


def test_streaming_over_odd_file_likes(client: Client, unique: str) -> None:
    model = kmipkit.Model1(client, unique, 1)
    model.ensure_kek()
    data = os.urandom(150_000)
    # Bytes beyond what was asked for are refused, never silently dropped.
    with pytest.raises(OSError, match="returned"):
        model.encrypt_stream(_Greedy(data), io.BytesIO(), b"ctx")
    # Short writes are completed: nothing is lost.
    out = _Trickle()
    assert model.encrypt_stream(io.BytesIO(data), cast(BinaryIO, out), b"ctx") == len(data)
    assert model.decrypt(bytes(out.data), b"ctx") == data
    back = _Trickle()
    assert model.decrypt_stream(io.BytesIO(bytes(out.data)), cast(BinaryIO, back), b"ctx") == len(data)
    assert bytes(back.data) == data
    # A wrong context fails the key commitment: the core's IntegrityError, not an OSError.
    with pytest.raises(kmipkit.IntegrityError):
        model.decrypt_stream(io.BytesIO(bytes(out.data)), io.BytesIO(), b"other")
    # A header naming another KEK than its protected DEK is refused, streamed or not.
    dek = model.create_dek()
    forged = envelope.seal_with_key(
        dek.expose(), b"x", b"", key_ref=kmipkit.KeyRef("another-kek", 1, "u"), wrapped_dek=dek.protected
    )
    with pytest.raises(kmipkit.IntegrityError):
        model.decrypt(forged, b"")
    with pytest.raises(kmipkit.IntegrityError, match="does not name the KEK"):
        model.decrypt_stream(io.BytesIO(forged), io.BytesIO(), b"")


def test_model2_roundtrip_streaming_and_isolation(client: Client, unique: str) -> None:
    model = kmipkit.Model2(client, unique + ":")
    assert model.find_key("C-1") is None
    ct = model.encrypt("C-1", b"invoice 7", b"table=invoices")
    key = model.find_key("C-1")
    assert key is not None and key.name == unique + ":C-1" and key.version == 1
    assert model.decrypt("C-1", ct, b"table=invoices") == b"invoice 7"
    with pytest.raises(kmipkit.IntegrityError):
        model.decrypt("C-2", ct, b"table=invoices")  # another customer's id
    data = os.urandom(200_000)
    out = io.BytesIO()
    model.encrypt_stream("C-1", io.BytesIO(data), out, b"s")
    assert model.decrypt("C-1", out.getvalue(), b"s") == data
    back = io.BytesIO()
    model.decrypt_stream("C-1", io.BytesIO(out.getvalue()), back, b"s")
    assert back.getvalue() == data
    with pytest.raises(kmipkit.IntegrityError):
        model.decrypt_stream("C-9", io.BytesIO(out.getvalue()), io.BytesIO(), b"s")


def test_key_cache(client: Client, unique: str) -> None:
    cache = kmipkit.KeyCache(max_age=60, max_uses=100)
    model = kmipkit.Model2(client, unique + ":", cache=cache)
    cts = [model.encrypt("A", f"{i}".encode()) for i in range(5)]
    assert [model.decrypt("A", c) for c in cts] == [f"{i}".encode() for i in range(5)]
    stats = cache.stats()
    assert stats["fetches"] == 1 and stats["hits"] >= 8 and len(cache) == 1
    cache.purge()
    assert len(cache) == 0
    assert "KeyCache" in repr(cache)


def test_model1_rotation(client: Client, unique: str) -> None:
    v1 = kmipkit.Model1(client, unique, 1)
    v1.ensure_kek()
    store = {f"item-{i}": v1.encrypt(f"secret {i}".encode(), b"c") for i in range(4)}
    v2 = kmipkit.Model1(client, unique, 2)
    kek2 = v2.ensure_kek()
    rotation = kmipkit.Model1Rotation(v2)
    seen: list[kmipkit.Progress] = []
    report = rotation.rewrap_all(store.items(), store.__setitem__, seen.append)
    assert report.processed == 4 and report.rotated == 4 and report.already_current == 0
    assert [p.processed for p in seen] == [1, 2, 3, 4]
    assert all(rotation.is_current(c) for c in store.values())
    assert all(v2.decrypt(c, b"c") == f"secret {i}".encode() for i, c in enumerate(store.values()))
    again = rotation.rewrap_all(store.items(), store.__setitem__)
    assert again.rotated == 0 and again.already_current == 4
    by_version, unreadable = envelope.dependencies(store.items())
    assert list(by_version) == [kek2] and unreadable == []
    # Old KEK version is no longer needed: destroy it; the data still decrypts.
    old = v1.kek()
    envelope.destroy_version(client, store.items(), old)
    assert client.locate_by_name(v1.kek_key_name) == []
    assert v2.decrypt(store["item-0"], b"c") == b"secret 0"
    # A sink that raises stops the run with its own exception.
    v3 = kmipkit.Model1(client, unique, 3)
    v3.ensure_kek()

    def refuse(item: str, new: bytes) -> None:
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        kmipkit.Model1Rotation(v3).rewrap_all(store.items(), refuse)
    # is_current from another thread while a bulk run is inside its sink: it waits with the
    # GIL released (holding it would deadlock the sink; this test would hang).
    v4 = kmipkit.Model1(client, unique, 4)
    v4.ensure_kek()
    rotation4 = kmipkit.Model1Rotation(v4)
    in_sink = threading.Event()

    def slow_sink(item: str, new: bytes) -> None:
        in_sink.set()
        time.sleep(0.3)
        store[item] = new

    worker = threading.Thread(target=rotation4.rewrap_all, args=(list(store.items()), slow_sink))
    worker.start()
    assert in_sink.wait(30)
    first = next(iter(store))
    rotation4.is_current(store[first])
    worker.join(30)
    assert not worker.is_alive() and all(rotation4.is_current(c) for c in store.values())


def test_model2_rotation(client: Client, unique: str) -> None:
    model = kmipkit.Model2(client, unique + ":")
    rotation = kmipkit.Model2Rotation(model)
    items = {i: model.encrypt("D", f"doc {i}".encode(), b"x") for i in range(3)}
    v2 = rotation.add_version("D")
    assert v2.version == 2
    assert [(k.version, s) for k, s in rotation.versions("D")] == [(1, "Active"), (2, "PreActive")]
    rotation.promote("D", 2)
    assert model.key_for("D").version == 2
    rotation.deactivate("D", 1)
    # New data goes to the primary version, without asking for it.
    assert envelope.header(model.encrypt("D", b"new", b"x"))["key"].version == 2
    counts: list[int] = []
    if differs("test_model2_rotation"):
        # Re-encryption reads v1's data: Cosmian refuses to Get the Deactivated v1.
        with pytest.raises(kmipkit.ServerError) as err:
            rotation.reencrypt_all("D", [(i, b"x", c) for i, c in items.items()], items.__setitem__,
                                   lambda p: counts.append(p.rotated))
        assert err.value.result_reason == "WrongKeyLifecycleState" and err.value.operation == "Get"
        assert counts == []
        assert [(k.version, s) for k, s in model.versions("D")] == [(1, "Deactivated"), (2, "Active")]
        return
    result = rotation.reencrypt_all("D", [(i, b"x", c) for i, c in items.items()], items.__setitem__,
                                    lambda p: counts.append(p.rotated))
    assert result.rotated == 3 and counts == [1, 2, 3]
    assert all(envelope.header(c)["key"].version == 2 for c in items.values())
    assert [model.decrypt("D", c, b"x") for c in items.values()] == [b"doc 0", b"doc 1", b"doc 2"]
    assert [(k.version, s) for k, s in model.versions("D")] == [(1, "Deactivated"), (2, "Active")]


def test_model2_compromised_key(client: Client, unique: str) -> None:
    cache = kmipkit.KeyCache(max_age=600)
    model = kmipkit.Model2(client, unique + ":", cache=cache)
    rotation = kmipkit.Model2Rotation(model)
    ct = model.encrypt("K", b"secret", b"x")
    # Revoked for compromise through the rotation: the cached key stops serving at once.
    rotation.revoke("K", 1, "KeyCompromise")
    with pytest.raises(kmipkit.ProtocolError, match="Compromised"):
        model.encrypt("K", b"more", b"x")
    with pytest.raises(kmipkit.ProtocolError, match="allow_compromised"):
        model.decrypt("K", ct, b"x")
    with pytest.raises(kmipkit.ProtocolError, match="Compromised"):
        model.decrypt_stream("K", io.BytesIO(ct), io.BytesIO(), b"x")
    assert model.decrypt("K", ct, b"x", allow_compromised=True) == b"secret"
    out = io.BytesIO()
    model.decrypt_stream("K", io.BytesIO(ct), out, b"x", allow_compromised=True)
    assert out.getvalue() == b"secret"
    # Revoked by someone else (the client itself, not a model): seen by a model without cache.
    fresh = kmipkit.Model2(client, unique + ":")
    rotation.add_version("K")
    rotation.promote("K", 2)
    ct2 = fresh.encrypt("K", b"two", b"x")
    assert envelope.header(ct2)["key"].version == 2
    client.revoke(envelope.header(ct2)["key"].uid, "KeyCompromise")
    with pytest.raises(kmipkit.ProtocolError, match="no Active version"):
        fresh.encrypt("K", b"three", b"x")


def test_model2_names_and_cache_scope(client: Client, server: TestServer, unique: str) -> None:
    with pytest.raises(kmipkit.errors.EncodeError):
        kmipkit.Model2(client, unique + "-")  # a prefix ends with its only ':'
    model = kmipkit.Model2(client, unique + ":")
    with pytest.raises(kmipkit.errors.EncodeError, match="separates key versions"):
        model.encrypt("Z/v2", b"x")
    # Another identity handed this client's cache is refused, not served.
    cache = kmipkit.KeyCache()
    mine = kmipkit.Model2(client, unique + ":", cache=cache)
    ct = mine.encrypt("A", b"mine")
    config = kmipkit.Config(servers=[server.server(cert="other_client_cert", key="other_client_key")])
    with kmipkit.Client(config) as other:
        theirs = kmipkit.Model2(other, unique + ":", cache=cache)
        with pytest.raises(kmipkit.ConfigError, match="another client identity"):
            theirs.decrypt("A", ct)
