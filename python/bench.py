#!/usr/bin/env python3
"""kmipkit for Python: client CPU per Get against PyKMIP's own client, and envelope encryption
throughput against aws-encryption-sdk, tink and cryptography's AESGCM, in one run.

    python3 -m venv target/bench-venv
    target/bench-venv/bin/pip install -r conformance/pykmip/requirements.txt \\
        aws-encryption-sdk==4.0.7 tink==1.10.0 ./python
    target/bench-venv/bin/python python/bench.py          # from the repository root
    target/bench-venv/bin/python python/bench.py envelope # the throughput table alone (no server)
    target/bench-venv/bin/python -P python/bench.py concurrency  # gather vs loop vs get_many (a server)

Client CPU is the benchmark process's CPU time (all its threads, user + system, from
``time.process_time``) divided by the number of Gets; the PyKMIP server runs in its own process
and is not counted. Throughput is single-threaded, plaintext bytes per wall second, for encrypt
and decrypt, best of several rounds. Prints a Markdown table for BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

import kmipkit
from kmipkit import envelope

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO / "conformance" / "pykmip" / "kmip-test-server"
SIZES = [("1 KiB", 1 << 10), ("64 KiB", 64 << 10), ("1 MiB", 1 << 20)]


def cpu_per_call(call: Callable[[], object], n: int) -> tuple[float, float]:
    call()  # warm: connection, negotiation
    c0, w0 = time.process_time(), time.perf_counter()
    for _ in range(n):
        call()
    return (time.process_time() - c0) / n, (time.perf_counter() - w0) / n


def client_benchmark(info: dict[str, object], gets: int) -> list[str]:
    from kmip.core import enums
    from kmip.pie.client import ProxyKmipClient

    server = kmipkit.Server("127.0.0.1", port=int(str(info["port"])), ca=str(info["ca"]),
                            client_cert=str(info["client_cert"]), client_key=str(info["client_key"]))
    rows = []
    with kmipkit.Client(kmipkit.Config(servers=[server])) as client:
        uid = client.create_aes_key("bench-get")
        ours_cpu, ours_wall = cpu_per_call(lambda: client.get(uid).material(), gets)
        ten = [uid] * 10
        batch_cpu, batch_wall = cpu_per_call(lambda: client.get_many(ten), max(gets // 10, 20))
        batch_cpu, batch_wall = batch_cpu / 10, batch_wall / 10
    theirs = ProxyKmipClient(hostname="127.0.0.1", port=int(str(info["port"])), cert=str(info["client_cert"]),
                             key=str(info["client_key"]), ca=str(info["ca"]), config="client",
                             config_file=str(info["client_config"]), kmip_version=enums.KMIPVersion.KMIP_2_0)
    theirs.open()
    try:
        py_cpu, py_wall = cpu_per_call(lambda: theirs.get(uid).value, max(gets // 4, 50))
    finally:
        theirs.close()
    rows.append(f"| kmipkit `Client.get` | {ours_cpu * 1e6:,.0f} µs | {ours_wall * 1e6:,.0f} µs | 1 |")
    rows.append(f"| kmipkit `Client.get_many`, 10 Gets per batch | {batch_cpu * 1e6:,.0f} µs "
                f"| {batch_wall * 1e6:,.0f} µs | {batch_cpu / ours_cpu:.2f} |")
    rows.append(f"| PyKMIP `ProxyKmipClient.get` | {py_cpu * 1e6:,.0f} µs | {py_wall * 1e6:,.0f} µs "
                f"| {py_cpu / ours_cpu:.1f}x more CPU than `get`, {py_cpu / batch_cpu:.1f}x than `get_many` |")
    return rows


def throughput(encrypt: Callable[[bytes], bytes], decrypt: Callable[[bytes], bytes], size: int) -> tuple[float, float]:
    data = os.urandom(size)
    n = max(3, (64 << 20) // size // 4)
    best_e = best_d = float("inf")
    ct = encrypt(data)
    pt = decrypt(ct)
    assert pt == data
    for _ in range(3):
        t = time.perf_counter()
        for _ in range(n):
            ct = encrypt(data)
        best_e = min(best_e, (time.perf_counter() - t) / n)
        t = time.perf_counter()
        for _ in range(n):
            pt = decrypt(ct)  # kept, like the encrypt loop's result, for every library alike
        best_d = min(best_d, (time.perf_counter() - t) / n)
    return size / best_e / 1e6, size / best_d / 1e6


def envelope_contenders() -> dict[str, tuple[Callable[[bytes], bytes], Callable[[bytes], bytes]]]:
    import aws_encryption_sdk
    from aws_encryption_sdk.identifiers import CommitmentPolicy, EncryptionKeyType, WrappingAlgorithm
    from aws_encryption_sdk.internal.crypto.wrapping_keys import WrappingKey
    from aws_encryption_sdk.key_providers.raw import RawMasterKey
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    import tink
    from tink import aead

    key = os.urandom(32)
    context = b"tenant=acme;table=orders"

    def ours_e(p: bytes) -> bytes:
        return envelope.seal_with_key(key, p, context)

    def ours_d(c: bytes) -> bytes:
        return envelope.open_with_key(key, c, context)

    sdk = aws_encryption_sdk.EncryptionSDKClient(commitment_policy=CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT)
    master = RawMasterKey(provider_id="bench", key_id=b"k1", wrapping_key=WrappingKey(
        wrapping_algorithm=WrappingAlgorithm.AES_256_GCM_IV12_TAG16_NO_PADDING,
        wrapping_key=key, wrapping_key_type=EncryptionKeyType.SYMMETRIC))
    ec = {"tenant": "acme", "table": "orders"}

    def aws_e(p: bytes) -> bytes:
        return bytes(sdk.encrypt(source=p, key_provider=master, encryption_context=ec)[0])

    def aws_d(c: bytes) -> bytes:
        return bytes(sdk.decrypt(source=c, key_provider=master)[0])

    aead.register()
    primitive = tink.new_keyset_handle(aead.aead_key_templates.AES256_GCM).primitive(aead.Aead)

    def tink_e(p: bytes) -> bytes:
        return bytes(primitive.encrypt(p, context))

    def tink_d(c: bytes) -> bytes:
        return bytes(primitive.decrypt(c, context))

    gcm = AESGCM(key)

    def floor_e(p: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + gcm.encrypt(nonce, p, context)

    def floor_d(c: bytes) -> bytes:
        return gcm.decrypt(c[:12], c[12:], context)

    return {
        "kmipkit `envelope.seal_with_key` (KMKE format, HKDF + commitment, 64 KiB frames)": (ours_e, ours_d),
        "aws-encryption-sdk 4.0.7 (raw AES-256 wrapping key, committing suite)": (aws_e, aws_d),
        "tink 1.10.0 AEAD (AES256_GCM)": (tink_e, tink_d),
        "cryptography AESGCM (the floor: one GCM call, no format)": (floor_e, floor_d),
    }


def concurrency_benchmark(info: dict[str, object], rounds: int = 5) -> list[str]:
    """Wall time of N Gets of one key through ``AsyncClient``: one after the other, all at once
    with ``asyncio.gather``, and in one KMIP batch with ``get_many``; gather with the default
    connection cap and with a cap so high it never binds (the behaviour before the cap)."""
    import asyncio

    server = kmipkit.Server("127.0.0.1", port=int(str(info["port"])), ca=str(info["ca"]),
                            client_cert=str(info["client_cert"]), client_key=str(info["client_key"]))

    async def measure(n: int, cap: int) -> dict[str, float]:
        config = kmipkit.Config(servers=[server], pool={"max_connections_per_server": cap},
                                timeouts={"deadline": 120, "request": 60})
        async with kmipkit.AsyncClient(config) as client:
            uid = await client.create_aes_key(f"bench-concurrency-{n}-{cap}")

            async def loop() -> None:
                for _ in range(n):
                    await client.get(uid)

            async def gather() -> None:
                await asyncio.gather(*(client.get(uid) for _ in range(n)))

            async def batch() -> None:
                out = await client.get_many([uid] * n)
                assert not any(isinstance(o, Exception) for o in out)

            best: dict[str, float] = {}
            for name, run in (("loop", loop), ("gather", gather), ("get_many", batch)):
                times = []
                for _ in range(rounds):
                    t = time.perf_counter()
                    await run()
                    times.append(time.perf_counter() - t)
                best[name] = sorted(times)[len(times) // 2]  # the median round
            return best

    rows = []
    for n in (50, 500):
        capped = asyncio.run(measure(n, 8))
        uncapped = asyncio.run(measure(n, 100_000))
        rows.append(f"| {n} | {capped['loop'] * 1e3:,.0f} ms | {capped['gather'] * 1e3:,.0f} ms "
                    f"| {uncapped['gather'] * 1e3:,.0f} ms | {capped['get_many'] * 1e3:,.0f} ms |")
    return rows


def main() -> int:
    if sys.argv[1:] == ["concurrency"]:
        where = tempfile.mkdtemp(prefix="kmipkit-bench-")
        out = subprocess.run([str(HARNESS), "start", "--dir", where, "--port", "0", "--json"],
                             check=True, stdout=subprocess.PIPE)
        info = json.loads(out.stdout)
        print(f"kmipkit {kmipkit.__version__}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
              f"load average {os.getloadavg()[0]:.1f}\n")
        try:
            rows = concurrency_benchmark(info)
        finally:
            subprocess.run([str(HARNESS), "stop", "--dir", where], check=True)
            shutil.rmtree(where, ignore_errors=True)
        print("N Gets of one key, AsyncClient, one PyKMIP 0.11 server on loopback; median of 5 rounds\n")
        print("| N | sequential loop | `gather`, cap 8 (default) | `gather`, no cap (before) | `get_many` (one batch) |")
        print("|---:|---:|---:|---:|---:|")
        print("\n".join(rows))
        print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
        return 0
    envelope_only = sys.argv[1:] == ["envelope"]
    print(f"kmipkit {kmipkit.__version__}, Python {platform.python_version()}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}\n")
    if not envelope_only:
        gets = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
        where = tempfile.mkdtemp(prefix="kmipkit-bench-")
        out = subprocess.run([str(HARNESS), "start", "--dir", where, "--port", "0", "--json"],
                             check=True, stdout=subprocess.PIPE)
        info = json.loads(out.stdout)
        try:
            client_rows = client_benchmark(info, gets)
        finally:
            subprocess.run([str(HARNESS), "stop", "--dir", where], check=True)
            shutil.rmtree(where, ignore_errors=True)
        print("Client CPU per Get (one PyKMIP 0.11 server on loopback, KMIP 2.0, one connection reused)\n")
        print("| client | CPU per Get | wall per Get | ratio |\n|---|---:|---:|---:|")
        print("\n".join(client_rows))
    print("\nEnvelope encryption throughput, MB/s (10^6 bytes of plaintext per second), encrypt / decrypt\n")
    contenders = envelope_contenders()
    print("| library | " + " | ".join(name for name, _ in SIZES) + " |\n|---|" + "---:|" * len(SIZES))
    for name, (e, d) in contenders.items():
        cells = []
        for _, size in SIZES:
            enc, dec = throughput(e, d, size)
            cells.append(f"{enc:,.0f} / {dec:,.0f}")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
