#!/usr/bin/env python3
"""Talk to a Cosmian KMS harness server with hand-built KMIP TTLV; print one JSON object.

    probe.py --info DIR/server.json [--who client|other|expired|wrong-ca|no-client-auth] MODE

Python 3 standard library only (ssl + socket + http.client). Identities are the PEM pairs
named in server.json. Modes:
  --wait SECONDS     retry until a mutual-TLS DiscoverVersions on the socket port answers and
                     GET https://…/health says 200 (readiness); exit 1 on timeout
  --query            socket: DiscoverVersions, Query (operations, objects, server information);
                     HTTPS: GET /health, POST /kmip with the same DiscoverVersions in TTLV
  --expect-refused   exit 0 only if the socket DiscoverVersions is refused (TLS or KMIP level);
                     with --https the HTTPS POST /kmip instead
  --insecure         do not verify the server certificate (for --server-cert expired/wrong-host)
"""
import argparse
import http.client
import json
import socket
import ssl
import struct
import sys
import time

# KMIP tags, types and enumerations used here (KMIP 1.0-2.1 share them)
T_STRUCT, T_INT, T_LONG, T_BIG, T_ENUM, T_BOOL, T_TEXT, T_BYTES, T_DATE, T_INTERVAL = range(1, 11)
TAGS = {
    "BatchCount": 0x42000D, "BatchItem": 0x42000F, "ObjectType": 0x420057,
    "Operation": 0x42005C, "ProtocolVersion": 0x420069, "ProtocolVersionMajor": 0x42006A,
    "ProtocolVersionMinor": 0x42006B, "QueryFunction": 0x420074, "RequestHeader": 0x420077,
    "RequestMessage": 0x420078, "RequestPayload": 0x420079, "ResponseHeader": 0x42007A,
    "ResponseMessage": 0x42007B, "ResponsePayload": 0x42007C, "ResultMessage": 0x42007D,
    "ResultReason": 0x42007E, "ResultStatus": 0x42007F, "ServerInformation": 0x420088,
    "VendorIdentification": 0x42009D,
}
NAMES = {v: k for k, v in TAGS.items()}
OP_QUERY, OP_DISCOVER_VERSIONS = 0x18, 0x1E
OPERATIONS = ("Create CreateKeyPair Register ReKey DeriveKey Certify ReCertify Locate Check Get "
              "GetAttributes GetAttributeList AddAttribute ModifyAttribute DeleteAttribute "
              "ObtainLease GetUsageAllocation Activate Revoke Destroy Archive Recover Validate "
              "Query Cancel Poll Notify Put ReKeyKeyPair DiscoverVersions Encrypt Decrypt Sign "
              "SignatureVerify MAC MACVerify RNGRetrieve RNGSeed Hash CreateSplitKey "
              "JoinSplitKey Import Export Log Login Logout DelegatedLogin AdjustAttribute "
              "SetAttribute SetEndpointRole PKCS11 Interop ReProvision SetDefaults "
              "SetConstraints GetConstraints QueryAsynchronousRequests Process Ping").split()
OBJECT_TYPES = ("Certificate SymmetricKey PublicKey PrivateKey SplitKey Template SecretData "
                "OpaqueObject PGPKey CertificateRequest").split()
WHO = {"client": "client", "other": "other_client", "expired": "expired_client",
       "wrong-ca": "wrong_ca_client", "no-client-auth": "no_client_auth"}


# --- TTLV --------------------------------------------------------------------------------------

def item(tag, typ, value):
    if typ == T_STRUCT:
        body = b"".join(value)
    elif typ in (T_INT, T_ENUM):
        body = struct.pack(">i" if typ == T_INT else ">I", value)
    elif typ == T_TEXT:
        body = value.encode()
    else:
        raise ValueError(typ)
    head = struct.pack(">I", TAGS[tag])[1:] + bytes([typ]) + struct.pack(">I", len(body))
    return head + body + b"\0" * (-len(body) % 8)


def request(operation, payload=(), version=(1, 4)):
    header = item("RequestHeader", T_STRUCT, [
        item("ProtocolVersion", T_STRUCT, [item("ProtocolVersionMajor", T_INT, version[0]),
                                           item("ProtocolVersionMinor", T_INT, version[1])]),
        item("BatchCount", T_INT, 1)])
    batch = item("BatchItem", T_STRUCT, [item("Operation", T_ENUM, operation),
                                         item("RequestPayload", T_STRUCT, list(payload))])
    return item("RequestMessage", T_STRUCT, [header, batch])


def parse(data):
    """TTLV bytes -> list of (name, value); structures nest as lists."""
    out, i = [], 0
    while i + 8 <= len(data):
        tag = int.from_bytes(data[i:i + 3], "big")
        typ, length = data[i + 3], int.from_bytes(data[i + 4:i + 8], "big")
        body = data[i + 8:i + 8 + length]
        i += 8 + length + (-length % 8)  # every item is padded to 8 bytes
        name = NAMES.get(tag, f"0x{tag:06X}")
        if typ == T_STRUCT:
            value = parse(body)
        elif typ in (T_INT, T_ENUM, T_INTERVAL):
            value = int.from_bytes(body[:4], "big")
        elif typ in (T_LONG, T_DATE):
            value = int.from_bytes(body[:8], "big", signed=True)
        elif typ == T_BOOL:
            value = bool(int.from_bytes(body[:8], "big"))
        elif typ == T_TEXT:
            value = body.decode(errors="replace")
        else:
            value = body.hex()
        out.append((name, value))
    return out


def find(tree, name):
    return [v for n, v in tree if n == name]


def first(tree, *path):
    for name in path:
        found = find(tree, name)
        if not found:
            return None
        tree = found[0]
    return tree


def payload_of(response):
    """ResponseMessage bytes -> payload items; raises on a KMIP failure."""
    msg = first(parse(response), "ResponseMessage")
    if msg is None:
        raise RuntimeError(f"not a ResponseMessage: {response[:32].hex()}…")
    batch = first(msg, "BatchItem")
    status = first(batch, "ResultStatus")
    if status != 0:
        raise RuntimeError(f"KMIP failure: status {status} reason {first(batch, 'ResultReason')} "
                           f"message {first(batch, 'ResultMessage')!r}")
    return first(batch, "ResponsePayload") or []


# --- transports -------------------------------------------------------------------------------

def context(info, who, insecure):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(info["ca"])
    if insecure:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    prefix = WHO[who]
    ctx.load_cert_chain(info[prefix + "_cert"], info[prefix + "_key"])
    return ctx


def recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("connection closed by the server")
        buf += chunk
    return buf


class Socket:
    """One mutual-TLS KMIP connection to the socket port."""

    def __init__(self, info, who, insecure, timeout=10):
        raw = socket.create_connection((info["host"], info["port"]), timeout=timeout)
        self.conn = context(info, who, insecure).wrap_socket(raw, server_hostname=info["host"])

    def call(self, message):
        self.conn.sendall(message)
        head = recv_exact(self.conn, 8)
        return head + recv_exact(self.conn, int.from_bytes(head[4:8], "big"))

    def close(self):
        self.conn.close()


def https(info, who, insecure, method, path, body=None, timeout=10):
    conn = http.client.HTTPSConnection(info["host"], info["https_port"], timeout=timeout,
                                       context=context(info, who, insecure))
    try:
        headers = {"Content-Type": "application/octet-stream", "Cache-Control": "no-cache"}
        conn.request(method, path, body=body, headers=headers if body is not None else {})
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type"), resp.read()
    finally:
        conn.close()


def versions(payload):
    return [f"{first(v, 'ProtocolVersionMajor')}.{first(v, 'ProtocolVersionMinor')}"
            for v in find(payload, "ProtocolVersion")]


def discover(info, who, insecure):
    s = Socket(info, who, insecure)
    try:
        return versions(payload_of(s.call(request(OP_DISCOVER_VERSIONS))))
    finally:
        s.close()


def health(info, who, insecure):
    status, _, body = https(info, who, insecure, "GET", "/health")
    if status != 200:
        raise RuntimeError(f"GET /health: HTTP {status} {body[:200]!r}")
    return json.loads(body or b"null")


# --- modes ------------------------------------------------------------------------------------

def wait(args, info):
    deadline = time.monotonic() + args.wait
    last, out = None, {}
    while time.monotonic() < deadline:
        try:
            if "versions" not in out:
                out["versions"] = discover(info, args.who, args.insecure)
            out["health"] = health(info, args.who, args.insecure)
            return out
        except Exception as e:  # not up yet: refused, reset, handshake in progress
            last = e
            time.sleep(0.2)
    raise TimeoutError(f"not ready within {args.wait} s ({'HTTPS' if out else 'socket'} "
                       f"not answering); last error: {last!r}")


def query(args, info):
    s = Socket(info, args.who, args.insecure)
    try:
        out = {"versions": versions(payload_of(s.call(request(OP_DISCOVER_VERSIONS))))}
        p = payload_of(s.call(request(OP_QUERY, [item("QueryFunction", T_ENUM, f)
                                                 for f in (1, 2, 3)])))
        out["operations"] = [OPERATIONS[o - 1] if 0 < o <= len(OPERATIONS) else f"0x{o:X}"
                             for o in find(p, "Operation")]
        out["object_types"] = [OBJECT_TYPES[o - 1] if 0 < o <= len(OBJECT_TYPES) else f"0x{o:X}"
                               for o in find(p, "ObjectType")]
        out["vendor_identification"] = first(p, "VendorIdentification")
        out["server_information"] = first(p, "ServerInformation")
    finally:
        s.close()
    out["https_health"] = health(info, args.who, args.insecure)
    status, ctype, body = https(info, args.who, args.insecure, "POST", "/kmip",
                                request(OP_DISCOVER_VERSIONS))
    if status != 200:
        raise RuntimeError(f"POST /kmip: HTTP {status} {body[:200]!r}")
    out["https_kmip"] = {"status": status, "content_type": ctype,
                         "versions": versions(payload_of(body))}
    return out


def expect_refused(args, info):
    try:
        if args.https:
            status, _, body = https(info, args.who, args.insecure, "POST", "/kmip",
                                    request(OP_DISCOVER_VERSIONS))
            if status != 200:
                return {"refused": True, "error": f"HTTP {status} {body[:120]!r}"}
            payload_of(body)
        else:
            discover(info, args.who, args.insecure)
    except ConnectionRefusedError:
        raise RuntimeError("connection refused: is the server running?")
    except Exception as e:
        return {"refused": True, "error": f"{type(e).__name__}: {e}"}
    raise RuntimeError(f"identity {args.who!r} was NOT refused")


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--info", required=True, help="DIR/server.json (or a partial one)")
    p.add_argument("--who", choices=WHO, default="client")
    p.add_argument("--insecure", action="store_true")
    p.add_argument("--https", action="store_true")
    mode = p.add_mutually_exclusive_group(required=True)
    mode.add_argument("--wait", type=float)
    mode.add_argument("--query", action="store_true")
    mode.add_argument("--expect-refused", action="store_true")
    args = p.parse_args()
    with open(args.info) as f:
        info = json.load(f)
    try:
        out = (wait(args, info) if args.wait is not None else
               query(args, info) if args.query else expect_refused(args, info))
    except Exception as e:
        print(f"probe [{args.who}]: {type(e).__name__}: {e}", file=sys.stderr)
        sys.exit(1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
