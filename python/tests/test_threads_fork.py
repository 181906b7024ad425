"""One client shared by 8 threads for 1,000 mixed operations; the GIL is released while a call
waits; fork safety."""

from __future__ import annotations

import gc
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import kmipkit
from kmipkit import Client, envelope

from conftest import TestServer


def test_eight_threads_one_client_1000_mixed_operations(client: Client, unique: str) -> None:
    uid = client.create_aes_key(unique)
    client.activate(uid)
    key = client.get(uid).material()
    cache = kmipkit.KeyCache()
    model = kmipkit.Model2(client, unique + ":", cache=cache)
    errors: list[BaseException] = []

    def op(i: int) -> None:
        try:
            kind = i % 10
            if kind < 5:
                assert client.get(uid).material() == key
            elif kind < 7:
                assert client.get_attributes(uid, ["state"])["state"] == "Active"
            elif kind == 7:
                assert client.locate_by_name(unique) == [uid]
            elif kind == 8:
                assert "Get" in client.query().operations
            else:
                ct = model.encrypt(f"t{i % 8}", f"{i}".encode(), b"ctx")
                assert model.decrypt(f"t{i % 8}", ct, b"ctx") == f"{i}".encode()
        except BaseException as e:  # noqa: BLE001 - every failure is collected and reported
            errors.append(e)

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(op, range(1000)))
    assert errors == []


def test_gil_released_while_waiting(client: Client) -> None:
    """A pure-Python thread keeps running while another thread waits on the key server."""
    stop = threading.Event()
    ticks = [0]

    def spin() -> None:
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < 1.0:
        client.query()
        calls += 1
    stop.set()
    t.join()
    assert calls > 10 and ticks[0] > 100_000


def test_gil_released_during_local_crypto() -> None:
    key = os.urandom(32)
    data = os.urandom(8 << 20)
    stop = threading.Event()
    ticks = [0]

    def spin() -> None:
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    for _ in range(3):
        envelope.open_with_key(key, envelope.seal_with_key(key, data), b"")
    stop.set()
    t.join()
    assert ticks[0] > 1000


def test_fork(server: TestServer, client: Client) -> None:
    """After fork the child gets a fresh runtime: a client inherited from the parent refuses,
    a new one works. The parent's client keeps working."""
    client.query()
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports through the pipe and exits without running pytest's cleanup
        code = 1
        try:
            try:
                client.query()
                verdict = "inherited client worked"
            except RuntimeError as e:
                verdict = "refused" if "fork" in str(e) else f"wrong error {e}"
            if verdict == "refused":
                with kmipkit.Client(server.config()) as fresh:
                    verdict = "ok" if "Get" in fresh.query().operations else "query failed"
            os.write(w, verdict.encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    verdict = os.read(r, 1000).decode()
    os.close(r)
    assert os.WEXITSTATUS(status) == 0 and verdict == "ok"
    assert "Get" in client.query().operations


def _no_copy_on_fork_ranges() -> set[str]:
    """The address ranges of this process marked "dc" (MADV_DONTFORK) in /proc/self/smaps."""
    ranges: set[str] = set()
    current = ""
    with open("/proc/self/smaps") as smaps:
        for line in smaps:
            head = line.split(" ", 1)[0]
            if "-" in head and not head.endswith(":"):
                current = head
            elif line.startswith("VmFlags:") and "dc" in line.split()[1:]:
                ranges.add(current)
    return ranges


def test_fork_child_gets_no_key_material(server: TestServer, client: Client, unique: str) -> None:
    """Keys live in memory a forked child does not inherit (MADV_DONTFORK): the kernel leaves
    their mappings out of the child, reading a parent's key there raises instead of returning
    bytes, dropping it is harmless, and a key cache shared with the parent fetches again."""
    uid = client.create_aes_key(unique)
    client.activate(uid)
    secret = client.get(uid).secret
    assert secret is not None
    key = secret.expose()
    doomed = client.get(uid).secret  # dropped in the child
    cache = kmipkit.KeyCache()
    model = kmipkit.Model2(client, unique + ":", cache=cache)
    sealed = model.encrypt("doc", b"cached before the fork", b"")
    parent_ranges = _no_copy_on_fork_ranges()
    assert parent_ranges, "the parent's secrets are marked MADV_DONTFORK"
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reports through the pipe and exits without running pytest's cleanup
        code = 1
        try:
            with open("/proc/self/maps") as maps:
                inherited = parent_ranges & {line.split(" ", 1)[0] for line in maps}
            try:
                leaked = secret.expose() == key
                verdict = "the child read the key" if leaked else "the child read other bytes"
            except RuntimeError as e:
                verdict = "refused" if "fork" in str(e) else f"wrong error {e}"
            if inherited:
                verdict = f"inherited {sorted(inherited)}"
            if verdict == "refused":
                del doomed
                gc.collect()
                with kmipkit.Client(server.config()) as fresh:
                    # The parent's cache holds the key, unreadable here: it is fetched again.
                    again = kmipkit.Model2(fresh, unique + ":", cache=cache)
                    ok = again.decrypt("doc", sealed, b"") == b"cached before the fork"
                    verdict = "ok" if ok else "decrypt failed"
            os.write(w, verdict.encode())
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    _, status = os.waitpid(pid, 0)
    verdict = os.read(r, 1000).decode()
    os.close(r)
    assert os.WEXITSTATUS(status) == 0 and verdict == "ok", verdict
    assert secret.expose() == key, "the parent keeps its key"
    assert model.decrypt("doc", sealed, b"") == b"cached before the fork"

