"""The PyKMIP-client side of the Get benchmark; runs in the harness's venv. Prints one JSON object.

    <venv>/bin/python pykmip_get.py --config DIR/client.conf --setup
        creates one AES-256 key with ProxyKmipClient (identity of section `client`); prints its uid
    <venv>/bin/python pykmip_get.py --config DIR/client.conf --uid UID --api API --n 400 \
        [--batch 10] [--warmup 20] [--server-pid PID]

APIs (all over one connection, opened by `with ProxyKmipClient(...)` and kept for the run):
  proxy      ProxyKmipClient.get(uid) -- PyKMIP's own client, one Get per request; it has no batching
  kmipproxy  the lower-level KMIPProxy.get(uid) (ProxyKmipClient.proxy), one Get per request
  batch      KMIPProxy with --batch Gets per request message: PyKMIP's client has no public batch
             call, so the message is built with its own internals (RequestBatchItem with unique
             batch item ids, _build_request_message, _send_and_receive_message)

Only the timed loop is measured: wall time (time.perf_counter), this process's CPU time
(resource.getrusage(RUSAGE_SELF), user + system; /proc/self/task/*/schedstat as a cross-check)
and, with --server-pid, the server's utime + stime from /proc/PID/stat. Every reply is checked:
success and 32 bytes of key material, so a refusal cannot pass for a fast Get.
"""
import argparse
import json
import os
import resource
import sys
import time

from kmip import enums
from kmip.core import enums as core_enums
from kmip.core.messages import contents, messages, payloads
from kmip.pie.client import ProxyKmipClient


def own_cpu_us():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1e6


def own_schedstat_us():
    total = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/schedstat") as f:
                total += int(f.read().split()[0])
        except OSError:
            pass
    return total / 1000


def stat_cpu_us(pid):
    with open(f"/proc/{pid}/stat") as f:
        text = f.read()
    fields = text[text.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) * 1e6 / os.sysconf("SC_CLK_TCK")


def check_secret(value, what):
    if len(value) != 32:
        raise RuntimeError(f"{what} returned {len(value)} key bytes, not 32")


def get_proxy(c, uid):
    key = c.get(uid)  # raises on any refusal
    check_secret(key.value, "ProxyKmipClient.get")


def get_kmipproxy(c, uid):
    result = c.proxy.get(uid)
    if result.result_status.value != enums.ResultStatus.SUCCESS:
        raise RuntimeError(f"Get: {result.result_reason} {result.result_message}")
    check_secret(result.secret.key_block.key_value.key_material.value, "KMIPProxy.get")


def get_batch(c, uid, batch):
    proxy = c.proxy
    items = [
        messages.RequestBatchItem(
            operation=contents.Operation(core_enums.Operation.GET),
            unique_batch_item_id=contents.UniqueBatchItemID(i.to_bytes(4, "big")),
            request_payload=payloads.GetRequestPayload(unique_identifier=uid),
        )
        for i in range(batch)
    ]
    response = proxy._send_and_receive_message(proxy._build_request_message(None, items))
    if len(response.batch_items) != batch:
        raise RuntimeError(f"{len(response.batch_items)} batch items for {batch} Gets")
    for i, item in enumerate(response.batch_items):
        if item.result_status.value != enums.ResultStatus.SUCCESS:
            raise RuntimeError(f"batched Get: {item.result_reason} {item.result_message}")
        if item.unique_batch_item_id.value != i.to_bytes(4, "big"):
            raise RuntimeError("batch item ids out of order")
        payload = item.response_payload
        check_secret(payload.secret.key_block.key_value.key_material.value, "batched Get")


def run(c, args, gets):
    uid = args.uid
    if args.api == "proxy":
        for _ in range(gets):
            get_proxy(c, uid)
    elif args.api == "kmipproxy":
        for _ in range(gets):
            get_kmipproxy(c, uid)
    else:
        for _ in range(gets // args.batch):
            get_batch(c, uid, args.batch)


def setup(args):
    with ProxyKmipClient(config="client", config_file=args.config) as c:
        uid = c.create(enums.CryptographicAlgorithm.AES, 256, name="kmipkit-get-bench")
        check_secret(c.get(uid).value, "setup Get")
        return {"uid": uid, "kmip_version": c.kmip_version.value}


def bench(args):
    if args.api != "batch":
        args.batch = 1
    if args.n % args.batch:
        raise SystemExit("--n must be a multiple of --batch")
    with ProxyKmipClient(config="client", config_file=args.config) as c:
        warmup = max(1, -(-args.warmup // args.batch)) * args.batch
        run(c, args, warmup)  # the connection is open and every code path imported
        server_before = stat_cpu_us(args.server_pid) if args.server_pid else None
        sched_before = own_schedstat_us()
        cpu_before = own_cpu_us()
        start = time.perf_counter()
        run(c, args, args.n)
        wall = time.perf_counter() - start
        cpu = own_cpu_us() - cpu_before
        sched = own_schedstat_us() - sched_before
        server = stat_cpu_us(args.server_pid) - server_before if args.server_pid else None
        version = c.kmip_version.value
    return {
        "client": "pykmip",
        "api": {"proxy": "ProxyKmipClient.get", "kmipproxy": "KMIPProxy.get",
                "batch": "KMIPProxy batch (internals)"}[args.api],
        "kmip_version": version,
        "batch": args.batch,
        "gets": args.n,
        "wall_s": wall,
        "gets_per_s": args.n / wall,
        "client_cpu_us_per_get": cpu / args.n,
        "client_cpu_us_per_get_schedstat": sched / args.n,
        "server_cpu_us_per_get": server / args.n if server is not None else None,
        "python": sys.version.split()[0],
    }


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--config", required=True)
    p.add_argument("--setup", action="store_true")
    p.add_argument("--uid")
    p.add_argument("--api", choices=["proxy", "kmipproxy", "batch"], default="proxy")
    p.add_argument("--n", type=int, default=400)
    p.add_argument("--batch", type=int, default=10)
    p.add_argument("--warmup", type=int, default=20)
    p.add_argument("--server-pid", type=int)
    args = p.parse_args()
    if not args.setup and not args.uid:
        p.error("--uid is required (or --setup)")
    out = setup(args) if args.setup else bench(args)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
