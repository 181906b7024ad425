"""Talk to a harness server with PyKMIP's own client; print one JSON object.

    <venv>/bin/python probe.py --config DIR/client.conf [--section NAME] MODE

Sections of client.conf are identities: client, other, expired, wrong-ca, no-client-auth
(and probe, which the launcher uses). Modes:
  --wait SECONDS       retry DiscoverVersions until it works (readiness); exit 1 on timeout
  --roundtrip          DiscoverVersions, Query, Create AES-256, Get it back (32 bytes); prints uid
  --expect-refused     exit 0 only if DiscoverVersions (or --get UID) is refused; prints why
  --get UID            with --expect-refused: Get UID (another identity's key must be refused)
"""
import argparse
import json
import logging
import sys
import time

from kmip import enums
from kmip.pie.client import ProxyKmipClient


def client(args):
    return ProxyKmipClient(config=args.section, config_file=args.config)


def versions(c):
    result = c.proxy.discover_versions()
    if result.result_status.value != enums.ResultStatus.SUCCESS:
        raise RuntimeError(f"DiscoverVersions: {result.result_reason} {result.result_message}")
    return [f"{v.major}.{v.minor}" for v in result.protocol_versions]


def wait(args):
    deadline = time.monotonic() + args.wait
    last = None
    while time.monotonic() < deadline:
        try:
            with client(args) as c:
                return {"versions": versions(c)}
        except Exception as e:  # not up yet: refused, reset, handshake in progress
            last = e
            time.sleep(0.2)
    raise TimeoutError(f"no round trip within {args.wait} s; last error: {last!r}")


def roundtrip(args):
    with client(args) as c:
        out = {"versions": versions(c)}
        query = c.proxy.query(query_functions=[enums.QueryFunction.QUERY_OPERATIONS])
        out["operations"] = len(query.operations or [])
        uid = c.create(enums.CryptographicAlgorithm.AES, 256, name="kmipkit-selftest")
        key = c.get(uid)
        if len(key.value) != 32 or key.cryptographic_length != 256:
            raise RuntimeError(f"Get returned {len(key.value)} bytes / {key.cryptographic_length}")
        out.update(uid=uid, key_bytes=len(key.value))
    return out


def expect_refused(args):
    try:
        with client(args) as c:
            if args.get:
                c.get(args.get)
            else:
                versions(c)
    except Exception as e:
        if isinstance(e, ConnectionRefusedError):
            raise RuntimeError("connection refused: is the server running?")
        return {"refused": True, "error": f"{type(e).__name__}: {e}"}
    raise RuntimeError(f"section {args.section!r} was NOT refused")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    p.add_argument("--section", default="client")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--wait", type=float)
    mode.add_argument("--roundtrip", action="store_true")
    mode.add_argument("--expect-refused", action="store_true")
    p.add_argument("--get")
    args = p.parse_args()
    logging.disable(logging.CRITICAL)  # PyKMIP logs every failed attempt
    try:
        if args.wait is not None:
            out = wait(args)
        elif args.roundtrip:
            out = roundtrip(args)
        else:
            out = expect_refused(args)
    except Exception as e:
        print(f"probe [{args.section}]: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
