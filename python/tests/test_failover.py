"""Failover: a primary and a secondary; the primary dies mid-run and operations continue."""

from __future__ import annotations

import asyncio
from typing import Callable

import kmipkit

from conftest import TestServer


def _config(primary: TestServer, secondary: TestServer) -> kmipkit.Config:
    return kmipkit.Config(
        servers=[primary.server(name="primary"), secondary.server(name="secondary")],
        timeouts={"connect": 2, "request": 10, "deadline": 30, "failover_delay": "50ms", "down_backoff": 30},
    )


def test_failover_sync(start_server: Callable[..., TestServer]) -> None:
    primary, secondary = start_server(), start_server()
    with kmipkit.Client(_config(primary, secondary)) as client:
        made: list[str] = []
        for i in range(20):
            if i == 8:
                primary.kill()  # mid-run
            uid = client.create_aes_key(f"failover-{i}")
            made.append(uid)
            assert len(client.get(uid).material()) == 32  # each returned key exists where we are
        # After the primary died, every key lives on the secondary.
        assert all(client.locate_by_name(f"failover-{i}") for i in range(8, 20))


def test_failover_async(start_server: Callable[..., TestServer]) -> None:
    primary, secondary = start_server(), start_server()

    async def main() -> None:
        async with kmipkit.AsyncClient(_config(primary, secondary)) as client:
            for i in range(12):
                if i == 4:
                    primary.kill()
                uid = await client.create_aes_key(f"afailover-{i}")
                assert len((await client.get(uid)).material()) == 32

    asyncio.run(main())


def test_model2_create_on_first_use_while_the_primary_is_down(start_server: Callable[..., TestServer]) -> None:
    """By default a Model 2 key is not created on a secondary while the primary cannot be asked
    (it may exist there); ``create_when_primary_down=True`` allows it, for replicated servers."""
    primary, secondary = start_server(), start_server()
    primary.kill()
    with kmipkit.Client(_config(primary, secondary)) as client:
        model = kmipkit.Model2(client, "py-policy:")
        try:
            model.encrypt("c4", b"x")
        except kmipkit.errors.ConnectionFailed as e:
            assert "cannot tell whether `py-policy:c4` exists: primary is down" in str(e)
        else:
            raise AssertionError("created a key on the secondary while the primary was down")
    lenient = kmipkit.Config(
        servers=[primary.server(name="primary"), secondary.server(name="secondary")],
        timeouts={"connect": 2, "request": 10, "deadline": 30, "failover_delay": "50ms"},
        create_when_primary_down=True,
    )
    with kmipkit.Client(lenient) as client:
        model = kmipkit.Model2(client, "py-policy:")
        assert model.decrypt("c4", model.encrypt("c4", b"x")) == b"x"
