#!/usr/bin/env python3
"""An independent decoder of the kmipkit ciphertext format, written from docs/FORMAT.md alone.

Usage: python3 decode.py conformance/vectors/envelope/*.json   (needs the `cryptography` package)
Decrypts each vector's ciphertext with its DEK and context and compares it with its plaintext.
"""
import hmac
import json
import struct
import sys

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def decode(ct: bytes, dek: bytes, context: bytes) -> bytes:
    if ct[:4] != b"KMKE":
        raise ValueError("bad magic")
    if ct[4] != 1:
        raise ValueError(f"unsupported version {ct[4]}")
    suite, b = struct.unpack(">HH", ct[5:9])
    if suite != 1 or not 53 <= b <= 4096:
        raise ValueError("bad suite or bound-part length")
    bound = ct[:b]
    (f,) = struct.unpack(">I", bound[9:13])
    if not 64 <= f <= 1 << 20:
        raise ValueError("bad frame size")
    salt = bound[13:45]
    (n,) = struct.unpack(">H", bound[45:47])
    name = bound[47 : 47 + n].decode()
    (version, u) = struct.unpack(">IH", bound[47 + n : 53 + n])
    uid = bound[53 + n : 53 + n + u].decode()
    if b != 53 + n + u:
        raise ValueError("bound-part length mismatch")
    commitment = ct[b : b + 32]
    (w,) = struct.unpack(">H", ct[b + 32 : b + 34])
    if w > 4096:
        raise ValueError("wrapped DEK too long")
    body = ct[b + 34 + w :]
    info = b"kmipkit/envelope/v1" + bound + struct.pack(">I", len(context)) + context
    okm = HKDF(algorithm=hashes.SHA256(), length=71, salt=salt, info=info).derive(dek)
    key, c, prefix = okm[:32], okm[32:64], okm[64:71]
    if not hmac.compare_digest(c, commitment):
        raise ValueError("key commitment mismatch")
    aead, out, i, full = AESGCM(key), [], 0, f + 16
    while True:
        last = len(body) <= full
        frame, body = body[:full], body[full:]
        if len(frame) < 16:
            raise ValueError("truncated")
        out.append(aead.decrypt(prefix + struct.pack(">IB", i, int(last)), frame, None))
        if last:
            return b"".join(out), (name, version, uid)
        i += 1


if __name__ == "__main__":
    for path in sys.argv[1:]:
        v = json.load(open(path))
        plain, ref = decode(bytes.fromhex(v["ciphertext"]), bytes.fromhex(v["dek"]), bytes.fromhex(v["context"]))
        assert plain == bytes.fromhex(v["plaintext"]), path
        assert ref == (v["key_name"], v["key_version"], v["key_uid"]), path
        print(f"ok {path}: {len(plain)} bytes, key {ref}")
