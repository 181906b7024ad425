"""Many calls at once share the core's capped connection pool: they never open more connections
than ``max_connections_per_server``, and none fails. Counted on the server's side, from the
connections PyKMIP's log records accepting."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Callable

import kmipkit

from conftest import TestServer


def _connections_accepted(server: TestServer) -> int:
    return Path(server.path("log")).read_text().count("Receiving incoming connection from")


def test_gather_never_opens_more_connections_than_the_cap(start_server: Callable[..., TestServer]) -> None:
    server = start_server()
    cap = 3
    config = server.config(pool={"max_connections_per_server": cap})

    async def main() -> None:
        async with kmipkit.AsyncClient(config) as client:
            uid = await client.create_aes_key("concurrency-cap")
            before = _connections_accepted(server)
            objects = await asyncio.gather(*(client.get(uid) for _ in range(60)))
            assert all(len(o.material()) == 32 for o in objects)
            # The connection that made the key is reused; at most `cap` are open at once.
            assert _connections_accepted(server) - before <= cap

    asyncio.run(main())


def test_the_default_cap_holds_for_threads_too(start_server: Callable[..., TestServer]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    server = start_server()
    # Only the idle limit is raised to the cap: with the default (4), connections beyond it are
    # closed when they come back and opened again later, so the server would count more than
    # were ever open at once. The connection cap itself is the default.
    with kmipkit.Client(server.config(pool={"max_idle_per_server": 8})) as client:
        uid = client.create_aes_key("concurrency-threads")
        before = _connections_accepted(server)
        with ThreadPoolExecutor(max_workers=24) as pool:
            objects = list(pool.map(lambda _: client.get(uid), range(120)))
        assert all(len(o.material()) == 32 for o in objects)
        assert _connections_accepted(server) - before <= 8  # the default max_connections_per_server
