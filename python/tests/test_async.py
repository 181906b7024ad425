"""The asyncio client and models against a live server: operations, envelope encryption,
rotation, concurrency on one event loop, errors."""

from __future__ import annotations

import asyncio
import io
import os

import pytest

import kmipkit
from kmipkit import envelope

from conftest import TestServer
from server_differences import differs


def test_async_operations(server: TestServer, unique: str) -> None:
    async def main() -> None:
        async with kmipkit.AsyncClient(server.config()) as client:
            cosmian = differs("test_async_operations")
            assert client.version == ("2.1" if cosmian else "2.0")
            assert "Get" in (await client.query()).operations
            uid = await client.create_aes_key(unique)
            await client.activate(uid)
            assert (await client.get_attributes(uid, ["state"]))["state"] == "Active"
            obj = await client.get(uid)
            assert len(obj.material()) == 32
            assert await client.locate_by_name(unique) == [uid]
            # Many calls in flight on one loop.
            got = await asyncio.gather(*(client.get(uid) for _ in range(20)))
            assert {g.material() for g in got} == {obj.material()}
            await client.revoke(uid)
            await client.destroy(uid)
            with pytest.raises(kmipkit.ServerError) as err:
                await client.get(uid)
            assert err.value.result_reason == ("ObjectDestroyed" if cosmian else "ItemNotFound")

    asyncio.run(main())


def test_async_envelope_and_rotation(server: TestServer, unique: str) -> None:
    async def main() -> None:
        client = await kmipkit.AsyncClient.connect(server.config())
        m1 = kmipkit.AsyncModel1(client, unique, 1)
        await m1.ensure_kek()
        ct = await m1.encrypt(b"row", b"c")
        assert await m1.decrypt(ct, b"c") == b"row"
        out = io.BytesIO()
        data = os.urandom(100_000)
        await m1.encrypt_stream(io.BytesIO(data), out, b"c")
        back = io.BytesIO()
        await m1.decrypt_stream(io.BytesIO(out.getvalue()), back, b"c")
        assert back.getvalue() == data
        m1v2 = kmipkit.AsyncModel1(client, unique, 2)
        await m1v2.ensure_kek()
        store = {"a": ct}
        progress = await kmipkit.AsyncModel1Rotation(m1v2).rewrap_all(store.items(), store.__setitem__)
        assert progress.rotated == 1
        assert await m1v2.decrypt(store["a"], b"c") == b"row"
        # Without a version: the current one, now 2 (issue 18 item 5).
        current = await kmipkit.AsyncModel1.current(client, unique)
        assert current.kek_version == 2 and current.kek_name == unique
        assert envelope.header(await current.encrypt(b"new", b"c"))["key"].version == 2

        m2 = kmipkit.AsyncModel2(client, unique + ":")
        cts = await asyncio.gather(*(m2.encrypt("U", f"{i}".encode()) for i in range(10)))
        assert len({envelope.header(c)["key"] for c in cts}) == 1  # one key, even on concurrent first use
        assert [await m2.decrypt("U", c) for c in cts] == [f"{i}".encode() for i in range(10)]
        rot = kmipkit.AsyncModel2Rotation(m2)
        await rot.add_version("U")
        await rot.promote("U", 2)
        assert (await m2.key_for("U")).version == 2
        assert envelope.header(await m2.encrypt("U", b"new"))["key"].version == 2
        await client.close()

    asyncio.run(main())


def test_async_connection_error(server: TestServer) -> None:
    config = kmipkit.Config(servers=[server.server(port=1)], timeouts={"deadline": 2, "connect": 1})

    async def main() -> None:
        with pytest.raises(kmipkit.AllServersFailed) as err:
            await kmipkit.AsyncClient.connect(config)
        assert "127.0.0.1:1" in str(err.value)

    asyncio.run(main())


def test_async_every_supported_operation(server: TestServer, unique: str) -> None:
    async def main() -> None:
        async with kmipkit.AsyncClient(server.config()) as client:
            assert (await client.discover_versions(["1.4"])) == ["1.4"]
            key = bytes(range(32))
            uid = await client.register(key, attributes={"name": unique, "cryptographic_usage_mask": ["Encrypt", "Decrypt"]})
            await client.activate(uid)
            assert "name" in await client.get_attribute_list(uid)
            params = {"block_cipher_mode": "GCM", "cryptographic_algorithm": "AES", "tag_length": 16}
            enc = await client.encrypt(uid, b"async data", params=params, iv=bytes(12))
            assert await client.decrypt(uid, enc.data, params=params, iv=bytes(12), tag=enc.tag) == b"async data"
            await client.set_attribute(uid, "sensitive", True)
            assert (await client.get_attributes(uid, ["sensitive"]))["sensitive"] is True
            await client.modify_attribute(uid, "name", unique + "-2", current=unique)
            assert await client.locate({"name": unique + "-2"}) == [uid]
            await client.delete_attribute(uid, "name")
            mac_uid = await client.register(b"m" * 32, algorithm="HMAC_SHA256",
                                            attributes={"cryptographic_usage_mask": ["MACGenerate"]})
            await client.activate(mac_uid)
            cosmian = differs("test_async_every_supported_operation")
            if cosmian:
                with pytest.raises(kmipkit.ServerError, match="Hashing algorithm is required"):
                    await client.mac(mac_uid, b"x", "HMAC_SHA256")
            else:
                assert len(await client.mac(mac_uid, b"x", "HMAC_SHA256")) == 32
            pair = await client.create_key_pair(
                common={"cryptographic_algorithm": "RSA", "cryptographic_length": 2048},
                private_key={"cryptographic_usage_mask": ["Sign"]},
                public_key={"cryptographic_usage_mask": ["Verify"]},
            )
            await client.activate(pair.private_key_id)
            await client.activate(pair.public_key_id)
            sp = {"digital_signature_algorithm": "SHA_256WithRSAEncryption", "padding_method": "PKCS1V1_5"}
            sig = await client.sign(pair.private_key_id, b"m", sp)
            assert await client.signature_verify(pair.public_key_id, b"m", sig, sp)
            if cosmian:
                # Cosmian has RNG Retrieve, Check and ReKey.
                assert len(await client.rng_retrieve(8)) == 8
                assert await client.check(uid) == uid
                assert await client.rekey(uid) != uid
            else:
                for refused in (client.rng_retrieve(8), client.check(uid), client.rekey(uid)):
                    with pytest.raises(kmipkit.ServerError):
                        await refused
            await client.revoke(uid, "KeyCompromise", compromise_date=1_700_000_000)
            await client.destroy(uid)

    asyncio.run(main())


def test_async_tls_error(server: TestServer) -> None:
    config = kmipkit.Config(servers=[server.server(ca="wrong_ca")], timeouts={"deadline": 60, "connect": 2})

    async def main() -> None:
        with pytest.raises(kmipkit.CertificateError) as err:
            await kmipkit.AsyncClient.connect(config)
        assert any("rejected the server's certificate" in e for _, e in err.value.attempts)

    asyncio.run(main())
