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


def test_async_operations(server: TestServer, unique: str) -> None:
    async def main() -> None:
        async with kmipkit.AsyncClient(server.config()) as client:
            assert client.version == "2.0"
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
            assert err.value.result_reason == "ItemNotFound"

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

        m2 = kmipkit.AsyncModel2(client, unique + "-")
        cts = await asyncio.gather(*(m2.encrypt("U", f"{i}".encode()) for i in range(10)))
        assert len({envelope.header(c)["key"] for c in cts}) == 1  # one key, even on concurrent first use
        assert [await m2.decrypt("U", c) for c in cts] == [f"{i}".encode() for i in range(10)]
        rot = kmipkit.AsyncModel2Rotation(m2)
        await rot.add_version("U")
        await rot.promote("U", 2)
        assert (await rot.primary("U")).version == 2
        await client.close()

    asyncio.run(main())


def test_async_connection_error(server: TestServer) -> None:
    config = kmipkit.Config(servers=[server.server(port=1)], timeouts={"deadline": 2, "connect": 1})

    async def main() -> None:
        with pytest.raises(kmipkit.AllServersFailed) as err:
            await kmipkit.AsyncClient.connect(config)
        assert "127.0.0.1:1" in str(err.value)

    asyncio.run(main())
