"""How the Python adapter connects clients: one `Session` per scenario variant."""

from __future__ import annotations

import os
from typing import Dict, Optional

import kmipkit

from pyrunner.args import Args
from pyrunner.runner import Variant


class Session:
    """A scenario variant's clients, connected on a step's first use of each (a connection
    error is then that step's outcome) and closed at the end; its one key cache; its scratch
    files under `{{work}}`."""

    def __init__(self, variant: Variant) -> None:
        self.work = variant.work
        self.vectors = variant.vectors
        self.clients: Dict[str, kmipkit.Client] = {}
        self.cache: Optional[kmipkit.KeyCache] = None
        self.files = 0

    def client(self, a: Args) -> kmipkit.Client:
        """The client of the step's configuration, as a user loads it."""
        if a.config not in self.clients:
            self.clients[a.config] = kmipkit.Client(kmipkit.Config.load(a.config))
        return self.clients[a.config]

    def key_cache(self) -> kmipkit.KeyCache:
        if self.cache is None:
            self.cache = kmipkit.KeyCache()
        return self.cache

    def cache_for(self, a: Args) -> Optional[kmipkit.KeyCache]:
        """The scenario's key cache when the step says `cache: true`."""
        return self.key_cache() if a.flag("cache") else None

    def scratch(self, what: str) -> str:
        """A new file name in the scratch directory (streams go through real files)."""
        self.files += 1
        os.makedirs(self.work, exist_ok=True)
        return os.path.join(self.work, f"stream-{os.getpid()}-{self.files}.{what}")

    def close(self) -> None:
        for client in self.clients.values():
            try:
                client.close()
            except kmipkit.KmipError:
                pass  # a client whose connection already failed: the step said so
        self.clients.clear()
